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
/// (wt[wt_offset[l] + i out + j] = W_l[j][i]: the hot loop runs along outputs), the radial
/// basis radius-major.
struct KernelData {
    MlpModel model;
    std::vector<double> wt, bias;
    std::vector<std::size_t> wt_offset, bias_offset;
    RadialBasis basis;
};

/// Builds KernelData from a parsed model of geometry elementary_kernel.
KernelData make_kernel_data(MlpModel model);

/// One (depth, model, time) evaluation's physical parameters.
struct KernelPoint {
    double depth, H, eta_M, eta_K, t;
};

/// out[iq 10 K + f K + k], iq < nq: the coefficients of quantity q[iq] (w and H^-2 included)
/// at one point with t > 0 (t = 0 is exactly zero: the callers skip the net there); for d_H
/// the part multiplying psi(r/H) only (kernel.hpp). `scratch` is resized as needed (one per
/// thread).
void kernel_coefficients(const KernelData& d, const KernelPoint& pt, std::size_t nq,
                         const KernelQuantity* q, double* out, std::vector<double>& scratch);

}  // namespace viscoann::detail
