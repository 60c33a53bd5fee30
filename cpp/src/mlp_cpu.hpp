// Private: the fused CPU engine's entry points, one per instruction set (mlp_cpu*.cpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "mlp_model.hpp"
#include "viscoann/surrogate.hpp"

namespace viscoann::detail {

/// First rejected input of a range (row = SIZE_MAX when none): non-finite, or x + shift <= 0
/// for log10.
struct BadInput {
    std::size_t row = SIZE_MAX;
    std::size_t col = 0;
    double value = 0.0;
};

/// "(name) = value is not allowed: ..." for a rejected value of input column `col` (non-finite,
/// or x + shift <= 0 for a log10 input): the allowed range and why.
std::string describe_bad_input(const MlpModel& m, std::size_t col, double value);

/// Evaluates points [begin, end) of X (n, n_in) into out (n, n_out) (double or float by
/// out_f64), adding the model's exact elastic part when add_elastic. scratch:
/// scratch_floats(model) floats, 64-byte aligned. Never throws.
using CpuRangeFn = void (*)(const MlpModel& m, const double* X, std::size_t begin, std::size_t end,
                            void* out, bool out_f64, bool add_elastic, float* scratch,
                            BadInput& bad) noexcept;

/// The engine's vector tanh on n floats (n a multiple of 16; for tests and error bounds).
using CpuTanhFn = void (*)(const float* x, float* y, std::size_t n) noexcept;

struct CpuKernel {
    CpuRangeFn run;
    std::size_t block_points;  ///< points per fused block (SIMD lanes x vectors)
    CpuTanhFn tanh;
};

/// Maximum errors of the engine's tanh on `isa` against std::tanh (in double) over every
/// `stride`-th float bit pattern (stride 1: all finite floats).
struct TanhError {
    double max_abs = 0.0;  ///< max |tanh_engine(x) - tanh(x)|
    double max_rel = 0.0;  ///< max of the same divided by |tanh(x)| (x != 0)
    double worst_x = 0.0;  ///< where max_abs occurs
};
TanhError mlp_cpu_tanh_error(CpuIsa isa, std::uint32_t stride);

CpuKernel mlp_cpu_kernel_scalar() noexcept;
CpuKernel mlp_cpu_kernel_for(CpuIsa resolved) noexcept;
#if defined(__x86_64__) || defined(_M_X64)
#define VISCOANN_CPU_X86 1
CpuKernel mlp_cpu_kernel_avx2() noexcept;
CpuKernel mlp_cpu_kernel_avx512() noexcept;
#endif

/// Floats of scratch a range needs: three buffers of max(max width, n_inputs) x block points
/// (two for activations, one to stage the inputs).
inline std::size_t mlp_cpu_scratch_floats(const MlpModel& m, std::size_t block_points) {
    const std::size_t w = std::max(static_cast<std::size_t>(m.max_layer_width()), m.n_inputs());
    return 3 * w * block_points;
}

/// The ISA `isa` resolves to (automatic -> VISCOANN_CPU_ISA or the best supported); throws
/// Unavailable when a forced ISA is not supported here.
CpuIsa mlp_cpu_resolve_isa(CpuIsa isa);

/// Fused evaluation of the whole net, threads over blocks; add_elastic = false leaves out the
/// model's exact elastic part (the postseismic field). Throws std::invalid_argument for a bad
/// input value (naming row and column).
void mlp_cpu_predict(const MlpModel& m, const double* X, std::size_t n, void* out, bool out_f64,
                     int threads, CpuIsa isa, bool add_elastic = true);

}  // namespace viscoann::detail
