// The elementary tables' kernels of table_kernels.hpp compiled for AVX512 (flags from
// cmake/simd.cmake); chosen at run time by detail::table_kernels().
#include "table_kernels.hpp"

namespace viscoann::detail {

namespace {
typedef double v8d __attribute__((vector_size(64)));
}

void radial_block_avx512(std::size_t nk, std::size_t nt, const double* Bt, const double* Kt,
                         double* acc) noexcept {
    radial_block_impl<v8d, 2>(nk, nt, Bt, Kt, acc);
}

void synthesis_avx512(std::size_t n, std::size_t stride, const double* const rows[4],
                      const double w[4], const double C[3][kRadialFunctions], double* u) noexcept {
    synthesis_impl<v8d>(n, stride, rows, w, C, u);
}

void stress_radial_avx512(std::size_t nk, const double* k, const double* w, const double* Jt,
                          const double* K, double* R) noexcept {
    stress_radial_impl<v8d, 1>(nk, k, w, Jt, K, R);
}

void stencil_avx512(std::size_t n, const double* const rows[4], const double w[4],
                    double* acc) noexcept {
    stencil_impl<v8d>(n, rows, w, acc);
}

}  // namespace viscoann::detail
