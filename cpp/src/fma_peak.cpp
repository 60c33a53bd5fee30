// Measured FP32 FMA peak of this machine: independent FMA chains on the widest vectors the CPU
// runs (AVX-512 / AVX2 / portable), on each thread; the denominator of "fraction of peak".
#include "fma_peak.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "mlp_cpu.hpp"
#include "parallel_for.hpp"
#include "viscoann/surrogate.hpp"

namespace viscoann::detail {}  // namespace viscoann::detail

namespace viscoann {

double fma_peak_gflops(int threads, double seconds) {
    using namespace detail;
    const unsigned nt = resolve_threads(threads);
    const CpuIsa isa = mlp_cpu_resolve_isa(CpuIsa::automatic);
    FmaLoopFn loop = fma_loop_portable;
    int lanes = 8;
#ifdef VISCOANN_CPU_X86
    if (isa == CpuIsa::avx512) {
        loop = fma_loop_avx512;
        lanes = 16;
    } else if (isa == CpuIsa::avx2) {
        loop = fma_loop_avx2;
        lanes = 8;
    }
#endif
    // One call = iters x fma_loop_chains FMAs of `lanes` floats; calibrate to ~seconds.
    const long iters = 1 << 20;
    std::vector<double> rate(nt, 0.0);
    std::atomic<float> sink{0.0f};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < nt; ++t)
        pool.emplace_back([&, t] {
            loop(iters / 16);  // warm up (frequency licence)
            double best = 0.0;
            const auto stop =
                std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
            while (std::chrono::steady_clock::now() < stop) {
                const auto t0 = std::chrono::steady_clock::now();
                const float s = loop(iters);
                const double dt =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                sink.store(s, std::memory_order_relaxed);
                best =
                    std::max(best, 2.0 * lanes * fma_loop_chains * static_cast<double>(iters) / dt);
            }
            rate[t] = best;
        });
    for (auto& th : pool) th.join();
    double total = 0.0;
    for (double r : rate) total += r;
    return total * 1e-9;
}

}  // namespace viscoann

namespace viscoann::detail {

float fma_loop_portable(long iters) noexcept {
    float a[fma_loop_chains][8];
    for (int c = 0; c < fma_loop_chains; ++c)
        for (int j = 0; j < 8; ++j) a[c][j] = 1.0f + 1e-3f * float(c + j);
    for (long k = 0; k < iters; ++k)
        for (int c = 0; c < fma_loop_chains; ++c)
            for (int j = 0; j < 8; ++j) a[c][j] = a[c][j] * 0.999999f + 1e-7f;
    float s = 0.0f;
    for (int c = 0; c < fma_loop_chains; ++c)
        for (int j = 0; j < 8; ++j) s += a[c][j];
    return s;
}

}  // namespace viscoann::detail
