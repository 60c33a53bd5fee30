// Private: Okada's DC3D at one point for several media at once. Parts A, B and C are linear in
// the medium constants (alp1..alp5), so the corner geometry (square roots, logarithms,
// arctangents: most of the cost) serves every medium.
#pragma once

#include <array>
#include <cstddef>

#include "viscoann/okada.hpp"

namespace viscoann::detail {

inline constexpr std::size_t kOkadaMedia = 3;

/// dc3d(alpha[ia], x, y, z, ...) for each ia into out[ia] (the same to rounding). No
/// validation: the caller has checked the rectangle and the point (as okada_rectangle does).
/// Returns false on an edge of the rectangle (every out[ia] singular and NaN).
bool dc3d_media(const double alpha[kOkadaMedia], double x, double y, double z, double depth,
                double dip, double al1, double al2, double aw1, double aw2,
                const std::array<double, 3>& disl, OkadaField out[kOkadaMedia]) noexcept;

}  // namespace viscoann::detail
