// ctest for the exact solver's steps: Talbot inversion, kernels (fast path = dense path,
// homogeneous kernel affine in r), the t = 0 limit, the elementary tables (= the per-sample
// integral of any potency tensor; velocities), and input validation.
#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>

#include "check.hpp"
#include "laplace.hpp"
#include "propagator.hpp"
#include "sources.hpp"
#include "viscoann.h"
#include "viscoann/greens.hpp"

using namespace viscoann;
using cplx = std::complex<double>;

static void test_talbot() {
    // L^{-1}[1/(s (s + a))] = (1 - e^{-a t}) / a: step response of K(s) = 1/(s + a).
    const auto rule = detail::talbot_rule(24);
    const double a = 0.7;
    for (double t : {1e-3, 0.1, 1.0, 10.0, 300.0}) {
        double f = 0.0;
        for (std::size_t j = 0; j < rule.node.size(); ++j)
            f += std::imag(rule.weight[j] / (rule.node[j] / t + a));
        CHECK_NEAR(f, (1.0 - std::exp(-a * t)) / a, 1e-12);
    }
    CHECK_THROWS(detail::talbot_rule(7), std::invalid_argument, "talbot_nodes");
}

static void test_time_rule() {
    // The cover with the fewest nodes: 4 times within a factor 10 share a decade window, a lone
    // time its own Talbot nodes, t = 0 none; 9 times over a factor 500 one 1000-fold window
    // (52 nodes, not 3 decades' 72); 2 times two Talbot rules (20 < 24). Every rule inverts
    // e^{-a t} and 1 - e^{-a t} over every rate a.
    const auto tr = detail::talbot_rule(20);
    std::vector<double> bench = {0.0};
    for (int k = 0; k < 9; ++k) bench.push_back(0.1 * std::pow(500.0, k / 8.0));
    const struct {
        std::vector<double> times;
        std::size_t nodes;
    } cases[] = {{{0.0, 2.0, 3.5, 7.0, 19.0, 5e3}, detail::kTimeWindows[0].nodes + 10},
                 {bench, detail::kTimeWindows[2].nodes},
                 {{3.0, 9.0}, 20},
                 {{1.0, 2.0, 5.0, 40.0, 60.0, 300.0, 2e3, 9e3}, detail::kTimeWindows[3].nodes}};
    for (const auto& c : cases)
        for (bool velocity : {false, true}) {
            const auto& times = c.times;
            const auto rule = detail::time_rule(times, tr, velocity);
            CHECK(rule.s.size() == c.nodes);
            for (std::size_t it = 0; it < times.size(); ++it)
                CHECK((rule.begin[it + 1] == rule.begin[it]) == (times[it] == 0.0));
            for (double a : {0.0, 1e-4, 0.03, 0.7, 5.0, 300.0})
                for (std::size_t it = 0; it < times.size(); ++it) {
                    const double t = times[it];
                    if (t == 0.0) continue;
                    double f = 0.0, g = 0.0;  // K = s/(s + a) and a/(s + a)
                    for (std::size_t x = rule.begin[it]; x < rule.begin[it + 1]; ++x) {
                        const cplx s = rule.s[rule.node[x]];
                        f += std::imag(rule.weight[x] * s / (s + a));
                        g += std::imag(rule.weight[x] * a / (s + a));
                    }
                    // Step responses e^{-at}, 1 - e^{-at} to 1e-10 of the unit step;
                    // velocities, their derivatives, to 1e-8 of 1/t.
                    const double e = std::exp(-a * t), tol = velocity ? 1e-8 / t : 1e-10;
                    CHECK_NEAR(f, velocity ? -a * e : e, tol);
                    CHECK_NEAR(g, velocity ? a * e : 1.0 - e, tol);
                }
        }
    // More than 20 Talbot nodes asks for more accuracy: every time keeps its own nodes.
    const auto fine = detail::time_rule(cases[0].times, detail::talbot_rule(30), false);
    CHECK(fine.s.size() == 5 * 15);
}

static void test_fast_equals_dense() {
    const EarthModel m = EarthModel::canonical(1e19, 1e18);
    const auto st = detail::Stack::build(m, 9e3);
    Moduli unrel[2] = {{1.0, 1.0}, {1.0, 1.0}};
    const std::vector<char> visc = {0, 1};
    detail::DenseWork w;
    for (double k : {1e-6, 3e-5, 2e-4, 1e-3}) {
        detail::FastKernel fk;
        fk.prepare(st, unrel, visc, k);
        for (cplx s : {cplx(1e-9, 2e-9), cplx(3e-11, -1e-10), cplx(1e-6, 0.0)}) {
            Moduli mod[2] = {unrel[0], m.halfspace.moduli(s)};
            mod[1].mu /= 30e9, mod[1].lam /= 30e9;
            const auto jump = detail::canonical_jump(mod[st.source_layer].mu);
            const auto a = fk.eval(mod, jump), b = detail::solve_dense(st, mod, k, w, jump);
            const double scale = std::abs(b.U) + std::abs(b.V) + std::abs(b.W);
            CHECK_NEAR(std::abs(a.U - b.U) / scale, 0.0, 1e-12);
            CHECK_NEAR(std::abs(a.V - b.V) / scale, 0.0, 1e-12);
            CHECK_NEAR(std::abs(a.W - b.W) / scale, 0.0, 1e-12);
        }
    }
}

static void test_fast_equals_dense_many_viscous_layers() {
    // Several viscoelastic layers (the Woodbury block grows), sources in a viscous layer, on
    // an interface and in the half-space: the fast solver equals the dense one.
    EarthModel m;
    m.layers.push_back({10e3, 25e9, Rheology::elastic(20e9)});
    m.layers.push_back({20e3, 40e9, Rheology::maxwell(35e9, 1e19)});
    m.layers.push_back({5e3, 30e9, Rheology::standard_linear_solid(50e9, 20e9, 1e18)});
    m.halfspace = {0.0, 60e9, Rheology::burgers(60e9, 3e19, 40e9, 2e18)};
    const double x[3] = {3e3, -25e3, 70e3}, y[3] = {8e3, 14e3, -50e3};
    const double t[3] = {0.0, 3e8, 3e9};
    for (double depth : {12e3, 10e3, 40e3}) {
        double a[9], b[9];
        GreensOptions dense;
        dense.dense = true;
        canonical_displacement(m, depth, 3, x, y, t, a);
        canonical_displacement(m, depth, 3, x, y, t, b, dense);
        double scale = 0.0;
        for (double v : b) scale = std::max(scale, std::fabs(v));
        for (int i = 0; i < 9; ++i) CHECK(std::isfinite(a[i]));
        for (int i = 0; i < 9; ++i) CHECK_NEAR(a[i], b[i], 1e-11 * scale);
    }
}

static void test_dense_many_equals_single() {
    // One factorisation for several sources (the homogeneous part's solves) gives each
    // source's own solve, in a stack with the source in a viscous layer.
    EarthModel m;
    m.layers.push_back({10e3, 25e9, Rheology::elastic(20e9)});
    m.layers.push_back({20e3, 40e9, Rheology::maxwell(35e9, 1e19)});
    m.halfspace = {0.0, 60e9, Rheology::burgers(60e9, 3e19, 40e9, 2e18)};
    const auto st = detail::Stack::build(m, 17e3);
    const cplx s(2e-10, 5e-10);
    Moduli mod[3] = {m.layers[0].moduli(s), m.layers[1].moduli(s), m.halfspace.moduli(s)};
    for (Moduli& q : mod) q.mu /= 30e9, q.lam /= 30e9;
    detail::SourceJump js[3];
    for (int j = 0; j < 3; ++j)
        for (int q = 0; q < 4; ++q) {
            js[j].psv[q] = cplx(1.0 + j - 0.3 * q, 0.5 * q - j);
            if (q < 2) js[j].sh[q] = cplx(0.7 * j - q, 1.0 + q);
        }
    detail::DenseWork w;
    for (double k : {2e-5, 4e-4}) {
        std::vector<cplx> xp, xs, p1, s1;
        detail::solve_dense_many(st, mod, k, w, 3, js, xp, xs);
        const std::size_t np = st.n_psv(), ns = st.n_sh();
        CHECK(xp.size() == 3 * np && xs.size() == 3 * ns);
        for (int j = 0; j < 3; ++j) {
            detail::solve_dense_full(st, mod, k, w, js[j], p1, s1);
            double scale = 0.0;
            for (const cplx v : p1) scale = std::max(scale, std::abs(v));
            for (const cplx v : s1) scale = std::max(scale, std::abs(v));
            CHECK(scale > 0.0);
            for (std::size_t i = 0; i < np; ++i)
                CHECK_NEAR(std::abs(xp[j * np + i] - p1[i]), 0.0, 1e-14 * scale);
            for (std::size_t i = 0; i < ns; ++i)
                CHECK_NEAR(std::abs(xs[j * ns + i] - s1[i]), 0.0, 1e-14 * scale);
        }
    }
}

static void test_homogeneous_kernel_affine_in_r() {
    // Okada's surface field is A + r B; its wavenumber kernel must be affine in r too.
    EarthModel h;
    h.halfspace = {0.0, 1.0, Rheology::elastic(1.0)};
    const auto st = detail::Stack::build(h, 5e3);
    detail::DenseWork w;
    for (double k : {1e-5, 4e-4}) {
        const Moduli r2{1.0, 1.0}, r4{1.0, 3.0}, r3{1.0, 2.0};  // r = 1/2, 1/4, 1/3
        const auto j = detail::canonical_jump(1.0);
        const auto a = detail::solve_dense(st, &r2, k, w, j),
                   b = detail::solve_dense(st, &r4, k, w, j),
                   c = detail::solve_dense(st, &r3, k, w, j);
        // linear interpolation in r: c = b + (1/3 - 1/4) / (1/2 - 1/4) (a - b)
        const double f = (1.0 / 3 - 0.25) / 0.25;
        CHECK_NEAR(std::abs(c.U - (b.U + f * (a.U - b.U))), 0.0, 1e-13);
        CHECK_NEAR(std::abs(c.V - (b.V + f * (a.V - b.V))), 0.0, 1e-13);
        CHECK_NEAR(std::abs(c.W - (b.W + f * (a.W - b.W))), 0.0, 1e-13);
    }
}

static void test_t0_is_okada() {
    const EarthModel m = EarthModel::canonical(1e19, 1e18);
    const double x[3] = {4e3, -25e3, 60e3}, y[3] = {9e3, 7e3, -80e3}, t[3] = {0, 0, 0};
    double u[9];
    canonical_displacement(m, 6e3, 3, x, y, t, u);
    for (int i = 0; i < 3; ++i) {
        double ok[3];
        detail::okada_canonical_field(x[i], y[i], 6e3, 0.5, ok);  // Okada, lambda = mu
        const double scale = std::fabs(ok[0]) + std::fabs(ok[1]);
        for (int c = 0; c < 3; ++c) CHECK_NEAR(u[3 * i + c], ok[c], 1e-12 * scale);
    }
}

static void test_validation() {
    const EarthModel m = EarthModel::canonical(1e19, 1e18);
    const double x = 1e3, y = 1e3, t = 1.0, tneg = -1.0, nan = std::nan("");
    double u[3];
    CHECK_THROWS(canonical_displacement(m, -1.0, 1, &x, &y, &t, u), std::invalid_argument, "depth");
    CHECK_THROWS(canonical_displacement(m, 5e3, 1, &x, &y, &tneg, u), std::invalid_argument,
                 "t[0]");
    CHECK_THROWS(canonical_displacement(m, 5e3, 1, &nan, &y, &t, u), std::invalid_argument, "x[0]");
    CHECK_THROWS(EarthModel::canonical(-1.0, 1e18), std::invalid_argument, "eta_M");
    EarthModel bad = m;
    bad.layers[0].thickness = 0.0;
    CHECK_THROWS(canonical_displacement(bad, 5e3, 1, &x, &y, &t, u), std::invalid_argument,
                 "layers[0].thickness");
}

static void test_c_api() {
    // The C entry points equal the C++ solver and report bad input by status and message.
    const double x[2] = {12e3, -30e3}, y[2] = {5e3, 44e3}, t[2] = {3e8, 1e9};
    double a[6], b[6];
    CHECK(viscoann_seed_displacement(2, x, y, t, 7e3, 1e19, 1e18, a, 1) == VISCOANN_OK);
    canonical_displacement(EarthModel::canonical(1e19, 1e18), 7e3, 2, x, y, t, b);
    for (int i = 0; i < 6; ++i) CHECK_NEAR(a[i], b[i], 1e-15 * std::fabs(b[i]) + 1e-30);
    const double inf = INFINITY;
    const double th[2] = {15e3, 0}, lam[2] = {30e9, 30e9}, mu[2] = {30e9, 30e9},
                 em[2] = {inf, 1e19}, mk[2] = {inf, 30e9}, ek[2] = {inf, 1e18};
    CHECK(viscoann_canonical_displacement(1, th, lam, mu, em, mk, ek, 2, x, y, t, 7e3, a, 1) ==
          VISCOANN_OK);
    for (int i = 0; i < 6; ++i) CHECK_NEAR(a[i], b[i], 1e-15 * std::fabs(b[i]) + 1e-30);
    const double pot[4] = {1.0, 0.0, 0.0, 0.0};
    CHECK(viscoann_point_source_displacement(1, th, lam, mu, em, mk, ek, 2, x, y, t, 7e3, 90.0, pot,
                                             a, 1) == VISCOANN_OK);
    for (int i = 0; i < 6; ++i) CHECK_NEAR(a[i], b[i], 1e-13 * std::fabs(b[i]) + 1e-30);
    CHECK(viscoann_point_source_displacement(1, th, lam, mu, em, mk, ek, 2, x, y, t, 7e3, 91.0, pot,
                                             a, 1) == VISCOANN_INVALID_ARGUMENT);
    CHECK(std::string(viscoann_last_error()).find("dip") != std::string::npos);
    CHECK(viscoann_seed_displacement(2, x, y, t, -1.0, 1e19, 1e18, a, 1) ==
          VISCOANN_INVALID_ARGUMENT);
    CHECK(std::string(viscoann_last_error()).find("depth") != std::string::npos);
    CHECK(viscoann_seed_displacement(2, x, y, t, 7e3, 1e19, 1e18, a, -1) ==
          VISCOANN_INVALID_ARGUMENT);
    CHECK(std::string(viscoann_last_error()).find("threads = -1") != std::string::npos);
    // The canonical source as a potency tensor (xy = -1/2).
    const double tensor[6] = {0.0, 0.0, 0.0, -0.5, 0.0, 0.0};
    CHECK(viscoann_potency_tensor_displacement(1, th, lam, mu, em, mk, ek, 2, x, y, t, 7e3, tensor,
                                               a, 0) == VISCOANN_OK);
    for (int i = 0; i < 6; ++i) CHECK_NEAR(a[i], b[i], 1e-12 * std::fabs(b[i]) + 1e-30);
}

static void test_elementary_tables() {
    // Any potency tensor from the ten radial functions equals the per-sample integral.
    const EarthModel m = EarthModel::canonical(1e19, 1e18);
    const double yr = 365.25 * 86400.0;
    const double x[4] = {0.0, 3e3, -20e3, 45e3}, y[4] = {0.0, -5e3, 9e3, 30e3};
    const double times[2] = {0.0, 20 * yr};
    const PotencyTensor p{0.3, -0.8, 0.5, 0.45, -0.2, 0.7};
    const ElementaryTables t = elementary_tables(m, 11e3, 60e3, 2, times);
    double u[2 * 4 * 3];
    tables_displacement(t, 1, &p, 4, x, y, u);
    double xs[8], ys[8], ts[8], ref[24];
    for (int it = 0; it < 2; ++it)
        for (int i = 0; i < 4; ++i)
            xs[it * 4 + i] = x[i], ys[it * 4 + i] = y[i], ts[it * 4 + i] = times[it];
    point_source_displacement(m, 11e3, p, 8, xs, ys, ts, ref);
    double scale = 0.0;
    for (double v : ref) scale = std::max(scale, std::fabs(v));
    for (int i = 0; i < 24; ++i) CHECK_NEAR(u[i], ref[i], 1e-6 * scale);
    // Two sources superpose; the velocity is refused at t = 0 and is the derivative at t > 0.
    const PotencyTensor two[2] = {p, p};
    double xy2[8] = {0.0, 3e3, -20e3, 45e3, 0.0, 3e3, -20e3, 45e3}, yy2[8];
    std::copy(y, y + 4, yy2), std::copy(y, y + 4, yy2 + 4);
    double u2[24];
    tables_displacement(t, 2, two, 4, xy2, yy2, u2);
    for (int i = 0; i < 24; ++i) CHECK_NEAR(u2[i], 2.0 * u[i], 1e-14 * scale);
    GreensOptions ov;
    ov.velocity = true;
    CHECK_THROWS(elementary_tables(m, 11e3, 60e3, 2, times, ov), std::invalid_argument,
                 "times[0] = 0");
    const double tv[1] = {20 * yr}, dt = 1e-3 * yr, tp[1] = {20 * yr + dt}, tm[1] = {20 * yr - dt};
    double v[12], up[12], dn[12];
    tables_displacement(elementary_tables(m, 11e3, 60e3, 1, tv, ov), 1, &p, 4, x, y, v);
    tables_displacement(elementary_tables(m, 11e3, 60e3, 1, tp), 1, &p, 4, x, y, up);
    tables_displacement(elementary_tables(m, 11e3, 60e3, 1, tm), 1, &p, 4, x, y, dn);
    double vs = 0.0;
    for (int i = 0; i < 12; ++i) vs = std::max(vs, std::fabs((up[i] - dn[i]) / (2 * dt)));
    for (int i = 0; i < 12; ++i) CHECK_NEAR(v[i], (up[i] - dn[i]) / (2 * dt), 1e-5 * vs);
    // Radii beyond the tables are refused, naming the point.
    const double far = 70e3;
    CHECK_THROWS(tables_displacement(t, 1, &p, 1, &far, &far, u), std::invalid_argument, "x[0]");
}

int main() {
    test_c_api();
    test_talbot();
    test_time_rule();
    test_fast_equals_dense();
    test_fast_equals_dense_many_viscous_layers();
    test_dense_many_equals_single();
    test_homogeneous_kernel_affine_in_r();
    test_t0_is_okada();
    test_validation();
    test_elementary_tables();
    return check::report();
}
