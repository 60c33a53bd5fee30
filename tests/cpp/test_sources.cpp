// ctest for the sources step: the conventions (azimuth, the canonical source's azimuthal
// factors, the elementary synthesis and its weights, the harmonics' synthesis, Okada's canonical
// field) and the elementary-source algebra (Okada's potencies as a potency tensor, its moment, the
// harmonics' jumps).
#include <cmath>
#include <complex>

#include "check.hpp"
#include "sources.hpp"
#include "viscoann/okada.hpp"

using namespace viscoann;
using namespace viscoann::detail;

static void test_azimuth_and_factors() {
    const Azimuth a = azimuth(3.0, -4.0), axis = azimuth(0.0, 0.0);
    CHECK_NEAR(a.c, 0.6, 1e-16);
    CHECK_NEAR(a.s, -0.8, 1e-16);
    CHECK(axis.c == 1.0 && axis.s == 0.0);
    // At φ = 45°: sin 2φ = 1, cos 2φ = 0, so u = g_r (cos φ, sin φ) + (0, 0, g_z).
    const double g[3] = {2.0, 5.0, 7.0};
    double u[3];
    canonical_from_radial(1.0, 1.0, g, u);
    CHECK_NEAR(u[0], 2.0 * std::sqrt(0.5), 1e-14);
    CHECK_NEAR(u[1], 2.0 * std::sqrt(0.5), 1e-14);
    CHECK_NEAR(u[2], 7.0, 1e-14);
    // At φ = 0 only u_φ = g_φ survives, along +y; on the axis the field is its r -> 0 limit, 0.
    canonical_from_radial(4.0, 0.0, g, u);
    CHECK(u[0] == 0.0 && u[1] == 5.0 && u[2] == 0.0);
    canonical_from_radial(0.0, 0.0, g, u);
    CHECK(u[0] == 0.0 && u[1] == 0.0 && u[2] == 0.0);
    // The harmonics' synthesis with only J2 sin 2φ terms is the canonical factors: u_r from
    // I0 Θ + I2 Θ', u_φ from I1 Θ' - I3 Θ (Θ = sin 2φ, Θ' = 2 cos 2φ), u_z = -I4 Θ.
    double I[kHarmonics][5] = {};
    I[4][0] = 1.5, I[4][1] = 0.25, I[4][4] = -3.0;
    const double x = -2.0, y = 7.0;
    from_harmonics(azimuth(x, y), I, u);
    const double gg[3] = {1.5, 0.5, 3.0};
    double v[3];
    canonical_from_radial(x, y, gg, v);
    for (int c = 0; c < 3; ++c) CHECK_NEAR(u[c], v[c], 1e-15);
}

static void test_okada_canonical_field() {
    // The canonical field is DC3D0 (dip 90, POT1 = 1, z = 0) at any alpha, and affine in
    // r = mu/(lambda+mu): A + r B.
    for (double alpha : {2.0 / 3.0, 0.8, 0.55}) {
        const double r = (1.0 - alpha) / alpha;
        for (double x : {-20e3, 3e3, 40e3})
            for (double y : {-7e3, 0.0, 15e3}) {
                double u[3], A[3], B[3];
                okada_canonical_field(x, y, 6e3, r, u);
                okada_canonical_parts(x, y, 6e3, A, B);
                const auto ok = dc3d0(alpha, x, y, 0.0, 6e3, 90.0, {1.0, 0.0, 0.0, 0.0});
                const double scale = std::fabs(ok.u[0]) + std::fabs(ok.u[1]) + std::fabs(ok.u[2]);
                for (int c = 0; c < 3; ++c) {
                    CHECK_NEAR(u[c], ok.u[c], 1e-14 * scale);
                    CHECK_NEAR(A[c] + r * B[c], ok.u[c], 1e-14 * scale);
                }
            }
    }
}

static void test_potency_and_moment() {
    const double mu = 30e9, lam = 45e9;
    const double strike[4] = {1, 0, 0, 0}, inflation[4] = {0, 0, 0, 1};
    const PotencyTensor ss = okada_potency(90.0, strike, mu, lam);
    CHECK(ss.xy == -0.5 && ss.xx == 0.0 && ss.yy == 0.0 && ss.zz == 0.0);
    CHECK_NEAR(ss.xz, 0.0, 1e-16);
    // DC3D0's inflation: the moment mu I per unit pot4, at any dip.
    const MomentTensor mi = moment_tensor(okada_potency(37.0, inflation, mu, lam), mu, lam);
    for (cplx d : {mi.xx, mi.yy, mi.zz}) CHECK_NEAR(std::abs(d - mu), 0.0, 1e-6);
    CHECK(mi.xy == cplx(0.0) && mi.xz == cplx(0.0) && mi.yz == cplx(0.0));
    // Tensile on a 30° plane: M = λ I + 2 μ n nᵀ, n = (0, -sin 30°, cos 30°).
    const double tensile[4] = {0, 0, 1, 0};
    const MomentTensor mt = moment_tensor(okada_potency(30.0, tensile, mu, lam), mu, lam);
    const double sd = 0.5, cd = std::sqrt(0.75);
    CHECK_NEAR(mt.xx.real(), lam, 1e-5);
    CHECK_NEAR(mt.yy.real(), lam + 2 * mu * sd * sd, 1e-5);
    CHECK_NEAR(mt.zz.real(), lam + 2 * mu * cd * cd, 1e-5);
    CHECK_NEAR(mt.yz.real(), -2 * mu * sd * cd, 1e-5);
    // A complex modulus (a Laplace node) carries through.
    const cplx mus(2.0, -1.0), lams(3.0, 0.5);
    const MomentTensor mc = moment_tensor(ss, mus, lams);
    CHECK(mc.xy == -mus && mc.xx == cplx(0.0));
}

static void test_jumps() {
    // The canonical jump is harmonics 4 (J2 sin 2φ, P-SV) and 3 (J2 cos 2φ, SH) of M_xy = -mu.
    const Moduli src{cplx(1.3, -0.2), cplx(2.0, 0.1)};
    const PotencyTensor p{0, 0, 0, -0.5, 0, 0};
    const auto j = harmonic_jumps(moment_tensor(p, src.mu, src.lam), src);
    const SourceJump c = canonical_jump(src.mu);
    CHECK_NEAR(std::abs(j[4].psv[3] - c.psv[3]), 0.0, 1e-15);
    CHECK_NEAR(std::abs(j[3].sh[1] - c.sh[1]), 0.0, 1e-15);
    for (std::size_t h = 0; h < kHarmonics; ++h)
        for (int q = 0; q < 3; ++q) CHECK(j[h].psv[q] == cplx(0.0));
    CHECK(j[4].sh[1] == cplx(0.0) && j[3].psv[3] == cplx(0.0) && j[0].psv[3] == cplx(0.0));
    // Isotropic moment: only m = 0, [u_z] = M/(λ+2μ), [Q]-part (p - λ M/(λ+2μ)) / 2π.
    const MomentTensor iso{1.0, 1.0, 1.0, 0.0, 0.0, 0.0};
    const auto ji = harmonic_jumps(iso, src);
    const cplx l2m = src.lam + 2.0 * src.mu;
    CHECK_NEAR(std::abs(ji[0].psv[0] - 1.0 / l2m / 6.283185307179586), 0.0, 1e-15);
    CHECK_NEAR(std::abs(ji[0].psv[3] - (1.0 - src.lam / l2m) / 6.283185307179586), 0.0, 1e-15);
    for (std::size_t h = 1; h < kHarmonics; ++h)
        CHECK(ji[h].psv[1] == cplx(0.0) && ji[h].psv[3] == cplx(0.0) && ji[h].sh[0] == cplx(0.0));
}

static void test_moment_field() {
    // Okada's field of any M/μ: the canonical m_xy = -1 is the canonical field; m = e_x e_x is
    // DC3D0's tensile source on a plane striking along +y, rotated.
    for (double l : {1.0, 3.0}) {
        const double alpha = (l + 1.0) / (l + 2.0), r = 1.0 / (1.0 + l);
        for (double x : {-12e3, 25e3})
            for (double y : {9e3, -30e3}) {
                double u[3], v[3];
                okada_moment_field(PotencyTensor{0, 0, 0, -1.0, 0, 0}, l, x, y, 5e3, u);
                okada_canonical_field(x, y, 5e3, r, v);
                for (int c = 0; c < 3; ++c) CHECK_NEAR(u[c], v[c], 1e-14 * std::fabs(v[0]) + 1e-30);
                // e_x e_x as M/μ = potency e_x e_x minus its λ tr(P) I part (λ/μ times pot4).
                okada_moment_field(PotencyTensor{1.0, 0, 0, 0, 0, 0}, l, x, y, 5e3, u);
                const auto t = dc3d0(alpha, y, -x, 0.0, 5e3, 90.0, {0.0, 0.0, 1.0, 0.0});
                const auto i = dc3d0(alpha, y, -x, 0.0, 5e3, 90.0, {0.0, 0.0, 0.0, 1.0});
                const double w[3] = {-(t.u[1] - l * i.u[1]) / 2, (t.u[0] - l * i.u[0]) / 2,
                                     (t.u[2] - l * i.u[2]) / 2};
                const double scale = std::fabs(w[0]) + std::fabs(w[1]) + std::fabs(w[2]);
                for (int c = 0; c < 3; ++c) CHECK_NEAR(u[c], w[c], 1e-13 * scale);
            }
    }
}

// The elementary sources' fields as documented (sources.hpp): E0 P_zz, E1 P_xx = P_yy = 1/2
// (m = 0), E2 P_xz (u_r = g_r cos φ, u_φ = -g_φ sin φ, u_z = g_z cos φ), E3 P_xy (u_r = g_r sin 2φ,
// u_φ = g_φ cos 2φ, u_z = g_z sin 2φ); P_yz is E2 turned by 90°, (P_xx - P_yy)/2 is E3 turned by
// -45°; the weights' matrix, used by the engines, is the same linear map (synthesis applies it).
static void test_elementary_synthesis() {
    const double g[kRadialFunctions] = {1.5, -2.0, 0.5, 3.0, -1.0, 2.5, 0.75, -0.3, 1.2, -2.2};
    const double x = 3.0, y = -4.0, phi = std::atan2(y, x);
    const Azimuth a = azimuth(x, y);
    auto field = [&](const PotencyTensor& p, double u[3]) { elementary_synthesis(a, p, g, u); };
    auto expect = [&](double ur, double up, double uz, const double u[3]) {
        const double ex = ur * std::cos(phi) - up * std::sin(phi);
        const double ey = ur * std::sin(phi) + up * std::cos(phi);
        CHECK_NEAR(u[0], ex, 1e-13);
        CHECK_NEAR(u[1], ey, 1e-13);
        CHECK_NEAR(u[2], uz, 1e-13);
    };
    double u[3];
    field({0, 0, 1, 0, 0, 0}, u);
    expect(g[0], 0.0, g[1], u);
    field({0.5, 0.5, 0, 0, 0, 0}, u);
    expect(g[2], 0.0, g[3], u);
    field({0, 0, 0, 0, 1, 0}, u);
    expect(g[4] * std::cos(phi), -g[5] * std::sin(phi), g[6] * std::cos(phi), u);
    field({0, 0, 0, 0, 0, 1}, u);  // E2 turned by 90°
    const double p2 = phi - M_PI / 2;
    expect(g[4] * std::cos(p2), -g[5] * std::sin(p2), g[6] * std::cos(p2), u);
    field({0, 0, 0, 1, 0, 0}, u);
    expect(g[7] * std::sin(2 * phi), g[8] * std::cos(2 * phi), g[9] * std::sin(2 * phi), u);
    field({1, -1, 0, 0, 0, 0}, u);  // E3 turned by -45°: (P_xx - P_yy)/2 = 1
    const double p3 = phi + M_PI / 4;
    expect(g[7] * std::sin(2 * p3), g[8] * std::cos(2 * p3), g[9] * std::sin(2 * p3), u);
    double W[3][kRadialFunctions];
    elementary_weights(a, PotencyTensor{0, 0, 0, 1, 0, 0}, W);
    CHECK_NEAR(W[2][9], std::sin(2 * phi), 1e-15);
    CHECK_NEAR(W[2][6], 0.0, 0.0);
}

int main() {
    test_azimuth_and_factors();
    test_elementary_synthesis();
    test_okada_canonical_field();
    test_potency_and_moment();
    test_jumps();
    test_moment_field();
    return check::report();
}
