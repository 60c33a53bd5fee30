// The radial tables' kernels (table_kernels.hpp) for any CPU, and the choice per CPU.
#include "table_kernels.hpp"

namespace viscoann::detail {

void radial_block_scalar(std::size_t nk, std::size_t nt, const double* Bt, const double* Kt,
                         double* acc) noexcept {
    radial_block_impl<double, 1>(nk, nt, Bt, Kt, acc);
}

void synthesis_scalar(std::size_t n, std::size_t stride, const double* const rows[4],
                      const double w[4], const double C[3][kRadialFunctions], double* u) noexcept {
    synthesis_impl<double>(n, stride, rows, w, C, u);
}

void stress_radial_scalar(std::size_t nk, const double* k, const double* w, const double* Jt,
                          const double* K, double* R) noexcept {
    stress_radial_impl<double, kStressBlock>(nk, k, w, Jt, K, R);
}

void stencil_scalar(std::size_t n, const double* const rows[4], const double w[4],
                    double* acc) noexcept {
    stencil_impl<double>(n, rows, w, acc);
}

TableKernels table_kernels() noexcept {
#if VISCOANN_TABLES_X86
    static const TableKernels k =
        __builtin_cpu_supports("avx512f") ? TableKernels{radial_block_avx512, synthesis_avx512,
                                                         stencil_avx512, stress_radial_avx512}
        : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
            ? TableKernels{radial_block_avx2, synthesis_avx2, stencil_avx2, stress_radial_avx2}
            : TableKernels{radial_block_scalar, synthesis_scalar, stencil_scalar,
                           stress_radial_scalar};
    return k;
#else
    return {radial_block_scalar, synthesis_scalar, stencil_scalar, stress_radial_scalar};
#endif
}

}  // namespace viscoann::detail
