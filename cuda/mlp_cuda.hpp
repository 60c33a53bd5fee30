// Private: the fused CUDA engine's entry points, callable from plain C++ (no CUDA types here).
#pragma once

#include <cstddef>
#include <memory>

#include "mlp_model.hpp"
#include "viscoann/surrogate.hpp"

namespace viscoann::detail {

/// Evaluates X (n, n_in) row-major into out (n, n_out) (double or float by out_f64) on GPU 0:
/// one fused kernel per chunk, chunks pipelined over two streams through pinned buffers.
/// What a model's calls need on the GPU is kept between calls, as long as the model lives: its
/// weights on the device (per precision and elastic choice), the streams, and the pinned and
/// device buffers, sized to the calls (at most a chunk; a one-point call allocates one
/// point's). Calls on one model are serialised.
/// Inputs must already be validated (finite, positive where log10 is applied); add_elastic =
/// false leaves out the model's exact elastic part (the postseismic field).
/// Throws Unavailable when no GPU is present, std::runtime_error on a CUDA failure.
void mlp_cuda_predict(const std::shared_ptr<const MlpModel>& m, const double* X, std::size_t n,
                      void* out, bool out_f64, CudaPrecision precision, bool add_elastic = true);

/// Same for every point of a structured grid, generated on the device (no inputs cross PCIe);
/// out has the layout of InputGrid. The model must have the 6 canonical inputs.
void mlp_cuda_predict_grid(const std::shared_ptr<const MlpModel>& m, const InputGrid& grid,
                           void* out, bool out_f64, CudaPrecision precision,
                           bool add_elastic = true);

}  // namespace viscoann::detail
