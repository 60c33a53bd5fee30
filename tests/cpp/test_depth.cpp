// ctest for receivers at depth: Okada's point source is linear in (1, α, 1/α) at depth, the
// surface limit equals the surface solver, fast = dense kernels at depth, the gradient equals
// central differences of the displacement, displacement and traction are continuous across an
// interface, bad receivers are refused.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "sources.hpp"
#include "viscoann/greens.hpp"

using namespace viscoann;

namespace {

PotencyTensor general() { return {0.3, -0.7, 0.25, 0.45, -0.6, 0.35}; }

EarthModel two_layers() {
    EarthModel m;
    m.layers.push_back({12e3, 28e9, Rheology::elastic(30e9)});
    m.layers.push_back({10e3, 35e9, Rheology::burgers(32e9, 3e18, 32e9, 4e17)});
    m.halfspace = Layer{0.0, 40e9, Rheology::maxwell(40e9, 1e19)};
    return m;
}

double max_abs(const std::vector<double>& v) {
    double a = 0.0;
    for (double x : v) a = std::max(a, std::fabs(x));
    return a;
}

}  // namespace

static void test_homogeneous_basis_is_exact() {
    // At λ/μ = 2 (α = 3/4, not one of the three fitted) the basis gives Okada to rounding.
    const PotencyTensor p = general();
    for (double z : {0.0, -3e3, -9.5e3, -20e3}) {
        double b[detail::kHomogeneousBasis][12], ref[12], ref_iso[12];
        detail::potency_homogeneous_basis(p, 2.1e3, -1.3e3, z, 10e3, b);
        const double tr3 = (p.xx + p.yy + p.zz) / 3.0;
        const PotencyTensor dev{2 * (p.xx - tr3), 2 * (p.yy - tr3), 2 * (p.zz - tr3),
                                2 * p.xy,         2 * p.xz,         2 * p.yz};
        const PotencyTensor iso{3 * tr3, 3 * tr3, 3 * tr3, 0, 0, 0};
        const double l = 2.0, a = 0.75, kappa = l + 2.0 / 3.0;
        detail::okada_moment_gradient(dev, l, 2.1e3, -1.3e3, z, 10e3, ref);
        detail::okada_moment_gradient(iso, l, 2.1e3, -1.3e3, z, 10e3, ref_iso);
        double scale = 0.0;
        for (int c = 0; c < 12; ++c) scale = std::max(scale, std::fabs(ref[c]));
        for (int c = 0; c < 12; ++c) {
            const double f =
                b[0][c] + a * b[1][c] + b[2][c] / a + kappa * (b[3][c] + a * b[4][c] + b[5][c] / a);
            CHECK_NEAR(f, ref[c] + kappa * ref_iso[c], 1e-12 * scale);
        }
    }
}

static void test_surface_limit() {
    // z = 0 equals the surface solver for a general tensor in a layered viscoelastic model.
    const EarthModel m = two_layers();
    const PotencyTensor p = general();
    const std::vector<double> x = {3e3, -8e3, 20e3, 0.0}, y = {1e3, 6e3, -15e3, 4e3};
    const std::vector<double> z(x.size(), 0.0), times = {0.0, 3e8, 3e9};
    std::vector<double> u(times.size() * x.size() * 3);
    point_source_at_depth(m, 9e3, p, x.size(), x.data(), y.data(), z.data(), times.size(),
                          times.data(), u.data(), nullptr, nullptr);
    std::vector<double> ref(u.size());
    for (std::size_t it = 0; it < times.size(); ++it) {
        const std::vector<double> t(x.size(), times[it]);
        point_source_displacement(m, 9e3, p, x.size(), x.data(), y.data(), t.data(),
                                  &ref[it * x.size() * 3]);
    }
    const double scale = max_abs(ref);
    for (std::size_t i = 0; i < u.size(); ++i) CHECK_NEAR(u[i], ref[i], 1e-8 * scale);
}

static void field(const EarthModel& m, double depth, double x, double y, double z,
                  const std::vector<double>& times, std::vector<double>& u, std::vector<double>& g,
                  std::vector<double>& s, bool dense = false) {
    GreensOptions o;
    o.dense = dense;
    u.assign(times.size() * 3, 0.0), g.assign(times.size() * 9, 0.0);
    s.assign(times.size() * 9, 0.0);
    point_source_at_depth(m, depth, general(), 1, &x, &y, &z, times.size(), times.data(), u.data(),
                          g.data(), s.data(), o);
}

static void test_fast_equals_dense_and_differences() {
    const EarthModel m = two_layers();
    const std::vector<double> times = {0.0, 1e8, 1e9};
    const double x0 = 4e3, y0 = -3e3, z0 = -15e3;
    std::vector<double> u, g, s, u2, g2, s2;
    field(m, 9e3, x0, y0, z0, times, u, g, s);
    field(m, 9e3, x0, y0, z0, times, u2, g2, s2, true);
    const double gs = max_abs(g), ss = max_abs(s);
    for (std::size_t i = 0; i < g.size(); ++i) CHECK_NEAR(g[i], g2[i], 1e-9 * gs);
    for (std::size_t i = 0; i < s.size(); ++i) CHECK_NEAR(s[i], s2[i], 1e-9 * ss);
    // Central differences (4th order, step 20 m) of the displacement.
    const double h = 20.0;
    for (int b = 0; b < 3; ++b) {
        std::vector<double> d(times.size() * 3, 0.0);
        const double wts[4] = {1.0 / 12, -2.0 / 3, 2.0 / 3, -1.0 / 12};
        const double offs[4] = {-2, -1, 1, 2};
        for (int q = 0; q < 4; ++q) {
            double p[3] = {x0, y0, z0};
            p[b] += offs[q] * h;
            std::vector<double> uu, gg, sss;
            field(m, 9e3, p[0], p[1], p[2], times, uu, gg, sss);
            for (std::size_t i = 0; i < d.size(); ++i) d[i] += wts[q] * uu[i] / h;
        }
        for (std::size_t it = 0; it < times.size(); ++it)
            for (int a = 0; a < 3; ++a) CHECK_NEAR(d[it * 3 + a], g[it * 9 + 3 * a + b], 1e-6 * gs);
    }
    // Stress at t = 0 is Hooke's law of the strain with the receiver layer's unrelaxed moduli.
    const double mu = 32e9, lam = 35e9;
    const double tr = g[0] + g[4] + g[8];
    for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b)
            CHECK_NEAR(s[3 * a + b], mu * (g[3 * a + b] + g[3 * b + a]) + (a == b ? lam * tr : 0.0),
                       1e-9 * ss);
}

static void test_continuity_across_interface() {
    // Displacement and traction on horizontal planes (σ_xz, σ_yz, σ_zz) are continuous across
    // z = -12 km (elastic over Burgers); the strain σ_xx is not.
    const EarthModel m = two_layers();
    const std::vector<double> times = {0.0, 3e8, 3e9};
    std::vector<double> ua, ga, sa, ub, gb, sb;
    const double eps = 1e-6;  // [m]: the field itself changes by ~1e-7 over 2 mm
    for (double depth : {9e3, 16e3}) {
        field(m, depth, 5e3, 2e3, -12e3 + eps, times, ua, ga, sa);
        field(m, depth, 5e3, 2e3, -12e3 - eps, times, ub, gb, sb);
        const double us = max_abs(ua), ss = max_abs(sa);
        for (std::size_t i = 0; i < ua.size(); ++i) CHECK_NEAR(ua[i], ub[i], 1e-8 * us);
        for (std::size_t it = 0; it < times.size(); ++it)
            for (int c : {2, 5, 8}) CHECK_NEAR(sa[it * 9 + c], sb[it * 9 + c], 1e-7 * ss);
    }
}

static void test_bad_receivers() {
    const EarthModel m = two_layers();
    const double x = 0.0, y = 0.0, zu = 10.0, zs = -9e3, t = 0.0;
    double u[3];
    CHECK_THROWS(
        point_source_at_depth(m, 9e3, general(), 1, &x, &y, &zu, 1, &t, u, nullptr, nullptr),
        std::invalid_argument, "z[0] = 10 is invalid: the receiver is above");
    CHECK_THROWS(
        point_source_at_depth(m, 9e3, general(), 1, &x, &y, &zs, 1, &t, u, nullptr, nullptr),
        std::invalid_argument, "receiver 0");
}

// The tables' stress series (every time as a SIMD lane: passes of 8 and 4, partial ones
// included) of four weighted rows adds exactly depth_synthesis' stress per time of the rows'
// weighted sum to what out holds.
static void test_stress_series_equals_synthesis() {
    using namespace viscoann::detail;
    // 19 entries per source: orders 0, 0 keep 8 (no SH, n < 0 copies), order 1 keeps 17.
    CHECK(kStressLayout.n == 8 + 8 + 17 + 19);
    std::uint64_t state = 12345;
    auto uniform = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return double(state >> 11) / double(1ull << 53) * 2.0 - 1.0;
    };
    for (std::size_t nt : {1, 3, 4, 5, 8, 9, 10, 12, 13, 15}) {
        const std::size_t row = nt * kStressLayout.n;
        std::vector<double> rows(4 * row), R(row, 0.0);
        for (double& v : rows) v = uniform();
        const double w[4] = {uniform(), uniform(), uniform(), uniform()};
        const double* rp[4] = {&rows[0], &rows[row], &rows[2 * row], &rows[3 * row]};
        for (std::size_t q = 0; q < row; ++q)
            for (int s = 0; s < 4; ++s) R[q] += w[s] * rp[s][q];
        const PotencyTensor p{uniform(), uniform(), uniform(), uniform(), uniform(), uniform()};
        for (double phi : {0.0, 0.7, 2.9, -1.3}) {
            const Azimuth az = azimuth(std::cos(phi), std::sin(phi));
            std::vector<double> out(nt * 9, 0.5);
            depth_stress_series(az, p, nt, rp, w, out.data());
            for (std::size_t it = 0; it < nt; ++it) {
                double Rk[kElementary][kDepthRadial] = {}, ref[9];
                // The full μ-set and λ D from the compact row: signed copies, zeros.
                for (std::size_t k = 0; k < kElementary; ++k)
                    for (std::size_t c = 0; c <= kDepthSet; ++c) {
                        const auto sl = kStressLayout.of[k][c];
                        Rk[k][kDepthSet + c] =
                            sl.slot < 0 ? 0.0 : sl.sign * R[std::size_t(sl.slot) * nt + it];
                    }
                depth_synthesis(az, p, Rk, nullptr, nullptr, ref);
                for (int c = 0; c < 9; ++c)
                    CHECK_NEAR(out[it * 9 + std::size_t(c)], 0.5 + ref[c], 1e-13);
            }
        }
    }
}

int main() {
    test_homogeneous_basis_is_exact();
    test_surface_limit();
    test_fast_equals_dense_and_differences();
    test_continuity_across_interface();
    test_bad_receivers();
    test_stress_series_equals_synthesis();
    return check::report();
}
