// Private: the superposition of a tabulated radial basis (the neural kernel's second layer;
// any provider of radial functions g_f(r) = sum_k C_fk psi_fk(r) can call it). Per block of
// points, B[(f, k), (point, comp)] = sum_q M_comp,f(a_q, P_q) psi_fk(r_q) (M: sources.hpp's
// elementary_weights, the one owner of the azimuthal factors; psi by the tables'
// cubic stencil), then out += C B: a small matrix product; both hot loops are compiled once per
// ISA (basis_synthesis.cpp, _avx2.cpp, _avx512.cpp) and chosen at run time.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstring>
#include <vector>

#include "viscoann/sources.hpp"

namespace viscoann::detail {

/// A radial basis in radius-major order: psi[(j 10 + f) K + k] = psi_fk(j h), j < n_r (the four
/// stencil radii of a point then hold every (f, k) contiguously).
struct RadialBasis {
    std::vector<double> psi;
    std::size_t K = 0, n_r = 0;
    double h = 0.0;
};

/// From basis[(f K + k) n_r + j] (the model file's (10, K, n_r) layout).
template <class T>
RadialBasis radius_major(const T* basis, std::size_t K, std::size_t n_r, double h) {
    RadialBasis b;
    b.K = K, b.n_r = n_r, b.h = h;
    b.psi.resize(n_r * 10 * K);
    for (std::size_t fk = 0; fk < 10 * K; ++fk)
        for (std::size_t j = 0; j < n_r; ++j)
            b.psi[j * 10 * K + fk] = static_cast<double>(basis[fk * n_r + j]);
    return b;
}

/// The radial functions f (ascending) whose azimuthal weight is nonzero (above 1e-14 of the
/// largest tensor component: rounding) for some of the m sources: the only ones a synthesis
/// of these sources reads.
std::vector<std::size_t> active_functions(std::size_t m, const PotencyTensor* p);

/// How the basis is read at a point of radius r: psi(rho) or rho dpsi/drho (the derivative of
/// the cubic stencil's interpolant), at rho = r radius_scale.
enum class BasisRead { value, rho_derivative };

/// out[(row n + i) 3 + c] += the field of n_rows coefficient rows C[row 10 K + f K + k]
/// (see viscoann::basis_synthesis; arguments already checked), the basis read at
/// rho = r radius_scale. Functions f whose azimuthal weight vanishes for every source are
/// skipped. threads 0: all.
void basis_synthesis(const RadialBasis& b, std::size_t n_rows, const double* C, std::size_t m,
                     const PotencyTensor* p, std::size_t n, const double* x, const double* y,
                     double* out, int threads, double radius_scale = 1.0,
                     BasisRead read = BasisRead::value);

// ---- the product out += A B per ISA ---------------------------------------------------------

/// out[r ldo + j] += sum_kd A[r lda + kd] B[kd ldb + j] for r < rows, j < cols; B holds
/// ldb >= round_up(cols, kGemmCols) columns (the padding is read, never written out).
using GemmKernel = void (*)(std::size_t rows, std::size_t cols, std::size_t kd, const double* A,
                            std::size_t lda, const double* B, std::size_t ldb, double* out,
                            std::size_t ldo) noexcept;
/// Column multiple B must be padded to (the widest kernel's panel).
inline constexpr std::size_t kGemmCols = 24;

template <class V>
inline V vload(const double* p) noexcept {
    V v;
    std::memcpy(&v, p, sizeof(V));
    return v;
}
template <class V>
inline void vstore(double* p, V v) noexcept {
    std::memcpy(p, &v, sizeof(V));
}

// MR rows x NR vectors of accumulators held in registers over the whole kd loop.
template <class V, std::size_t MR, std::size_t NR>
inline void gemm_tile(std::size_t kd, const double* __restrict A, std::size_t lda,
                      const double* __restrict B, std::size_t ldb, double* __restrict out,
                      std::size_t ldo) noexcept {
    constexpr std::size_t L = sizeof(V) / sizeof(double);
    V acc[MR][NR];
    for (std::size_t r = 0; r < MR; ++r)
        for (std::size_t v = 0; v < NR; ++v) acc[r][v] = vload<V>(out + r * ldo + v * L);
    for (std::size_t k = 0; k < kd; ++k) {
        V bv[NR];
        for (std::size_t v = 0; v < NR; ++v) bv[v] = vload<V>(B + k * ldb + v * L);
        for (std::size_t r = 0; r < MR; ++r) {
            const double a = A[r * lda + k];
            for (std::size_t v = 0; v < NR; ++v) acc[r][v] += a * bv[v];
        }
    }
    for (std::size_t r = 0; r < MR; ++r)
        for (std::size_t v = 0; v < NR; ++v) vstore<V>(out + r * ldo + v * L, acc[r][v]);
}

// Blocks of kGemmDepth along kd (so a block of B's panel stays in L1 while every row tile
// reads it, and B is read from memory once per call), panels of NR vectors across the columns,
// MR rows at a time (a one-row tile for the rest); a short last panel runs on a scratch copy of
// its outputs.
inline constexpr std::size_t kGemmDepth = 128;
template <class V, std::size_t MR, std::size_t NR>
inline void gemm_impl(std::size_t rows, std::size_t cols, std::size_t kd, const double* A,
                      std::size_t lda, const double* B, std::size_t ldb, double* out,
                      std::size_t ldo) noexcept {
    constexpr std::size_t L = sizeof(V) / sizeof(double), P = NR * L;
    static_assert(kGemmCols % P == 0, "B's padding covers whole panels");
    double tmp[MR * P];
    for (std::size_t k0 = 0; k0 < kd; k0 += kGemmDepth) {
        const std::size_t kc = kd - k0 < kGemmDepth ? kd - k0 : kGemmDepth;
        const double* Ak = A + k0;
        const double* Bk = B + k0 * ldb;
        for (std::size_t j0 = 0; j0 < cols; j0 += P) {
            const std::size_t nc = cols - j0 < P ? cols - j0 : P;
            std::size_t r = 0;
            for (; r + MR <= rows; r += MR) {
                double* o = out + r * ldo + j0;
                if (nc == P) {
                    gemm_tile<V, MR, NR>(kc, Ak + r * lda, lda, Bk + j0, ldb, o, ldo);
                    continue;
                }
                for (std::size_t i = 0; i < MR; ++i)
                    for (std::size_t j = 0; j < P; ++j)
                        tmp[i * P + j] = j < nc ? o[i * ldo + j] : 0.0;
                gemm_tile<V, MR, NR>(kc, Ak + r * lda, lda, Bk + j0, ldb, tmp, P);
                for (std::size_t i = 0; i < MR; ++i)
                    for (std::size_t j = 0; j < nc; ++j) o[i * ldo + j] = tmp[i * P + j];
            }
            for (; r < rows; ++r) {
                double* o = out + r * ldo + j0;
                for (std::size_t j = 0; j < P; ++j) tmp[j] = j < nc ? o[j] : 0.0;
                gemm_tile<V, 1, NR>(kc, Ak + r * lda, lda, Bk + j0, ldb, tmp, P);
                for (std::size_t j = 0; j < nc; ++j) o[j] = tmp[j];
            }
        }
    }
}

/// h[i] = tanh(z[i]) for i < n, to a few units of 1e-16 absolute (the net's wide layer feeds
/// sums that cancel by ~1e4, so float accuracy is not enough).
using TanhKernel = void (*)(std::size_t n, const double* z, double* h) noexcept;

// (1 - e)/(1 + e) with e = exp(-2|x|) (exp by 2^k exp(r), |r| <= ln2/2, Taylor to r^12), the
// sign restored; |x| > 20 gives 1 (1 - tanh 20 = 8e-18). VI: the integer vector of V's width.
// (GCC/Clang vector types: a C cast between types of one size keeps the bits.)
template <class V, class VI>
inline V tanh_vec(V x) noexcept {
    constexpr double shift = 0x1.8p52, ln2_hi = 0x1.62e42fefa3800p-1,
                     ln2_lo = 0x1.ef35793c76730p-45;
    constexpr double c[12] = {
        1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0,
        1.0 / 120.0,      1.0 / 24.0,      1.0 / 6.0,      0.5,           1.0,          1.0};
    const VI sign = (VI)x & static_cast<long long>(1ULL << 63);
    V y = (V)((VI)x ^ sign) * -2.0;
    const VI low = y < -40.0;
    y = (V)(((VI)y & ~low) | ((VI)(V{} - 40.0) & low));
    const V k = y * 1.4426950408889634 + shift;
    const V kr = k - shift;
    const V r = (y - kr * ln2_hi) - kr * ln2_lo;
    V p = V{} + 1.0 / 479001600.0;
    for (double ci : c) p = p * r + ci;
    const V e = p * (V)(((VI)k + 1023) << 52);
    return (V)((VI)((1.0 - e) / (1.0 + e)) | sign);
}

template <class V, class VI>
inline void tanh_impl(std::size_t n, const double* z, double* h) noexcept {
    constexpr std::size_t L = sizeof(V) / sizeof(double);
    std::size_t i = 0;
    for (; i + L <= n; i += L) vstore<V>(h + i, tanh_vec<V, VI>(vload<V>(z + i)));
    for (; i < n; ++i) h[i] = std::tanh(z[i]);
}

/// One (source, point) pair into a point's column: for each active function ia (f = fa[ia]),
/// acc[c Ka + ia K + k] += W[c F + f] sum_s w[s] p0[s FK + f K + k] for k < K, c < 3, where
/// F = 10 functions, Ka = na K. A zero weight's update is skipped: a function moves either the
/// horizontal or the vertical components, never both.
using PairKernel = void (*)(std::size_t K, std::size_t FK, std::size_t na, const std::size_t* fa,
                            const double* p0, const double w[4], const double* W,
                            double* acc) noexcept;

template <class V>
inline void pair_impl(std::size_t K, std::size_t FK, std::size_t na, const std::size_t* fa,
                      const double* __restrict p0, const double w[4], const double* W,
                      double* __restrict acc) noexcept {
    constexpr std::size_t L = sizeof(V) / sizeof(double), F = 10;
    const std::size_t Ka = na * K, KV = K / L * L;
    const double w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
    for (std::size_t ia = 0; ia < na; ++ia) {
        const std::size_t f = fa[ia];
        const double* r0 = p0 + f * K;
        const double M[3] = {W[f], W[F + f], W[2 * F + f]};
        double* a = acc + ia * K;
        for (std::size_t k = 0; k < KV; k += L) {
            const V s = vload<V>(r0 + k) * w0 + vload<V>(r0 + k + FK) * w1 +
                        vload<V>(r0 + k + 2 * FK) * w2 + vload<V>(r0 + k + 3 * FK) * w3;
            for (std::size_t c = 0; c < 3; ++c)
                if (M[c] != 0.0) vstore<V>(a + c * Ka + k, vload<V>(a + c * Ka + k) + s * M[c]);
        }
        for (std::size_t k = KV; k < K; ++k) {
            const double s =
                w0 * r0[k] + w1 * r0[k + FK] + w2 * r0[k + 2 * FK] + w3 * r0[k + 3 * FK];
            for (std::size_t c = 0; c < 3; ++c) a[c * Ka + k] += M[c] * s;
        }
    }
}

void pair_scalar(std::size_t K, std::size_t FK, std::size_t na, const std::size_t* fa,
                 const double* p0, const double w[4], const double* W, double* acc) noexcept;
void tanh_scalar(std::size_t n, const double* z, double* h) noexcept;
void gemm_scalar(std::size_t rows, std::size_t cols, std::size_t kd, const double* A,
                 std::size_t lda, const double* B, std::size_t ldb, double* out,
                 std::size_t ldo) noexcept;
#if defined(__x86_64__) || defined(_M_X64)
void pair_avx2(std::size_t K, std::size_t FK, std::size_t na, const std::size_t* fa,
               const double* p0, const double w[4], const double* W, double* acc) noexcept;
void pair_avx512(std::size_t K, std::size_t FK, std::size_t na, const std::size_t* fa,
                 const double* p0, const double w[4], const double* W, double* acc) noexcept;
void tanh_avx2(std::size_t n, const double* z, double* h) noexcept;
void tanh_avx512(std::size_t n, const double* z, double* h) noexcept;
void gemm_avx2(std::size_t rows, std::size_t cols, std::size_t kd, const double* A, std::size_t lda,
               const double* B, std::size_t ldb, double* out, std::size_t ldo) noexcept;
void gemm_avx512(std::size_t rows, std::size_t cols, std::size_t kd, const double* A,
                 std::size_t lda, const double* B, std::size_t ldb, double* out,
                 std::size_t ldo) noexcept;
#endif
struct BasisKernels {
    PairKernel pair;
    GemmKernel gemm;
    TanhKernel tanh;
};
/// The kernels for this CPU, chosen once.
BasisKernels basis_kernels() noexcept;

}  // namespace viscoann::detail
