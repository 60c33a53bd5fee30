// Talbot contour z(θ) = N (0.5017 θ cot(0.6407 θ) − 0.6122 + 0.2645 i θ), trapezoidal rule in θ
// (Weideman & Trefethen 2007, eq. 3.3 / Table 1); the conjugate half is folded into Im().
#include "laplace.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
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

TimeRule time_rule(const std::vector<double>& times, const TalbotRule& tr, bool velocity) {
    using cplx = std::complex<double>;
    constexpr double pi = 3.14159265358979323846;
    // Hyperbola s(u) = mu (1 - sin(a) cosh u) + i mu cos(a) sinh u, midpoint rule u = (j +
    // 1/2) h on u >= 0 (the conjugate half folded into Im): mu t0, a, h minimise the error
    // of exp(-c t) and 1 - exp(-c t) for all c >= 0 over t in [t0, 10 t0] (1.8e-11 at 24
    // nodes; 4e-12 for the two-pole ratios of Burgers moduli), with sum |weight| ~ 15.
    constexpr double mu_t0 = 2.4405, a = 0.9902, h = 0.13229;
    const std::size_t nt = times.size();
    std::vector<std::size_t> order(nt);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t i, std::size_t j) { return times[i] < times[j]; });
    // Entries per time, collected then laid out in time order.
    std::vector<std::vector<std::pair<std::size_t, cplx>>> rows(nt);
    TimeRule rule;
    const bool shared = tr.node.size() <= 10;
    std::size_t i = 0;
    while (i < nt && times[order[i]] == 0.0) ++i;
    while (i < nt) {
        const double t0 = times[order[i]];
        std::size_t j = i;
        while (j < nt && times[order[j]] <= kWindow * t0) ++j;
        if (shared && j - i >= kWindowMin) {
            const std::size_t first = rule.s.size();
            for (std::size_t q = 0; q < kWindowNodes; ++q) {
                const double u = (double(q) + 0.5) * h;
                const double mu = mu_t0 / t0;
                rule.s.emplace_back(mu * (1.0 - std::sin(a) * std::cosh(u)),
                                    mu * std::cos(a) * std::sinh(u));
            }
            for (std::size_t m = i; m < j; ++m) {
                const double t = times[order[m]];
                for (std::size_t q = 0; q < kWindowNodes; ++q) {
                    const double u = (double(q) + 0.5) * h, mu = mu_t0 / t0;
                    const cplx s = rule.s[first + q];
                    const cplx ds(-mu * std::sin(a) * std::sinh(u),
                                  mu * std::cos(a) * std::cosh(u));
                    const cplx w = (h / pi) * std::exp(s * t) * ds / s;
                    rows[order[m]].emplace_back(first + q, velocity ? w * s : w);
                }
            }
            i = j;
            continue;
        }
        const double t = times[order[i]];
        for (std::size_t q = 0; q < tr.node.size(); ++q) {
            const cplx s = tr.node[q] / t;
            rows[order[i]].emplace_back(rule.s.size(), velocity ? tr.weight[q] * s : tr.weight[q]);
            rule.s.push_back(s);
        }
        ++i;
    }
    rule.begin.assign(nt + 1, 0);
    for (std::size_t it = 0; it < nt; ++it) {
        rule.begin[it + 1] = rule.begin[it] + rows[it].size();
        for (const auto& [q, w] : rows[it]) rule.node.push_back(q), rule.weight.push_back(w);
    }
    return rule;
}

}  // namespace viscoann::detail
