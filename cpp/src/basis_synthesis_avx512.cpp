// The basis synthesis's loops (basis_synthesis.hpp) compiled for AVX-512 (flags from
// cmake/simd.cmake); chosen at run time by detail::basis_kernels().
#include "basis_synthesis.hpp"

namespace viscoann::detail {

namespace {
typedef double v8d __attribute__((vector_size(64)));
typedef long long v8i __attribute__((vector_size(64)));
}  // namespace

void column_avx512(std::size_t K, std::size_t FK, const double* r0, const double w[4],
                   const double M[3], double* a0, double* a1, double* a2) noexcept {
    column_impl<v8d>(K, FK, r0, w, M, a0, a1, a2);
}

void gemm_avx512(std::size_t rows, std::size_t cols, std::size_t kd, const double* A,
                 std::size_t lda, const double* B, std::size_t ldb, double* out,
                 std::size_t ldo) noexcept {
    gemm_impl<v8d, 4, 3>(rows, cols, kd, A, lda, B, ldb, out, ldo);
}

void tanh_avx512(std::size_t n, const double* z, double* h) noexcept {
    tanh_impl<v8d, v8i>(n, z, h);
}

}  // namespace viscoann::detail
