// Private: the canonical source on the free surface (DC3D0 part B for dip = 90, POT1 = 1,
// z = 0; parts A cancel and z * C vanishes), compiled once per ISA (okada_avx2.cpp, ...).
#pragma once

#include <cmath>
#include <cstddef>

#if defined(__x86_64__) || defined(_M_X64)
#define VISCOANN_OKADA_X86 1
#else
#define VISCOANN_OKADA_X86 0
#endif

namespace viscoann::detail {

// One point: u[0..2] (m per m^3). depth > 0 keeps R and R + d away from 0: never singular.
inline void canonical_point(double xv, double yv, double d, double alp3, double* u) noexcept {
    constexpr double inv2pi = 0.15915494309189533577;
    const double x2 = xv * xv, y2 = yv * yv, xy = xv * yv;
    const double r = std::sqrt(x2 + y2 + d * d);
    const double ir = 1.0 / r, ird = 1.0 / (r + d);
    const double ir2 = ir * ir;
    const double d12 = ir * ird * ird;
    const double d32 = d12 * (2.0 * r + d) * ir2;
    const double d33 = d12 * (3.0 * r + d) * ir2 * ird;
    const double qr = 3.0 * yv * ir2 * ir2 * ir;
    const double fi1 = yv * (d12 - x2 * d33);
    const double fi2 = xv * (d12 - y2 * d33);
    const double fi4 = -xy * d32;
    u[0] = inv2pi * (-x2 * qr - alp3 * fi1);
    u[1] = inv2pi * (-xy * qr - alp3 * fi2);
    u[2] = inv2pi * (-d * xv * qr - alp3 * fi4);
}

// n contiguous points at one depth; branch-free so the compiler vectorises it.
inline void canonical_block(std::size_t n, const double* __restrict x, const double* __restrict y,
                            double depth, double alp3, double* __restrict u) noexcept {
    for (std::size_t i = 0; i < n; ++i) canonical_point(x[i], y[i], depth, alp3, u + 3 * i);
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
