// Hankel transforms by composite Gauss–Legendre quadrature in k, with Bessel tables reused for
// every time and viscosity; cubic interpolation of the resulting radial tables.
#include "hankel.hpp"

#include <algorithm>
#include <cmath>

#include "parallel_for.hpp"

namespace viscoann::detail {

namespace {
// 8-point Gauss–Legendre nodes/weights on [-1, 1] (Abramowitz & Stegun 25.4.30).
constexpr double kGx[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267,
                           0.9602898564975363};
constexpr double kGw[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745,
                           0.1012285362903763};
constexpr int kGraded = 8;  // first panel split at h/2, h/4, ..., h/256
}  // namespace

WavenumberRule wavenumber_rule(double k_max, std::size_t panels) {
    WavenumberRule rule;
    auto panel = [&](double a, double b) {
        const double mid = 0.5 * (a + b), half = 0.5 * (b - a);
        for (int i = 3; i >= 0; --i)
            rule.k.push_back(mid - half * kGx[i]), rule.w.push_back(half * kGw[i]);
        for (int i = 0; i < 4; ++i)
            rule.k.push_back(mid + half * kGx[i]), rule.w.push_back(half * kGw[i]);
    };
    const double h = k_max / double(panels);
    // The relaxed kernels vary fastest at the longest wavelengths (k -> 0): the first panel
    // is graded geometrically towards 0.
    double a = 0.0;
    for (int g = kGraded; g >= 0; --g) {
        const double b = h / double(1 << g);
        panel(a, b);
        a = b;
    }
    for (std::size_t p = 1; p < panels; ++p) panel(double(p) * h, double(p + 1) * h);
    return rule;
}

void bessel_123(double x, double& j1, double& j2, double& j3) noexcept {
    if (x < 8.0) {
        // Upward recurrence loses digits for x < n; the library is accurate there.
        j1 = std::cyl_bessel_j(1.0, x);
        j2 = std::cyl_bessel_j(2.0, x);
        j3 = std::cyl_bessel_j(3.0, x);
        return;
    }
    const double j0 = std::cyl_bessel_j(0.0, x);
    j1 = std::cyl_bessel_j(1.0, x);
    j2 = 2.0 / x * j1 - j0;
    j3 = 4.0 / x * j2 - j1;
}

BesselTables bessel_tables(const WavenumberRule& rule, const std::vector<double>& r, int threads) {
    BesselTables t;
    t.n_r = r.size();
    t.n_k = rule.k.size();
    t.t1.resize(t.n_r * t.n_k);
    t.t2.resize(t.n_r * t.n_k);
    t.t3.resize(t.n_r * t.n_k);
    parallel_for(t.n_r, threads, 1, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i)
            for (std::size_t j = 0; j < t.n_k; ++j) {
                double j1, j2, j3;
                bessel_123(rule.k[j] * r[i], j1, j2, j3);
                const double wk = rule.w[j] * rule.k[j];
                t.t1[i * t.n_k + j] = 0.5 * wk * j1;
                t.t2[i * t.n_k + j] = wk * j2;
                t.t3[i * t.n_k + j] = 0.5 * wk * j3;
            }
    });
    return t;
}

std::size_t cubic_stencil(double r, double h, std::size_t n, double w[4]) noexcept {
    const double u = r / h;
    std::size_t j = u < 1.0 ? 0 : std::size_t(u) - 1;
    j = std::min(j, n >= 4 ? n - 4 : 0);
    const double x = u - double(j);  // position within nodes 0..3
    w[0] = -(x - 1) * (x - 2) * (x - 3) / 6.0;
    w[1] = x * (x - 2) * (x - 3) / 2.0;
    w[2] = -x * (x - 1) * (x - 3) / 2.0;
    w[3] = x * (x - 1) * (x - 2) / 6.0;
    return j;
}

}  // namespace viscoann::detail
