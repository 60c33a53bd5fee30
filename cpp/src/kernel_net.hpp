// Private: the neural kernel's first layer, net -> coefficient matrix. Per (model, time) the
// net's features q = (d/H, log10(t/tau_M) clamped below, log10(1 + t/tau_K)) pass the MLP in
// float64 with forward-mode tangents for the requested derivatives (export.py, format 3).
#pragma once

#include <cstddef>
#include <vector>

#include "basis_synthesis.hpp"
#include "mlp_model.hpp"
#include "viscoann/kernel.hpp"

namespace viscoann::detail {

/// What NeuralKernel holds: the parsed file, the weights in float64 transposed per layer
/// (wt[wt_offset[l] + i wt_ld[l] + j] = W_l[j][i], rows padded with zeros to wt_ld[l], a
/// multiple of kGemmCols: the right operand of basis_synthesis.hpp's product kernels), the
/// radial basis radius-major.
struct KernelData {
    MlpModel model;
    std::vector<double> wt, bias;
    std::vector<std::size_t> wt_offset, wt_ld, bias_offset;
    RadialBasis basis;
};

/// Builds KernelData from a parsed model of geometry elementary_kernel.
KernelData make_kernel_data(MlpModel model);

/// One (depth, model, time) evaluation's physical parameters.
struct KernelPoint {
    double depth, H, eta_M, eta_K, t;
};

/// out[(p nq + iq) 10 K + f K + k], p < n, iq < nq: the coefficients of quantity q[iq] (w and
/// H^-2 included) at points pts[p], all with t > 0 (t = 0 is exactly zero: the callers skip
/// the net there); for d_H the part multiplying psi(r/H) only (kernel.hpp). The points pass
/// the layers together (one matrix product per layer, so each weight is read once per batch).
/// Only the coefficients of `functions` (ascending radial function indices, basis_synthesis.hpp's
/// active_functions of the caller's sources) are computed, the others are zero: the output
/// layer's product, most of a row's cost, shrinks with them (a strike-slip source reads 3 of 10).
/// `scratch` is resized as needed (one per thread).
void kernel_coefficients(const KernelData& d, std::size_t n, const KernelPoint* pts, std::size_t nq,
                         const KernelQuantity* q, const std::vector<std::size_t>& functions,
                         double* out, std::vector<double>& scratch);

/// Every radial function, 0 .. 9.
const std::vector<std::size_t>& all_functions();

}  // namespace viscoann::detail
