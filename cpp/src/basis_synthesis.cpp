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
    const std::vector<std::size_t> fa = active_functions(m, p);
    const std::size_t na = fa.size(), Ka = na * K;
    if (na == 0 || n_rows == 0 || n == 0) return;
    // The rows of C restricted to the active functions: the product's left matrix.
    std::vector<double> A(n_rows * Ka);
    for (std::size_t r = 0; r < n_rows; ++r)
        for (std::size_t ia = 0; ia < na; ++ia)
            std::copy_n(C + r * FK + fa[ia] * K, K, &A[r * Ka + ia * K]);
    const BasisKernels kernels = basis_kernels();
    // 64 points: B (Ka x 192) stays in L2 (92 KB for all ten functions at K = 12) while every
    // row of C passes over it.
    constexpr std::size_t block = 64;
    constexpr std::size_t ldb = (3 * block + kGemmCols - 1) / kGemmCols * kGemmCols;
    parallel_for(n, threads, block, [&](std::size_t begin, std::size_t end) {
        // Kept per thread (hundreds of KB): a long-lived caller's small calls, one per model
        // and depth in a fit, would map and page-fault fresh ones each time.
        thread_local std::vector<double> B, acc;
        B.resize(Ka * ldb), acc.resize(3 * Ka);
        for (std::size_t b0 = begin; b0 < end; b0 += block) {
            const std::size_t nb = std::min(block, end - b0);
            // Every used column is written below; only the last panel's padding is cleared.
            const std::size_t used = 3 * nb, padded = std::min(ldb, (used + kGemmCols - 1) /
                                                                        kGemmCols * kGemmCols);
            for (std::size_t kk = 0; kk < Ka; ++kk)
                std::fill(&B[kk * ldb + used], &B[kk * ldb + padded], 0.0);
            for (std::size_t i = 0; i < nb; ++i) {
                // One point's column of B, summed over the sources in a contiguous
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
                for (std::size_t kk = 0; kk < Ka; ++kk) {
                    double* bk = &B[kk * ldb + 3 * i];
                    bk[0] = acc[kk], bk[1] = acc[Ka + kk], bk[2] = acc[2 * Ka + kk];
                }
            }
            kernels.gemm(n_rows, 3 * nb, Ka, A.data(), Ka, B.data(), ldb, out + 3 * b0, 3 * n);
        }
    });
}

}  // namespace viscoann::detail
