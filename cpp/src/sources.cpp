// Elementary-source algebra: Okada's potencies as a potency tensor, its moment at a Laplace
// node, the jumps of the harmonics m = 0, 1, 2 at the source depth, and the homogeneous
// half-space field of any moment tensor from Okada's DC3D0.
#include "sources.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "viscoann/okada.hpp"

namespace viscoann::detail {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

PotencyTensor okada_potency(double dip_deg, const double pot[4], double mu, double lam) noexcept {
    // Plane striking along +x with dip δ (z up): normal n = (0, -sin δ, cos δ) into the hanging
    // wall, slips s1 = x (left-lateral), s2 = (0, cos δ, sin δ) (reverse), s3 = n (opening).
    const double d = dip_deg * kPi / 180.0, sd = std::sin(d), cd = std::cos(d);
    const double n[3] = {0.0, -sd, cd};
    const double s[3][3] = {{1.0, 0.0, 0.0}, {0.0, cd, sd}, {0.0, -sd, cd}};
    double p[3][3] = {};
    for (int q = 0; q < 3; ++q)
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) p[i][j] += 0.5 * pot[q] * (s[q][i] * n[j] + s[q][j] * n[i]);
    // DC3D0's inflation is the moment μ pot4 I (checked against it for several λ/μ).
    const double iso = pot[3] * mu / (3.0 * lam + 2.0 * mu);
    return {p[0][0] + iso, p[1][1] + iso, p[2][2] + iso, p[0][1], p[0][2], p[1][2]};
}

MomentTensor moment_tensor(const PotencyTensor& p, cplx mu, cplx lam) noexcept {
    const cplx iso = lam * (p.xx + p.yy + p.zz), m2 = 2.0 * mu;
    return {iso + m2 * p.xx, iso + m2 * p.yy, iso + m2 * p.zz, m2 * p.xy, m2 * p.xz, m2 * p.yz};
}

// z is down in the solver, so M_xz and M_yz change sign. Derivation: stress glut
// sigma = c:eps - M delta, giving [u_z] = M_zz/(λ+2μ), [u_h] = M_hz/μ,
// [σ_hz] = div_h(M_hh δ) - λ M_zz/(λ+2μ) grad δ.
std::array<SourceJump, kHarmonics> harmonic_jumps(const MomentTensor& m,
                                                  const Moduli& src) noexcept {
    constexpr double i2p = 1.0 / (2.0 * kPi);
    const cplx mu = src.mu, lam = src.lam, l2m = lam + 2.0 * mu;
    const cplx xz = -m.xz, yz = -m.yz, zz = m.zz;
    const cplx p = 0.5 * (m.xx + m.yy), a = 0.5 * (m.xx - m.yy), b = m.xy;
    std::array<SourceJump, kHarmonics> j;
    j[0].psv[0] = zz / l2m * i2p;
    j[0].psv[3] = (p - lam * zz / l2m) * i2p;
    j[1].psv[1] = xz / mu * i2p;
    j[1].sh[0] = -yz / mu * i2p;
    j[2].psv[1] = yz / mu * i2p;
    j[2].sh[0] = xz / mu * i2p;
    j[3].psv[3] = -a * i2p;
    j[3].sh[1] = b * i2p;
    j[4].psv[3] = -b * i2p;
    j[4].sh[1] = -a * i2p;
    return j;
}

SourceJump canonical_jump(cplx mu) noexcept {
    // M_xy = -mu: [Q](J2 sin 2φ) = -M_xy/2π, [R](J2 cos 2φ) = +M_xy/2π (harmonics 4 and 3 of
    // harmonic_jumps, carried by one kernel).
    SourceJump j;
    j.psv[3] = mu / (2.0 * kPi);
    j.sh[1] = -mu / (2.0 * kPi);
    return j;
}

void okada_moment_field(const PotencyTensor& m, double lam_over_mu, double x, double y,
                        double depth, double u[3]) {
    // Per unit potency DC3D0's sources have M/μ = (λ/μ)(s·n) I + s nᵀ + n sᵀ (pot1..pot3) and
    // I (pot4). At dip 90° (n = -y): pot1 gives m_xy = -1, pot3 (λ/μ) I + 2 e_y e_y; at dip 0°
    // (n = z): pot1 m_xz = 1, pot2 m_yz = 1, pot3 (λ/μ) I + 2 e_z e_z; e_x e_x = I - e_y e_y -
    // e_z e_z.
    const double l = lam_over_mu;
    const std::array<double, 4> p90 = {-m.xy, 0.0, 0.5 * (m.yy - m.xx), 0.0};
    const std::array<double, 4> p0 = {m.xz, m.yz, 0.5 * (m.zz - m.xx),
                                      (1.0 + l) * m.xx - 0.5 * l * (m.yy + m.zz)};
    const double alpha = (l + 1.0) / (l + 2.0);
    const OkadaField a = dc3d0(alpha, x, y, 0.0, depth, 90.0, p90);
    const OkadaField b = dc3d0(alpha, x, y, 0.0, depth, 0.0, p0);
    for (int c = 0; c < 3; ++c) u[c] = a.u[c] + b.u[c];
}

}  // namespace viscoann::detail

namespace viscoann {

PotencyTensor okada_potency_tensor(double dip, const double pot[4], double mu, double lam) {
    if (!(dip >= 0.0 && dip <= 90.0)) {
        std::ostringstream m;
        m << "dip = " << dip << " is invalid; allowed: 0..90 degrees";
        throw std::invalid_argument(m.str());
    }
    for (int i = 0; i < 4; ++i)
        if (!std::isfinite(pot[i])) {
            std::ostringstream m;
            m << "potency[" << i << "] = " << pot[i] << " is invalid; allowed: finite";
            throw std::invalid_argument(m.str());
        }
    if (!(std::isfinite(mu) && mu > 0) || !(std::isfinite(lam) && 3.0 * lam + 2.0 * mu > 0)) {
        std::ostringstream m;
        m << "mu, lam = " << mu << ", " << lam
          << " are invalid; allowed: finite, mu > 0, bulk modulus lam + 2 mu/3 > 0";
        throw std::invalid_argument(m.str());
    }
    return detail::okada_potency(dip, pot, mu, lam);
}

}  // namespace viscoann

namespace viscoann::detail {

PotencyTensor elementary_tensor(std::size_t e) noexcept {
    PotencyTensor p;
    if (e == 0) p.zz = 1.0;
    if (e == 1) p.xx = p.yy = 0.5;
    if (e == 2) p.xz = 1.0;
    if (e == 3) p.xy = 1.0;
    return p;
}

void potency_homogeneous_parts(const PotencyTensor& pt, double x, double y, double depth,
                               double A_dev[3], double B_dev[3], double A_iso[3], double B_iso[3]) {
    const double tr3 = (pt.xx + pt.yy + pt.zz) / 3.0;
    const PotencyTensor dev{2.0 * (pt.xx - tr3), 2.0 * (pt.yy - tr3), 2.0 * (pt.zz - tr3),
                            2.0 * pt.xy,         2.0 * pt.xz,         2.0 * pt.yz};
    const PotencyTensor iso{3.0 * tr3, 3.0 * tr3, 3.0 * tr3, 0.0, 0.0, 0.0};
    auto split = [&](const PotencyTensor& m, double* A, double* B) {
        double f2[3], f4[3];
        okada_moment_field(m, 1.0, x, y, depth, f2);  // r = 1/2
        okada_moment_field(m, 3.0, x, y, depth, f4);  // r = 1/4
        for (int c = 0; c < 3; ++c) B[c] = 4.0 * (f2[c] - f4[c]), A[c] = f2[c] - 0.5 * B[c];
    };
    split(dev, A_dev, B_dev);
    if (tr3 == 0.0) {
        for (int c = 0; c < 3; ++c) A_iso[c] = B_iso[c] = 0.0;
        return;
    }
    split(iso, A_iso, B_iso);
}

}  // namespace viscoann::detail
