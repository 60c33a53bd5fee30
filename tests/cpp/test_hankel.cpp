// ctest for the Hankel stage: the wavenumber rule, Bessel J1..J3, and the transforms of known
// pairs, ∫_0^∞ e^{-ka} J_n(kr) k dk = (R - a)^n (n R + a) / (r^n R^3), R = sqrt(a^2 + r^2)
// (the Laplace transform of t J_n(rt)), through every sum the solver uses.
#include <algorithm>
#include <cmath>
#include <vector>

#include "check.hpp"
#include "hankel.hpp"
#include "plan.hpp"
#include "sources.hpp"
#include "table_kernels.hpp"

using namespace viscoann::detail;

static double pair(int n, double a, double r) {
    const double R = std::sqrt(a * a + r * r);
    return std::pow(R - a, n) * (n * R + a) / (std::pow(r, n) * R * R * R);
}

// The solver's rule for decay depth a and radius r (as make_plan with default options).
static WavenumberRule rule_for(double a, double r) {
    const double k_max = 36.0 / a;
    const double dk = std::min(2.0 * 3.14159265358979323846 / std::max(r, a), 4.0 / a);
    return wavenumber_rule(k_max, std::size_t(std::ceil(k_max / dk)));
}

static void test_rule() {
    // Gauss–Legendre panels integrate e^{-ka} to round-off; the graded first panel too.
    const WavenumberRule rule = wavenumber_rule(2.0, 8);
    double s = 0.0, s5 = 0.0;
    for (std::size_t i = 0; i < rule.k.size(); ++i) {
        s += rule.w[i] * std::exp(-3.0 * rule.k[i]);
        s5 += rule.w[i] * std::pow(rule.k[i], 15);  // degree 15 is exact on 8 points
    }
    CHECK_NEAR(s, (1.0 - std::exp(-6.0)) / 3.0, 1e-15);
    CHECK_NEAR(s5, std::pow(2.0, 16) / 16.0, 1e-10);
    for (std::size_t i = 1; i < rule.k.size(); ++i) CHECK(rule.k[i] > rule.k[i - 1]);
}

static void test_bessel() {
    // Miller's recurrence (and the series below 1e-3) against the standard library, every
    // order it serves, across its range [0, kAsymptotic). The library's own error reaches
    // 2.2e-15 at x = 20-30 (measured against scipy's jv, which this recurrence, prototyped in
    // Python, matches to 5.2e-16 there), hence 3e-15.
    for (int i = 0; i <= 3000; ++i) {
        const double x = i < 100 ? 1e-6 * std::pow(1e3, i / 100.0) : (i - 100) * 0.01;
        if (x >= kAsymptotic) break;
        double j[5];
        bessel_small(x, j, 4);
        for (int n = 0; n <= 4; ++n) CHECK_NEAR(j[n], std::cyl_bessel_j(double(n), x), 3e-15);
    }
    for (double x : {0.0, 1e-3, 0.7, 5.0, 7.999, 8.0, 31.4}) {
        double j1, j2, j3;
        bessel_123(x, j1, j2, j3);
        CHECK_NEAR(j1, std::cyl_bessel_j(1.0, x), 1e-15);
        CHECK_NEAR(j2, std::cyl_bessel_j(2.0, x), 1e-14);
        CHECK_NEAR(j3, std::cyl_bessel_j(3.0, x), 1e-14);
    }
    // Hankel's expansion above kAsymptotic against J0, J1 from mpmath at 40 digits, relative
    // to the envelope sqrt(2 / (pi x)); not against the standard library, which forms the
    // phase x - pi/4 in double and is off by up to 1e-13 at x ~ 1e3 and 1e-12 at 1e5.
    const double ref[][3] = {{30.0, -0.08636798358104021, -0.11875106261662294},
                             {31.4, 0.09865374409157311, -0.10110399295094176},
                             {37.7, 0.09165982664026423, -0.09089835168259655},
                             {45.0, 0.11581867067325632, 0.028348854376424527},
                             {61.3, -0.0693511464657726, -0.0752366331535591},
                             {88.8, 0.08457013864172946, 0.004589578656142414},
                             {150.0, -0.0007740903753942912, -0.06514516365772736},
                             {246.1, 0.04902003344491484, 0.013659292293761841},
                             {400.5, -0.029655743148837888, -0.026684710748723115},
                             {606.9, -0.031655964303399814, 0.006820043037079352},
                             {888.3, -0.00038913844276161304, 0.02676768569942969},
                             {2000.2, 0.0037047698418338076, 0.017452365807837537},
                             {12345.6, -0.0005290500807391781, -0.007161490385020107},
                             {99999.3, -0.00012519855657196777, 0.00252003262951422}};
    for (const auto& r : ref) {
        double j0, j1, j2, j3;
        bessel_j01(r[0], j0, j1);
        const double env = std::sqrt(2.0 / (3.14159265358979323846 * r[0]));
        CHECK_NEAR(j0, r[1], 1e-15 * env);
        CHECK_NEAR(j1, r[2], 1e-15 * env);
        bessel_123(r[0], j1, j2, j3);  // J1 (and the recurrence) from the same expansion
        CHECK_NEAR(j1, r[2], 1e-15 * env);
    }
}

static void test_known_pairs() {
    // Depth-like a and radii from inside to far outside it, to the rule's accuracy: the
    // truncation e^{-36} and the panels' quadrature error, together measured at 1.6e-11 of
    // the peak 1/a^2 (at r = 140 km, the rule's r_max).
    for (double a : {2e3, 15e3}) {
        const double peak = 1.0 / (a * a);  // the n = 0 pair at r = 0
        for (double r : {0.0, 0.3 * a, a, 4.0 * a, 60e3, 140e3}) {
            const WavenumberRule rule = rule_for(a, 140e3);
            const std::size_t nk = rule.k.size();
            // J0..J3 rows and the harmonics' sums with the kernel K = e^{-ka} in every slot.
            std::vector<double> j(4 * nk), K(nk * kHarmonics * 3), k3(3 * nk);
            bessel_0123_row(rule, r, j.data());
            for (std::size_t ik = 0; ik < nk; ++ik) {
                const double e = std::exp(-rule.k[ik] * a);
                for (std::size_t q = 0; q < kHarmonics * 3; ++q) K[ik * kHarmonics * 3 + q] = e;
                k3[3 * ik] = k3[3 * ik + 1] = e;
                k3[3 * ik + 2] = 0.0;
            }
            double I[kHarmonics][5];
            harmonic_integrals(rule, j.data(), K.data(), I);
            for (int n = 0; n <= 2; ++n) {
                const double exact = r > 0 ? pair(n, a, r) : (n == 0 ? peak : 0.0);
                const std::size_t h = n == 0 ? 0 : 2 * n - 1;  // J0, J1 cos φ, J2 cos 2φ
                CHECK_NEAR(I[h][4], exact, 5e-11 * peak);      // ∫ k U J_n
            }
            // J_m' = (J_{m-1} - J_{m+1})/2 and J_m/(kr) = (J_{m-1} + J_{m+1})/(2m): for m = 1,
            // ∫ k K (J1' + J1/(kr)) = ∫ k K J0 and ∫ k K (J1/(kr) - J1') = ∫ k K J2.
            CHECK_NEAR(I[1][0] + I[1][1], r > 0 ? pair(0, a, r) : peak, 5e-11 * peak);
            CHECK_NEAR(I[1][1] - I[1][0], r > 0 ? pair(2, a, r) : 0.0, 5e-11 * peak);
            // The canonical sums on a Bessel row: t1 = ½ w k J1, t2 = w k J2, t3 = ½ w k J3,
            // with U = V - W = e^{-ka} and V + W = 0: g_r = g_φ = ½ ∫ k K J1, g_z = -∫ k K J2.
            std::vector<double> t1(nk), t2(nk), t3(nk);
            bessel_row(rule, r, t1.data(), t2.data(), t3.data());
            double g[3];
            canonical_radial(nk, t1.data(), t2.data(), t3.data(), k3.data(), g);
            const double j1 = r > 0 ? pair(1, a, r) : 0.0, j2 = r > 0 ? pair(2, a, r) : 0.0;
            CHECK_NEAR(g[0], 0.5 * j1, 5e-11 * peak);
            CHECK_NEAR(g[1], 0.5 * j1, 5e-11 * peak);
            CHECK_NEAR(g[2], -j2, 5e-11 * peak);
        }
    }
}

static void test_prefix_of_a_finer_plan() {
    // The depth tables' receivers farther than the nearest read a prefix of its plan
    // (wavenumbers_for): the prefix transforms e^{-ka} as their own plan would (5e-11 of the
    // peak, as above), is shorter, and is the whole rule for the nearest receiver itself.
    const viscoann::GreensOptions o;
    const Plan plan = make_plan(500.0, 98e3, o);
    const std::size_t nk = plan.rule.k.size();
    CHECK(wavenumbers_for(plan, 500.0, o) == nk);
    CHECK(wavenumbers_for(plan, 400.0, o) == nk);  // nearer than the plan's: all of it
    for (double a : {1505.0, 5e3, 13.5e3}) {
        const std::size_t n = wavenumbers_for(plan, a, o);
        CHECK(n < nk / 2);
        const double peak = 1.0 / (a * a);
        for (double r : {0.0, 0.3 * a, a, 4.0 * a, 40e3, 98e3})
            for (int m = 0; m <= 2; ++m) {
                double s = 0.0;
                for (std::size_t ik = 0; ik < n; ++ik) {
                    const double k = plan.rule.k[ik];
                    s += plan.rule.w[ik] * k * std::exp(-k * a) * std::cyl_bessel_j(m, k * r);
                }
                const double exact = r > 0 ? pair(m, a, r) : (m == 0 ? peak : 0.0);
                CHECK_NEAR(s, exact, 5e-11 * peak);
            }
    }
}

static void test_tables_and_interpolation() {
    // The tables repeat the rows; cubic interpolation is exact for cubics in r.
    const WavenumberRule rule = rule_for(5e3, 50e3);
    const std::vector<double> radii = {0.0, 1e3, 2e3, 3e3, 4e3, 5e3};
    const BesselTables bt = bessel_tables(rule, radii, 2);
    std::vector<double> t1(bt.n_k), t2(bt.n_k), t3(bt.n_k);
    bessel_row(rule, 3e3, t1.data(), t2.data(), t3.data());
    for (std::size_t k = 0; k < bt.n_k; ++k) {
        CHECK(bt.t1[3 * bt.n_k + k] == t1[k] && bt.t2[3 * bt.n_k + k] == t2[k]);
        CHECK(bt.t3[3 * bt.n_k + k] == t3[k]);
    }
    std::vector<double> g(2 * 6 * 3);
    auto f = [](double r, int c, int it) { return 1.0 + c + it + r * (2.0 - r * (0.5 - 0.1 * r)); };
    for (int it = 0; it < 2; ++it)
        for (int j = 0; j < 6; ++j)
            for (int c = 0; c < 3; ++c) g[(it * 6 + j) * 3 + c] = f(double(j), c, it);
    for (double r : {0.0, 0.4, 2.5, 4.9, 5.0})
        for (int it = 0; it < 2; ++it) {
            double out[3];
            interpolate_radial(g, 6, it, 1.0, r, out);
            for (int c = 0; c < 3; ++c) CHECK_NEAR(out[c], f(r, c, it), 1e-12);
        }
}

// The stress tables' radial sums (every ISA's kernel, a block of radii as lanes) equal
// depth_radial's μ-set and λ D at each radius, slot by slot (kStressLayout).
static void test_stress_radial_equals_depth_radial() {
    const WavenumberRule rule = rule_for(3e3, 4e4);
    const std::size_t nk = rule.k.size(), B = kStressBlock;
    std::vector<StressRadialKernel> kernels{stress_radial_scalar};
#if VISCOANN_TABLES_X86
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        kernels.push_back(stress_radial_avx2);
    if (__builtin_cpu_supports("avx512f")) kernels.push_back(stress_radial_avx512);
#endif
    std::vector<double> K(nk * kElementary * kDepthComponents), Jt(5 * nk * B), row(5 * nk);
    for (std::size_t q = 0; q < K.size(); ++q) K[q] = std::sin(0.37 * double(q) + 1.0);
    // The kernels' stress-only layout (depth_time_kernels): components 6 .. 12.
    std::vector<double> Ks(nk * kElementary * kStressComponents);
    for (std::size_t q = 0; q < nk * kElementary; ++q)
        for (std::size_t c = 0; c < kStressComponents; ++c)
            Ks[q * kStressComponents + c] = K[q * kDepthComponents + 6 + c];
    double r[kStressBlock];
    for (std::size_t l = 0; l < B; ++l) {
        r[l] = 500.0 + 4e3 * double(l);
        bessel_04_row(rule, r[l], row.data());
        for (std::size_t q = 0; q < 5 * nk; ++q) Jt[q * B + l] = row[q];
    }
    for (StressRadialKernel kern : kernels) {
        std::vector<double> R(kStressLayout.n * B);
        kern(nk, rule.k.data(), rule.w.data(), Jt.data(), Ks.data(), R.data());
        for (std::size_t l = 0; l < B; ++l) {
            bessel_04_row(rule, r[l], row.data());
            double ref[kElementary][kDepthRadial];
            depth_radial(rule, row.data(), K.data(), ref);
            double scale = 0.0;
            for (const auto& e : ref)
                for (double v : e) scale = std::max(scale, std::abs(v));
            for (std::size_t s = 0; s < kStressLayout.n; ++s) {
                const auto [k, c] = kStressLayout.stored[s];
                CHECK_NEAR(R[s * B + l], ref[k][kDepthSet + c], 1e-13 * scale);
            }
            // The signed copies the layout drops are exact (its zeros, the axisymmetric
            // sources' SH part, hold for the solver's kernels, not these: test_traction_tables).
            for (std::size_t k = 0; k < kElementary; ++k)
                for (std::size_t c = 0; c <= kDepthSet; ++c) {
                    const auto sl = kStressLayout.of[k][c];
                    if (sl.slot < 0) continue;
                    const auto [k2, c2] = kStressLayout.stored[std::size_t(sl.slot)];
                    CHECK(k2 == k);
                    CHECK(ref[k][kDepthSet + c] == sl.sign * ref[k2][kDepthSet + c2]);
                }
        }
    }
}

int main() {
    test_rule();
    test_stress_radial_equals_depth_radial();
    test_bessel();
    test_known_pairs();
    test_prefix_of_a_finer_plan();
    test_tables_and_interpolation();
    return check::report();
}
