// Private: surface displacement of the canonical source (vertical strike-slip point source
// along +x, left-lateral, unit potency) in a homogeneous half-space, Okada (1985) Table 2 at
// z = 0, split as u = A + r B with r = mu/(lambda + mu) (A, B depend on geometry only).
#pragma once

#include <cmath>

namespace viscoann::detail {

inline void okada_strike_slip_surface(double x, double y, double d, double A[3],
                                      double B[3]) noexcept {
    constexpr double inv2pi = 0.15915494309189533577;
    const double R2 = x * x + y * y + d * d, R = std::sqrt(R2), R3 = R * R2, R5 = R3 * R2;
    const double Rd = R + d, Rd2 = Rd * Rd, Rd3 = Rd2 * Rd;
    A[0] = -inv2pi * 3.0 * x * x * y / R5;
    A[1] = -inv2pi * 3.0 * x * y * y / R5;
    A[2] = -inv2pi * 3.0 * x * y * d / R5;
    const double a = 1.0 / (R * Rd2), b = (3.0 * R + d) / (R3 * Rd3);
    B[0] = -inv2pi * y * (a - x * x * b);
    B[1] = -inv2pi * x * (a - y * y * b);
    B[2] = inv2pi * x * y * (2.0 * R + d) / (R3 * Rd2);
}

}  // namespace viscoann::detail
