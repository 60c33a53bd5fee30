// Private: FMA throughput loops (one per ISA) and the measured FP32 peak built from them.
#pragma once

namespace viscoann::detail {

/// Independent FMA chains per loop iteration: enough to cover latency x throughput (4 x 2).
inline constexpr int fma_loop_chains = 12;

/// Runs iters x fma_loop_chains vector FMAs; returns a value that depends on all of them.
using FmaLoopFn = float (*)(long iters) noexcept;
float fma_loop_portable(long iters) noexcept;
float fma_loop_avx2(long iters) noexcept;
float fma_loop_avx512(long iters) noexcept;

}  // namespace viscoann::detail
