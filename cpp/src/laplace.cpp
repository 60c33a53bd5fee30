// Talbot contour z(θ) = N (0.5017 θ cot(0.6407 θ) − 0.6122 + 0.2645 i θ), trapezoidal rule in θ
// (Weideman & Trefethen 2007, eq. 3.3 / Table 1); the conjugate half is folded into Im().
#include "laplace.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
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
    constexpr std::size_t nw = std::size(kTimeWindows), lone = nw;
    const std::size_t nt = times.size();
    std::vector<std::size_t> order(nt);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t i, std::size_t j) { return times[i] < times[j]; });
    std::size_t i0 = 0;
    while (i0 < nt && times[order[i0]] == 0.0) ++i0;
    // The cover with the fewest nodes, from the last time back: cost[i] covers sorted times
    // i.., by a lone time (Talbot) or a window from times[order[i]] (choice, then next).
    const bool shared = tr.node.size() <= 10;
    std::vector<std::size_t> cost(nt + 1, 0), choice(nt, lone), next(nt, 0);
    for (std::size_t i = nt; i-- > i0;) {
        cost[i] = tr.node.size() + cost[i + 1];
        next[i] = i + 1;
        for (std::size_t w = 0; shared && w < nw; ++w) {
            std::size_t j = i;
            while (j < nt && times[order[j]] <= kTimeWindows[w].ratio * times[order[i]]) ++j;
            if (kTimeWindows[w].nodes + cost[j] < cost[i])
                cost[i] = kTimeWindows[w].nodes + cost[j], choice[i] = w, next[i] = j;
        }
    }
    // Entries per time, collected then laid out in time order.
    std::vector<std::vector<std::pair<std::size_t, cplx>>> rows(nt);
    TimeRule rule;
    for (std::size_t i = i0; i < nt; i = next[i]) {
        if (choice[i] == lone) {
            const double t = times[order[i]];
            for (std::size_t q = 0; q < tr.node.size(); ++q) {
                const cplx s = tr.node[q] / t;
                rows[order[i]].emplace_back(rule.s.size(),
                                            velocity ? tr.weight[q] * s : tr.weight[q]);
                rule.s.push_back(s);
            }
            continue;
        }
        const TimeWindow& W = kTimeWindows[choice[i]];
        const double mu = W.mu_t0 / times[order[i]];
        const std::size_t first = rule.s.size();
        for (std::size_t q = 0; q < W.nodes; ++q) {
            const double u = (double(q) + 0.5) * W.h;
            const cplx s(mu * (1.0 - std::sin(W.a) * std::cosh(u)),
                         mu * std::cos(W.a) * std::sinh(u));
            const cplx ds(-mu * std::sin(W.a) * std::sinh(u), mu * std::cos(W.a) * std::cosh(u));
            rule.s.push_back(s);
            for (std::size_t m = i; m < next[i]; ++m) {
                const cplx w = (W.h / pi) * std::exp(s * times[order[m]]) * ds / s;
                rows[order[m]].emplace_back(first + q, velocity ? w * s : w);
            }
        }
    }
    rule.begin.assign(nt + 1, 0);
    for (std::size_t it = 0; it < nt; ++it) {
        rule.begin[it + 1] = rule.begin[it] + rows[it].size();
        for (const auto& [q, w] : rows[it]) rule.node.push_back(q), rule.weight.push_back(w);
    }
    return rule;
}

}  // namespace viscoann::detail
