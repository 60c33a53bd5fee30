// The basis synthesis's product (basis_synthesis.hpp) compiled for AVX-512 (flags from
// cmake/simd.cmake); chosen at run time by detail::gemm_kernel().
#include "basis_synthesis.hpp"

namespace viscoann::detail {

namespace {
typedef double v8d __attribute__((vector_size(64)));
}

void gemm_avx512(std::size_t rows, std::size_t cols, std::size_t kd, const double* A,
                 std::size_t lda, const double* B, std::size_t ldb, double* out,
                 std::size_t ldo) noexcept {
    gemm_impl<v8d, 4, 3>(rows, cols, kd, A, lda, B, ldb, out, ldo);
}

}  // namespace viscoann::detail
