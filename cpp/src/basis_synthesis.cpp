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

// Functions f whose azimuthal weight is nonzero for some source: the weights are linear in
// (cos, sin) of φ and 2φ, so two generic azimuths tell every nonzero one.
std::vector<std::size_t> active_functions(std::size_t m, const PotencyTensor* p) {
    bool on[F] = {};
    const Azimuth probes[2] = {{0.6, 0.8}, {0.28, -0.96}};
    for (std::size_t q = 0; q < m; ++q)
        for (const Azimuth& a : probes)
            for (std::size_t f = 0; f < F; ++f) {
                double unit[F] = {}, u[3];
                unit[f] = 1.0;
                elementary_synthesis(a, p[q], unit, u);
                on[f] = on[f] || u[0] != 0.0 || u[1] != 0.0 || u[2] != 0.0;
            }
    std::vector<std::size_t> fa;
    for (std::size_t f = 0; f < F; ++f)
        if (on[f]) fa.push_back(f);
    return fa;
}

}  // namespace

void gemm_scalar(std::size_t rows, std::size_t cols, std::size_t kd, const double* A,
                 std::size_t lda, const double* B, std::size_t ldb, double* out,
                 std::size_t ldo) noexcept {
    gemm_impl<double, 4, 4>(rows, cols, kd, A, lda, B, ldb, out, ldo);
}

GemmKernel gemm_kernel() noexcept {
#if defined(__x86_64__) || defined(_M_X64)
    static const GemmKernel k = __builtin_cpu_supports("avx512f") ? gemm_avx512
                                : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
                                    ? gemm_avx2
                                    : gemm_scalar;
    return k;
#else
    return gemm_scalar;
#endif
}

void basis_synthesis(const RadialBasis& b, std::size_t n_rows, const double* C, std::size_t m,
                     const PotencyTensor* p, std::size_t n, const double* x, const double* y,
                     double* out, int threads) {
    const std::size_t K = b.K, FK = F * K;
    const std::vector<std::size_t> fa = active_functions(m, p);
    const std::size_t na = fa.size(), Ka = na * K;
    if (na == 0 || n_rows == 0 || n == 0) return;
    // The rows of C restricted to the active functions: the product's left matrix.
    std::vector<double> A(n_rows * Ka);
    for (std::size_t r = 0; r < n_rows; ++r)
        for (std::size_t ia = 0; ia < na; ++ia)
            std::copy_n(C + r * FK + fa[ia] * K, K, &A[r * Ka + ia * K]);
    const GemmKernel gemm = gemm_kernel();
    // 64 points: B (Ka x 192) stays in L2 (92 KB for all ten functions at K = 12) while every
    // row of C passes over it.
    constexpr std::size_t block = 64;
    constexpr std::size_t ldb = (3 * block + kGemmCols - 1) / kGemmCols * kGemmCols;
    parallel_for(n, threads, block, [&](std::size_t begin, std::size_t end) {
        std::vector<double> B(Ka * ldb), s(Ka);
        for (std::size_t b0 = begin; b0 < end; b0 += block) {
            const std::size_t nb = std::min(block, end - b0);
            std::fill(B.begin(), B.end(), 0.0);
            for (std::size_t q = 0; q < m; ++q) {
                const double* xq = x + q * n + b0;
                const double* yq = y + q * n + b0;
                for (std::size_t i = 0; i < nb; ++i) {
                    double w[4];
                    const std::size_t j0 = cubic_stencil(std::hypot(xq[i], yq[i]), b.h, b.n_r, w);
                    const double* p0 = &b.psi[j0 * FK];
                    for (std::size_t ia = 0; ia < na; ++ia) {
                        const double* r0 = p0 + fa[ia] * K;
                        double* sa = &s[ia * K];
                        for (std::size_t k = 0; k < K; ++k)
                            sa[k] = w[0] * r0[k] + w[1] * r0[k + FK] + w[2] * r0[k + 2 * FK] +
                                    w[3] * r0[k + 3 * FK];
                    }
                    // The synthesis is linear in g: its weights from unit radial functions.
                    const Azimuth a = azimuth(xq[i], yq[i]);
                    for (std::size_t ia = 0; ia < na; ++ia) {
                        double unit[F] = {}, M[3];
                        unit[fa[ia]] = 1.0;
                        elementary_synthesis(a, p[q], unit, M);
                        for (std::size_t k = 0; k < K; ++k) {
                            double* bk = &B[(ia * K + k) * ldb + 3 * i];
                            const double sk = s[ia * K + k];
                            bk[0] += M[0] * sk, bk[1] += M[1] * sk, bk[2] += M[2] * sk;
                        }
                    }
                }
            }
            gemm(n_rows, 3 * nb, Ka, A.data(), Ka, B.data(), ldb, out + 3 * b0, 3 * n);
        }
    });
}

}  // namespace viscoann::detail
