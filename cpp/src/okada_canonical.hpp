// Private: the canonical source's Okada field on the free surface (okada_canonical_field of
// sources.hpp) over contiguous points, compiled once per ISA (okada_avx2.cpp, ...).
#pragma once

#include <cstddef>

#include "sources.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#define VISCOANN_OKADA_X86 1
#else
#define VISCOANN_OKADA_X86 0
#endif

namespace viscoann::detail {

// n contiguous points at one depth; branch-free so the compiler vectorises it.
VISCOANN_HD void canonical_block(std::size_t n, const double* __restrict x,
                                 const double* __restrict y, double depth, double alp3,
                                 double* __restrict u) noexcept {
    for (std::size_t i = 0; i < n; ++i) okada_canonical_field(x[i], y[i], depth, alp3, u + 3 * i);
}

using CanonicalKernel = void (*)(std::size_t, const double*, const double*, double, double,
                                 double*) noexcept;
void okada_canonical_scalar(std::size_t n, const double* x, const double* y, double depth,
                            double alp3, double* u) noexcept;
#if VISCOANN_OKADA_X86
void okada_canonical_avx2(std::size_t n, const double* x, const double* y, double depth,
                          double alp3, double* u) noexcept;
void okada_canonical_avx512(std::size_t n, const double* x, const double* y, double depth,
                            double alp3, double* u) noexcept;
#endif
/// The kernel for this CPU, chosen once.
CanonicalKernel canonical_kernel() noexcept;

}  // namespace viscoann::detail
