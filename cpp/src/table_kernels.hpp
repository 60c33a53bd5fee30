// Private: the hot loops of the radial tables, compiled once per ISA (table_kernels.cpp,
// table_kernels_avx2.cpp, table_kernels_avx512.cpp) and chosen at run time.
// (1) radial sums: the ten radial functions of a block of kRadialBlock radii at every time,
//     g = sum_k B(k r) K(k, t) (a small matrix product: radii x wavenumbers x times);
// (2) synthesis: one point source's displacement at one station for every time from the
//     tables, u_c(t) = sum_f C_cf sum_s w_s g_f(r_s, t) (C from sources.hpp's
//     elementary_synthesis, w the cubic stencil in r);
// (3) stencil: a weighted sum of four table rows into an accumulator (the traction tables'
//     interpolation in depth and radius, depth_tables.cpp);
// (4) stress radial sums: the traction tables' integrals (kStressLayout's slots) of a block
//     of kStressBlock radii at one time and receiver depth, vectorised across the radii.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>

#include "hankel.hpp"
#include "sources.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#define VISCOANN_TABLES_X86 1
#else
#define VISCOANN_TABLES_X86 0
#endif

namespace viscoann::detail {

/// Radii per radial-sum block; the kernels vectorise across them.
inline constexpr std::size_t kRadialBlock = 16;
/// Products per wavenumber: term q multiplies Bessel combination kTermB[q] (elementary_row)
/// by kernel component kTermK[q] (U, V, W per elementary source) scaled by kTermScale[q],
/// into radial function kTermG[q]. These are elementary sources' harmonic integrals read off
/// from_harmonics (E0, E1: m = 0, u_r = I0, u_z = -I4; E2: m = 1, g_r = I0 + I2, g_phi =
/// I1 + I3, g_z = -I4; E3: m = 2, g_r = I0 - 2 I2, g_phi = 2 I1 - I3, g_z = -I4).
inline constexpr std::size_t kTerms = 14;
inline constexpr std::size_t kTermB[kTerms] = {0, 5, 0, 5, 1, 3, 3, 1, 6, 2, 4, 4, 2, 7};
inline constexpr std::size_t kTermK[kTerms] = {1, 0, 4, 3, 7, 8, 7, 8, 6, 10, 11, 10, 11, 9};
inline constexpr std::size_t kTermG[kTerms] = {0, 1, 2, 3, 4, 4, 5, 5, 6, 7, 7, 8, 8, 9};
inline constexpr double kTermScale[kTerms] = {1, -1, 1, -1, 1, 1, 1, 1, -1, 1, -2, 2, -1, -1};

/// acc[(it kRadialFunctions + f) kRadialBlock + jj] = g_f(r_jj, t_it) for one block of radii
/// from Bt[(ik kElementaryRow + b) kRadialBlock + jj] (elementary_row, transposed) and
/// Kt[(it nk + ik) kTerms + q] (the time kernels as terms, kTermK/kTermScale applied).
using RadialKernel = void (*)(std::size_t nk, std::size_t nt, const double* Bt, const double* Kt,
                              double* acc) noexcept;
/// u[c stride + it] += sum_f C[c][f] sum_s w[s] rows[s][f stride + it] for it < n: rows[s] the
/// radius-major table of the stencil's s-th radius ([f][t], times contiguous, `stride` apart).
using SynthesisKernel = void (*)(std::size_t n, std::size_t stride, const double* const rows[4],
                                 const double w[4], const double C[3][kRadialFunctions],
                                 double* u) noexcept;

/// acc[q] += sum_s w[s] rows[s][q] for q < n.
using StencilKernel = void (*)(std::size_t n, const double* const rows[4], const double w[4],
                               double* acc) noexcept;

/// Radii per block of the stress radial sums.
inline constexpr std::size_t kStressBlock = 8;
/// R[s kStressBlock + jj] = Σ_ik w k^p X_s(k) J_a(k r_jj) for the stress tables' slots s (the
/// integrals of depth_radial's μ-set and λ D that kStressLayout keeps; a = m + n >= 0) from
/// Jt[(5 ik + a) kStressBlock + jj] (bessel_04_row per radius, transposed), the rule's k and w,
/// and one time's stress kernels at one receiver depth K[(ik kElementary + e) kStressComponents
/// + c] (depth_time_kernels' stress_only layout: kDepthComponents' 6 .. 12).
using StressRadialKernel = void (*)(std::size_t nk, const double* k, const double* w,
                                    const double* Jt, const double* K, double* R) noexcept;

/// Per slot of kStressLayout: its source, kernel component (of kStressComponents: the
/// μ-scaled set, then λ D), Bessel order and power of k.
struct StressTerm {
    std::size_t src, comp, order;
    int power;
};
constexpr std::array<StressTerm, kStressLayout.n> make_stress_terms() {
    std::array<StressTerm, kStressLayout.n> t{};
    for (std::size_t s = 0; s < kStressLayout.n; ++s) {
        const auto [k, c] = kStressLayout.stored[s];
        const DepthEntry& d = kDepthEntries[c];
        t[s] = {k, std::size_t(d.comp), std::size_t(kElementaryOrder[k] + d.off), d.power};
    }
    return t;
}
inline constexpr std::array<StressTerm, kStressLayout.n> kStressTerms = make_stress_terms();

template <class V>
inline V load(const double* p) noexcept {
    V v;
    std::memcpy(&v, p, sizeof(V));
    return v;
}
template <class V>
inline void store(double* p, V v) noexcept {
    std::memcpy(p, &v, sizeof(V));
}

// V: a GCC/Clang vector of doubles (or double itself), NV of them per pass.
template <class V, std::size_t NV>
inline void radial_block_impl(std::size_t nk, std::size_t nt, const double* __restrict Bt,
                              const double* __restrict Kt, double* __restrict acc) noexcept {
    constexpr std::size_t L = sizeof(V) / sizeof(double), W = L * NV, RB = kRadialBlock;
    // A pass's share of a 32-wavenumber chunk of Bt (8 KB) stays in L1 over all times.
    constexpr std::size_t F = kRadialFunctions, chunk = 32;
    static_assert(RB % W == 0, "a pass covers whole vectors");
    std::fill(acc, acc + nt * F * RB, 0.0);
    for (std::size_t k0 = 0; k0 < nk; k0 += chunk) {
        const std::size_t k1 = std::min(nk, k0 + chunk);
        for (std::size_t p = 0; p < RB; p += W)
            for (std::size_t it = 0; it < nt; ++it) {
                double* at = acc + it * F * RB + p;
                V a[F][NV];
                for (std::size_t f = 0; f < F; ++f)
                    for (std::size_t v = 0; v < NV; ++v) a[f][v] = load<V>(at + f * RB + v * L);
                for (std::size_t ik = k0; ik < k1; ++ik) {
                    const double* kq = Kt + (it * nk + ik) * kTerms;
                    const double* b = Bt + ik * kElementaryRow * RB + p;
                    for (std::size_t q = 0; q < kTerms; ++q)
                        for (std::size_t v = 0; v < NV; ++v)
                            a[kTermG[q]][v] += load<V>(b + kTermB[q] * RB + v * L) * kq[q];
                }
                for (std::size_t f = 0; f < F; ++f)
                    for (std::size_t v = 0; v < NV; ++v) store<V>(at + f * RB + v * L, a[f][v]);
            }
    }
}

// Vectors of V along times (a scalar loop for the remainder).
template <class V>
inline void synthesis_impl(std::size_t nt, std::size_t stride, const double* const rows[4],
                           const double w[4], const double C[3][kRadialFunctions],
                           double* __restrict u) noexcept {
    constexpr std::size_t L = sizeof(V) / sizeof(double), F = kRadialFunctions;
    const double* __restrict r0 = rows[0];
    const double* __restrict r1 = rows[1];
    const double* __restrict r2 = rows[2];
    const double* __restrict r3 = rows[3];
    double* __restrict ux = u;
    double* __restrict uy = u + stride;
    double* __restrict uz = u + 2 * stride;
    std::size_t it = 0;
    for (; it + L <= nt; it += L) {
        V x = load<V>(ux + it), y = load<V>(uy + it), z = load<V>(uz + it);
        for (std::size_t f = 0; f < F; ++f) {
            const std::size_t o = f * stride + it;
            const V g = load<V>(r0 + o) * w[0] + load<V>(r1 + o) * w[1] + load<V>(r2 + o) * w[2] +
                        load<V>(r3 + o) * w[3];
            x += g * C[0][f], y += g * C[1][f], z += g * C[2][f];
        }
        store<V>(ux + it, x), store<V>(uy + it, y), store<V>(uz + it, z);
    }
    for (; it < nt; ++it)
        for (std::size_t f = 0; f < F; ++f) {
            const std::size_t o = f * stride + it;
            const double g = w[0] * r0[o] + w[1] * r1[o] + w[2] * r2[o] + w[3] * r3[o];
            ux[it] += C[0][f] * g, uy[it] += C[1][f] * g, uz[it] += C[2][f] * g;
        }
}

template <class V>
inline void stencil_impl(std::size_t n, const double* const rows[4], const double w[4],
                         double* __restrict acc) noexcept {
    constexpr std::size_t L = sizeof(V) / sizeof(double);
    const double* __restrict r0 = rows[0];
    const double* __restrict r1 = rows[1];
    const double* __restrict r2 = rows[2];
    const double* __restrict r3 = rows[3];
    std::size_t q = 0;
    for (; q + L <= n; q += L)
        store<V>(acc + q, load<V>(acc + q) + load<V>(r0 + q) * w[0] + load<V>(r1 + q) * w[1] +
                              load<V>(r2 + q) * w[2] + load<V>(r3 + q) * w[3]);
    for (; q < n; ++q) acc[q] += w[0] * r0[q] + w[1] * r1[q] + w[2] * r2[q] + w[3] * r3[q];
}

// Slots S0 .. S1 - 1 of stress_radial_impl: their accumulators stay in registers.
template <class V, std::size_t NV, std::size_t S0, std::size_t S1>
inline void stress_radial_pass(std::size_t nk, const double* __restrict k,
                               const double* __restrict w, const double* __restrict Jt,
                               const double* __restrict K, double* __restrict R) noexcept {
    constexpr std::size_t L = sizeof(V) / sizeof(double), B = kStressBlock;
    static_assert(L * NV == B, "a pass covers the block");
    V a[S1 - S0][NV] = {};
    for (std::size_t ik = 0; ik < nk; ++ik) {
        // As depth_radial: w1 = w k, w2 = w1 k, each term (w_p X) J.
        const double w1 = w[ik] * k[ik], w2 = w1 * k[ik];
        const double* X = K + ik * kElementary * kStressComponents;
        const double* J = Jt + ik * 5 * B;
#pragma GCC unroll 32
        for (std::size_t s = S0; s < S1; ++s) {
            const StressTerm& t = kStressTerms[s];
            const double c = (t.power == 1 ? w1 : w2) * X[t.src * kStressComponents + t.comp];
            for (std::size_t v = 0; v < NV; ++v)
                a[s - S0][v] += load<V>(J + t.order * B + v * L) * c;
        }
    }
    for (std::size_t s = S0; s < S1; ++s)
        for (std::size_t v = 0; v < NV; ++v) store<V>(R + s * B + v * L, a[s - S0][v]);
}
template <class V, std::size_t NV>
inline void stress_radial_impl(std::size_t nk, const double* k, const double* w, const double* Jt,
                               const double* K, double* R) noexcept {
    constexpr std::size_t S = kStressLayout.n, H = S / 2;
    stress_radial_pass<V, NV, 0, H>(nk, k, w, Jt, K, R);
    stress_radial_pass<V, NV, H, S>(nk, k, w, Jt, K, R);
}

void radial_block_scalar(std::size_t nk, std::size_t nt, const double* Bt, const double* Kt,
                         double* acc) noexcept;
void stress_radial_scalar(std::size_t nk, const double* k, const double* w, const double* Jt,
                          const double* K, double* R) noexcept;
void stencil_scalar(std::size_t n, const double* const rows[4], const double w[4],
                    double* acc) noexcept;
void synthesis_scalar(std::size_t n, std::size_t stride, const double* const rows[4],
                      const double w[4], const double C[3][kRadialFunctions], double* u) noexcept;
#if VISCOANN_TABLES_X86
void radial_block_avx2(std::size_t nk, std::size_t nt, const double* Bt, const double* Kt,
                       double* acc) noexcept;
void synthesis_avx2(std::size_t n, std::size_t stride, const double* const rows[4],
                    const double w[4], const double C[3][kRadialFunctions], double* u) noexcept;
void radial_block_avx512(std::size_t nk, std::size_t nt, const double* Bt, const double* Kt,
                         double* acc) noexcept;
void stencil_avx2(std::size_t n, const double* const rows[4], const double w[4],
                  double* acc) noexcept;
void stencil_avx512(std::size_t n, const double* const rows[4], const double w[4],
                    double* acc) noexcept;
void synthesis_avx512(std::size_t n, std::size_t stride, const double* const rows[4],
                      const double w[4], const double C[3][kRadialFunctions], double* u) noexcept;
void stress_radial_avx2(std::size_t nk, const double* k, const double* w, const double* Jt,
                        const double* K, double* R) noexcept;
void stress_radial_avx512(std::size_t nk, const double* k, const double* w, const double* Jt,
                          const double* K, double* R) noexcept;
#endif

struct TableKernels {
    RadialKernel radial;
    SynthesisKernel synthesis;
    StencilKernel stencil;
    StressRadialKernel stress_radial;
};
/// The kernels for this CPU, chosen once.
TableKernels table_kernels() noexcept;

}  // namespace viscoann::detail
