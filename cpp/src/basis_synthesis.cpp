// The superposition of a tabulated radial basis (basis_synthesis.hpp): per block of points the
// matrix B of azimuthal factors times interpolated basis functions, summed over the sources,
// then out += C B with the ISA's product kernel; threads over point blocks.
#include "basis_synthesis.hpp"

#include <algorithm>
#include <cmath>

#include "hankel.hpp"
#include "parallel_for.hpp"
#include "sources.hpp"

namespace viscoann::detail {

namespace {

constexpr std::size_t F = kRadialFunctions;

// rho dpsi/drho of the cubic stencil's interpolant at u = rho / h: u times the derivatives of
// hankel.cpp's Lagrange weights on nodes j0 .. j0 + 3.
std::size_t derivative_stencil(double rho, double h, std::size_t n, double w[4]) noexcept {
    const std::size_t j = cubic_stencil(rho, h, n, w);
    const double u = rho / h, x = u - double(j);
    const double a = x - 1, b = x - 2, c = x - 3;
    w[0] = -u * (b * c + a * c + a * b) / 6.0;
    w[1] = u * (b * c + x * c + x * b) / 2.0;
    w[2] = -u * (a * c + x * c + x * a) / 2.0;
    w[3] = u * (a * b + x * b + x * a) / 6.0;
    return j;
}

}  // namespace

// The weights are linear in (cos, sin) of φ and 2φ, so two generic azimuths tell every
// nonzero one. A weight below 1e-14 of the largest tensor component counts as zero: a vertical
// fault's tensor carries P_xz ~ 1e-16 P_xy from cos 90°, which would wake every function.
std::vector<std::size_t> active_functions(std::size_t m, const PotencyTensor* p) {
    double big = 0.0;
    for (std::size_t q = 0; q < m; ++q)
        for (const double v : {p[q].xx, p[q].yy, p[q].zz, p[q].xy, p[q].xz, p[q].yz})
            big = std::max(big, std::abs(v));
    const double tiny = 1e-14 * big;
    bool on[F] = {};
    const Azimuth probes[2] = {{0.6, 0.8}, {0.28, -0.96}};
    for (std::size_t q = 0; q < m; ++q)
        for (const Azimuth& a : probes) {
            double W[3][F];
            elementary_weights(a, p[q], W);
            for (std::size_t f = 0; f < F; ++f)
                for (std::size_t c = 0; c < 3; ++c) on[f] = on[f] || std::abs(W[c][f]) > tiny;
        }
    std::vector<std::size_t> fa;
    for (std::size_t f = 0; f < F; ++f)
        if (on[f]) fa.push_back(f);
    return fa;
}

void gemm_scalar(std::size_t rows, std::size_t cols, std::size_t kd, const double* A,
                 std::size_t lda, const double* B, std::size_t ldb, double* out,
                 std::size_t ldo) noexcept {
    gemm_impl<double, 4, 4>(rows, cols, kd, A, lda, B, ldb, out, ldo);
}

void tanh_scalar(std::size_t n, const double* z, double* h) noexcept {
    for (std::size_t i = 0; i < n; ++i) h[i] = std::tanh(z[i]);
}

void pair_scalar(std::size_t K, std::size_t FK, std::size_t na, const std::size_t* fa,
                 const double* p0, const double w[4], const double* W, double* acc) noexcept {
    pair_impl<double>(K, FK, na, fa, p0, w, W, acc);
}

BasisKernels basis_kernels() noexcept {
#if defined(__x86_64__) || defined(_M_X64)
    static const BasisKernels k = __builtin_cpu_supports("avx512f")
                                      ? BasisKernels{pair_avx512, gemm_avx512, tanh_avx512}
                                  : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
                                      ? BasisKernels{pair_avx2, gemm_avx2, tanh_avx2}
                                      : BasisKernels{pair_scalar, gemm_scalar, tanh_scalar};
    return k;
#else
    return {pair_scalar, gemm_scalar, tanh_scalar};
#endif
}

void basis_synthesis(const RadialBasis& b, std::size_t n_rows, const double* C, std::size_t m,
                     const PotencyTensor* p, std::size_t n, const double* x, const double* y,
                     double* out, int threads, double radius_scale, BasisRead read) {
    const std::size_t K = b.K, FK = F * K;
    // The active functions, horizontal ones (moving ux, uy) first, then vertical (uz): a
    // function moves one or the other, never both (sources.hpp), so the product splits in two
    // and skips B's structural zeros (1.8x fewer multiply-adds for a strike-slip source).
    std::vector<std::size_t> fa;
    const auto active = active_functions(m, p);
    for (const bool vertical : {false, true})
        for (const std::size_t f : active)
            if (kVerticalFunction[f] == vertical) fa.push_back(f);
    const std::size_t na = fa.size(), Ka = na * K;
    if (na == 0 || n_rows == 0 || n == 0) return;
    std::size_t nh = 0;
    while (nh < na && !kVerticalFunction[fa[nh]]) ++nh;
    const std::size_t Kh = nh * K, Kv = Ka - Kh;
    // The rows of C restricted to the active functions: the products' left matrices.
    std::vector<double> A(n_rows * Ka);
    for (std::size_t r = 0; r < n_rows; ++r)
        for (std::size_t ia = 0; ia < na; ++ia)
            std::copy_n(C + r * FK + fa[ia] * K, K, &A[r * Ka + ia * K]);
    const BasisKernels kernels = basis_kernels();
    // 64 points: B (Ka x 192) stays in L2 while every row of C passes over it; the products
    // go to row chunks of 128 in L2 (Th: (ux, uy) per point, Tv: uz), then into out.
    constexpr std::size_t block = 64, chunk = 128;
    constexpr std::size_t ldh = (2 * block + kGemmCols - 1) / kGemmCols * kGemmCols;
    constexpr std::size_t ldv = (block + kGemmCols - 1) / kGemmCols * kGemmCols;
    parallel_for(n, threads, block, [&](std::size_t begin, std::size_t end) {
        // Kept per thread (hundreds of KB): a long-lived caller's small calls, one per model
        // and depth in a fit, would map and page-fault fresh ones each time.
        thread_local std::vector<double> Bh, Bv, acc, Th, Tv;
        Bh.resize(Kh * ldh), Bv.resize(Kv * ldv), acc.resize(3 * Ka);
        Th.resize(chunk * ldh), Tv.resize(chunk * ldv);
        for (std::size_t b0 = begin; b0 < end; b0 += block) {
            const std::size_t nb = std::min(block, end - b0);
            for (std::size_t i = 0; i < nb; ++i) {
                // One point's columns of B, summed over the sources in a contiguous
                // accumulator (component-major), then stored once.
                std::fill(acc.begin(), acc.end(), 0.0);
                for (std::size_t q = 0; q < m; ++q) {
                    const double xi = x[q * n + b0 + i], yi = y[q * n + b0 + i];
                    double w[4];
                    const double rho = std::sqrt(xi * xi + yi * yi) * radius_scale;
                    const std::size_t j0 = read == BasisRead::value
                                               ? cubic_stencil(rho, b.h, b.n_r, w)
                                               : derivative_stencil(rho, b.h, b.n_r, w);
                    double W[3][F];
                    elementary_weights(azimuth(xi, yi), p[q], W);
                    kernels.pair(K, FK, na, fa.data(), &b.psi[j0 * FK], w, &W[0][0], acc.data());
                }
                for (std::size_t kk = 0; kk < Kh; ++kk) {
                    double* bk = &Bh[kk * ldh + 2 * i];
                    bk[0] = acc[kk], bk[1] = acc[Ka + kk];
                }
                for (std::size_t kk = 0; kk < Kv; ++kk) Bv[kk * ldv + i] = acc[2 * Ka + Kh + kk];
            }
            // The columns past the block's points are padding the products read: cleared.
            for (std::size_t kk = 0; kk < Kh; ++kk)
                std::fill(&Bh[kk * ldh + 2 * nb], &Bh[(kk + 1) * ldh], 0.0);
            for (std::size_t kk = 0; kk < Kv; ++kk)
                std::fill(&Bv[kk * ldv + nb], &Bv[(kk + 1) * ldv], 0.0);
            for (std::size_t r0 = 0; r0 < n_rows; r0 += chunk) {
                const std::size_t rc = std::min(chunk, n_rows - r0);
                const double* Ar = &A[r0 * Ka];
                if (Kh > 0) {
                    std::fill_n(Th.begin(), rc * ldh, 0.0);
                    kernels.gemm(rc, 2 * nb, Kh, Ar, Ka, Bh.data(), ldh, Th.data(), ldh);
                }
                if (Kv > 0) {
                    std::fill_n(Tv.begin(), rc * ldv, 0.0);
                    kernels.gemm(rc, nb, Kv, Ar + Kh, Ka, Bv.data(), ldv, Tv.data(), ldv);
                }
                for (std::size_t r = 0; r < rc; ++r) {
                    double* o = out + ((r0 + r) * n + b0) * 3;
                    const double* th = &Th[r * ldh];
                    const double* tv = &Tv[r * ldv];
                    for (std::size_t i = 0; i < nb; ++i) {
                        if (Kh > 0) o[3 * i] += th[2 * i], o[3 * i + 1] += th[2 * i + 1];
                        if (Kv > 0) o[3 * i + 2] += tv[i];
                    }
                }
            }
        }
    });
}

}  // namespace viscoann::detail
