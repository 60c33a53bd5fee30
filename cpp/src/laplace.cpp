// Talbot contour z(θ) = N (0.5017 θ cot(0.6407 θ) − 0.6122 + 0.2645 i θ), trapezoidal rule in θ
// (Weideman & Trefethen 2007, eq. 3.3 / Table 1); the conjugate half is folded into Im().
#include "laplace.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace viscoann::detail {

TalbotRule talbot_rule(int n) {
    if (n < 4 || n > 200 || n % 2)
        throw std::invalid_argument("talbot_nodes = " + std::to_string(n) +
                                    " is invalid; allowed: even, 4..200");
    constexpr double a = 0.5017, b = 0.6407, c = -0.6122, d = 0.2645, pi = 3.14159265358979323846;
    TalbotRule rule;
    for (int j = n / 2; j < n; ++j) {
        const double th = -pi + (j + 0.5) * 2.0 * pi / n;  // θ in (0, π)
        const double cot = std::cos(b * th) / std::sin(b * th);
        const double s2 = std::sin(b * th) * std::sin(b * th);
        const std::complex<double> z(n * (a * th * cot + c), n * d * th);
        const std::complex<double> dz(n * (a * cot - a * b * th / s2), n * d);
        rule.node.push_back(z);
        rule.weight.push_back((2.0 / n) * std::exp(z) * dz / z);
    }
    return rule;
}

}  // namespace viscoann::detail
