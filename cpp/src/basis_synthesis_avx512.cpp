// The basis synthesis's loops (basis_synthesis.hpp) compiled for AVX-512 (flags from
// cmake/simd.cmake); chosen at run time by detail::basis_kernels().
#include "basis_synthesis.hpp"

namespace viscoann::detail {

namespace {
typedef double v8d __attribute__((vector_size(64)));
typedef long long v8i __attribute__((vector_size(64)));
}  // namespace

void pair_avx512(std::size_t K, std::size_t FK, std::size_t na, const std::size_t* fa,
                 const double* p0, const double w[4], const double* W, double* acc) noexcept {
    pair_impl<v8d>(K, FK, na, fa, p0, w, W, acc);
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
