// Static split of an index range over std::threads: the one threading primitive of the core.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace viscoann::detail {

/// Number of threads to use: `requested` if > 0, else the hardware concurrency (at least 1).
inline unsigned resolve_threads(int requested) {
    if (requested > 0) return static_cast<unsigned>(requested);
    return std::max(1u, std::thread::hardware_concurrency());
}

/// Calls fn(begin, end) on contiguous chunks of [0, n), each chunk a multiple of `grain`
/// (except the last), over at most `threads` threads. The first exception is rethrown.
template <class Fn>
void parallel_for(std::size_t n, int threads, std::size_t grain, Fn&& fn) {
    if (n == 0) return;
    grain = std::max<std::size_t>(grain, 1);
    const std::size_t blocks = (n + grain - 1) / grain;
    const std::size_t nt = std::min<std::size_t>(resolve_threads(threads), blocks);
    if (nt <= 1) {
        fn(std::size_t{0}, n);
        return;
    }
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> errors(nt);
    pool.reserve(nt - 1);
    // Chunks 1 .. nt - 1 on new threads, chunk 0 on the caller (one thread fewer to start).
    const auto chunk = [&](std::size_t t) {
        const std::size_t b0 = blocks * t / nt, b1 = blocks * (t + 1) / nt;
        const std::size_t begin = b0 * grain, end = std::min(n, b1 * grain);
        try {
            if (begin < end) fn(begin, end);
        } catch (...) {
            errors[t] = std::current_exception();
        }
    };
    for (std::size_t t = 1; t < nt; ++t) pool.emplace_back(chunk, t);
    chunk(0);
    for (auto& th : pool) th.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

/// For uneven work per index: fn(next) runs once per thread (at most `threads`), and
/// next(begin, end) hands it the next chunk of `grain` indices of [0, n), false when none is
/// left. fn keeps its buffers across the chunks it takes.
template <class Fn>
void parallel_chunks(std::size_t n, int threads, std::size_t grain, Fn&& fn) {
    grain = std::max<std::size_t>(grain, 1);
    const std::size_t blocks = (n + grain - 1) / grain;
    std::atomic<std::size_t> counter{0};
    const auto next = [&](std::size_t& begin, std::size_t& end) {
        const std::size_t c = counter.fetch_add(1, std::memory_order_relaxed);
        if (c >= blocks) return false;
        begin = c * grain;
        end = std::min(n, begin + grain);
        return true;
    };
    const std::size_t nt = std::min<std::size_t>(resolve_threads(threads), blocks);
    parallel_for(nt, int(nt), 1, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) fn(next);
    });
}

}  // namespace viscoann::detail
