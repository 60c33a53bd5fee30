// The canonical-source kernel of okada_canonical.hpp compiled for AVX512 (flags from
// cmake/simd.cmake); chosen at run time by detail::canonical_kernel().
#include "okada_canonical.hpp"

namespace viscoann::detail {
void okada_canonical_avx512(std::size_t n, const double* x, const double* y, double depth,
                            double alp3, double* u) noexcept {
    canonical_block(n, x, y, depth, alp3, u);
}
}  // namespace viscoann::detail
