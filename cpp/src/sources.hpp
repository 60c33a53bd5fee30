// Private: elementary point sources, the one owner of their conventions. Host and device (the
// solver, the CPU and CUDA engines): the azimuth of a surface point, the azimuthal factors of
// the harmonics m = 0, 1, 2 and the polar -> Cartesian rotation, the canonical source's Okada
// surface field. Host only (sources.cpp): potency tensor -> moment tensor at a Laplace node ->
// jumps of the state vector per harmonic (Aki & Richards 2002, ch. 3; Okada 1992).
#pragma once

#include <array>
#include <complex>
#include <cstddef>

#include "host_device.hpp"
#include "viscoann/layered.hpp"
#include "viscoann/sources.hpp"

namespace viscoann::detail {

// ---- conventions (host and device) ---------------------------------------------------------

/// cos φ and sin φ of the surface point (x, y) seen from the epicentre, φ from +x towards +y.
/// On the axis (x = y = 0) φ = 0, i.e. (1, 0): the harmonics' factors below take that limit.
struct Azimuth {
    double c, s;
};
VISCOANN_HD Azimuth azimuth(double x, double y) {
    const double r = ::sqrt(x * x + y * y);
    // Selects, not branches, so the engines' store loops vectorise over points.
    const bool on_axis = !(r > 0.0);
    const double rr = on_axis ? 1.0 : r;
    return {on_axis ? 1.0 : x / rr, on_axis ? 0.0 : y / rr};
}

/// Horizontal (u_r, u_φ) at azimuth a rotated to (u_x, u_y).
VISCOANN_HD void polar_to_cartesian(Azimuth a, double ur, double up, double* ux, double* uy) {
    *ux = ur * a.c - up * a.s;
    *uy = ur * a.s + up * a.c;
}

/// The canonical source's azimuthal factors (harmonic m = 2) as the linear map from its
/// radial functions g = (g_r, g_φ, g_z) to (ux, uy, uz): u_r = g_r sin 2φ, u_φ = g_φ cos 2φ,
/// u_z = g_z sin 2φ. On the axis the factors are 0, the r -> 0 limit: an m = 2 field that is
/// continuous at the epicentre vanishes there (the exact solver's value), so a learned
/// g_φ(0) != 0 must not leak into uy.
struct CanonicalFactors {
    double xr, xp, yr, yp, z;  ///< ux = xr g_r + xp g_φ, uy = yr g_r + yp g_φ, uz = z g_z
};
VISCOANN_HD CanonicalFactors canonical_factors(double x, double y) {
    const Azimuth a = azimuth(x, y);
    const bool on_axis = !(x * x + y * y > 0.0);
    const double s2 = 2.0 * a.s * a.c, c2 = on_axis ? 0.0 : a.c * a.c - a.s * a.s;
    return {s2 * a.c, -c2 * a.s, s2 * a.s, c2 * a.c, s2};
}
/// u = F g (u may alias g).
VISCOANN_HD void apply_factors(const CanonicalFactors& f, const double g[3], double u[3]) {
    const double gr = g[0], gp = g[1], gz = g[2];
    u[0] = f.xr * gr + f.xp * gp;
    u[1] = f.yr * gr + f.yp * gp;
    u[2] = f.z * gz;
}
/// (ux, uy, uz) at (x, y) from the canonical source's radial functions g there (u may alias g).
VISCOANN_HD void canonical_from_radial(double x, double y, const double g[3], double u[3]) {
    apply_factors(canonical_factors(x, y), g, u);
}

/// Number of harmonics of a general point source: J0; J1 cos φ, J1 sin φ; J2 cos 2φ, J2 sin 2φ.
inline constexpr std::size_t kHarmonics = 5;

/// The surface field from the harmonics' Hankel integrals I[h] = (∫k V J_m', ∫k V J_m/(kr),
/// ∫k W J_m/(kr), ∫k W J_m', ∫k U J_m) (V, W horizontal spheroidal/toroidal, U down; m = 0,
/// 1, 1, 2, 2): u_r = Σ I0 Θ + I2 Θ', u_φ = Σ I1 Θ' − I3 Θ, u_z = −Σ I4 Θ with Θ_h(φ) =
/// 1, cos φ, sin φ, cos 2φ, sin 2φ.
VISCOANN_HD void from_harmonics(Azimuth a, const double I[kHarmonics][5], double u[3]) {
    const double c2 = a.c * a.c - a.s * a.s, s2 = 2.0 * a.s * a.c;
    const double th[kHarmonics] = {1.0, a.c, a.s, c2, s2};
    const double dth[kHarmonics] = {0.0, -a.s, a.c, -2.0 * s2, 2.0 * c2};
    double ur = 0.0, up = 0.0, uz = 0.0;
    for (std::size_t h = 0; h < kHarmonics; ++h) {
        ur += I[h][0] * th[h] + I[h][2] * dth[h];
        up += I[h][1] * dth[h] - I[h][3] * th[h];
        uz -= I[h][4] * th[h];  // the solver's U is down
    }
    polar_to_cartesian(a, ur, up, &u[0], &u[1]);
    u[2] = uz;
}

/// The elementary potency sources that carry every point source, one per harmonic family
/// (frame x east, y north, z up): E0 P_zz = 1 and E1 P_xx = P_yy = 1/2 (m = 0), E2 P_xz = 1
/// (m = 1; P_yz is E2 turned by 90°), E3 P_xy = 1 (m = 2; (P_xx − P_yy)/2 is E3 turned by
/// −45°). Their ten surface radial functions, g[f]: E0 (g_r, g_z), E1 (g_r, g_z), E2 (g_r,
/// g_φ, g_z), E3 (g_r, g_φ, g_z), with u_r = g_r cos φ, u_φ = −g_φ sin φ, u_z = g_z cos φ for
/// E2 and u_r = g_r sin 2φ, u_φ = g_φ cos 2φ, u_z = g_z sin 2φ for E3 (PSGRN's four sources
/// and ten functions in another basis).
inline constexpr std::size_t kElementary = 4;
inline constexpr std::size_t kRadialFunctions = 10;
/// Which of the ten functions are vertical (g_z: uz only); the others (g_r, g_φ) move ux, uy
/// only.
inline constexpr bool kVerticalFunction[kRadialFunctions] = {false, true, false, true,  false,
                                                             false, true, false, false, true};

/// The surface field of potency tensor p at azimuth a as the linear map from the elementary
/// radial functions g at its radius: u[c] = sum_f W[c][f] g[f], (ux, uy, uz) (linear in p; on
/// the axis the m = 1 pair is equal, g_r = g_φ, and the m = 0, 2 horizontal functions vanish,
/// so φ = 0 there is the r -> 0 limit). The one formula: engines that sum many sources per
/// radial function take W, the others elementary_synthesis.
VISCOANN_HD void elementary_weights(Azimuth a, const PotencyTensor& p,
                                    double W[3][kRadialFunctions]) {
    const double c2 = a.c * a.c - a.s * a.s, s2 = 2.0 * a.s * a.c;
    const double h = p.xx + p.yy, dev = 0.5 * (p.xx - p.yy);
    const double m1 = p.xz * a.c + p.yz * a.s, m1p = -p.xz * a.s + p.yz * a.c;
    const double m2 = p.xy * s2 + dev * c2, m2p = p.xy * c2 - dev * s2;
    // u_r and u_phi per function, then rotated as polar_to_cartesian does.
    const double ur[kRadialFunctions] = {p.zz, 0.0, h, 0.0, m1, 0.0, 0.0, m2, 0.0, 0.0};
    const double up[kRadialFunctions] = {0.0, 0.0, 0.0, 0.0, 0.0, m1p, 0.0, 0.0, m2p, 0.0};
    for (std::size_t f = 0; f < kRadialFunctions; ++f)
        polar_to_cartesian(a, ur[f], up[f], &W[0][f], &W[1][f]);
    const double uz[kRadialFunctions] = {0.0, p.zz, 0.0, h, 0.0, 0.0, m1, 0.0, 0.0, m2};
    for (std::size_t f = 0; f < kRadialFunctions; ++f) W[2][f] = uz[f];
}

/// The surface field (ux, uy, uz) of potency tensor p at azimuth a from the elementary radial
/// functions g at its radius: elementary_weights applied to g.
VISCOANN_HD void elementary_synthesis(Azimuth a, const PotencyTensor& p,
                                      const double g[kRadialFunctions], double u[3]) {
    double W[3][kRadialFunctions];
    elementary_weights(a, p, W);
    for (std::size_t c = 0; c < 3; ++c) {
        double v = 0.0;
        for (std::size_t f = 0; f < kRadialFunctions; ++f) v += W[c][f] * g[f];
        u[c] = v;
    }
}

/// The canonical source's surface field in a homogeneous half-space: Okada (1992) DC3D0 part B
/// with DIP = 90°, POT1 = 1 m^3, z = 0 (parts A cancel and z·C vanishes) at (x, y) [m] for
/// depth d > 0 [m] (R and R + d stay away from 0: never singular); alp3 = μ/(λ + μ) (DC3D0's
/// ALP3; 1/2 for λ = μ). u [m per m^3].
VISCOANN_HD void okada_canonical_field(double x, double y, double d, double alp3, double u[3]) {
    constexpr double inv2pi = 0.15915494309189533577;
    const double x2 = x * x, y2 = y * y, xy = x * y;
    const double r = ::sqrt(x2 + y2 + d * d);
    const double ir = 1.0 / r, ird = 1.0 / (r + d);
    const double ir2 = ir * ir;
    const double d12 = ir * ird * ird;
    const double d32 = d12 * (2.0 * r + d) * ir2;
    const double d33 = d12 * (3.0 * r + d) * ir2 * ird;
    const double qr = 3.0 * y * ir2 * ir2 * ir;
    const double fi1 = y * (d12 - x2 * d33);
    const double fi2 = x * (d12 - y2 * d33);
    const double fi4 = -xy * d32;
    u[0] = inv2pi * (-x2 * qr - alp3 * fi1);
    u[1] = inv2pi * (-xy * qr - alp3 * fi2);
    u[2] = inv2pi * (-d * x * qr - alp3 * fi4);
}

/// The same field split as u = A + r B (r = alp3), the form the solver's homogeneous part takes.
VISCOANN_HD void okada_canonical_parts(double x, double y, double d, double A[3], double B[3]) {
    double u1[3];
    okada_canonical_field(x, y, d, 0.0, A);
    okada_canonical_field(x, y, d, 1.0, u1);
    for (int c = 0; c < 3; ++c) B[c] = u1[c] - A[c];
}

// ---- elementary-source algebra (host only, sources.cpp) ------------------------------------

using cplx = std::complex<double>;

using viscoann::PotencyTensor;  // the source (viscoann/sources.hpp)

/// Okada's DC3D0 potencies (strike-slip left-lateral, dip-slip reverse, tensile opening,
/// inflation) [m^3] on a plane striking along +x and dipping `dip_deg` towards -y, as one
/// potency tensor. Inflation keeps DC3D0's normalisation, moment pot4 μ I in the unrelaxed
/// source material (mu, lam) [Pa], i.e. P = pot4 μ/(3λ + 2μ) I.
PotencyTensor okada_potency(double dip_deg, const double pot[4], double mu, double lam) noexcept;

/// A symmetric moment tensor (z up) [N m, or scaled with the moduli].
struct MomentTensor {
    cplx xx, yy, zz, xy, xz, yz;
};

/// M = λ tr(P) I + 2 μ P: the moment of a potency step at one Laplace node, (mu, lam) the
/// source layer's moduli there.
MomentTensor moment_tensor(const PotencyTensor& p, cplx mu, cplx lam) noexcept;

/// Jump of the state vector at the source depth, [y] = y(below) - y(above): psv = (U, V, P, Q),
/// sh = (W, R) in the units of the propagator's state (tractions / k / mu_ref).
struct SourceJump {
    cplx psv[4] = {0.0, 0.0, 0.0, 0.0};
    cplx sh[2] = {0.0, 0.0};
};

/// Jumps of the five harmonics (order of from_harmonics) of moment M in source material src.
std::array<SourceJump, kHarmonics> harmonic_jumps(const MomentTensor& m,
                                                  const Moduli& src) noexcept;

/// The canonical source's jump (moment M_xy = -mu, harmonic m = 2 with the P-SV part on
/// J2 sin 2φ and the SH part on J2 cos 2φ, as one kernel).
SourceJump canonical_jump(cplx mu) noexcept;

/// Elementary source e < kElementary as a potency tensor (see kElementary).
PotencyTensor elementary_tensor(std::size_t e) noexcept;

/// Surface field [m] in a homogeneous half-space with lam_over_mu = λ/μ of a moment tensor
/// given per unit shear modulus, m = M/μ [m^3] (real, z up; held in a PotencyTensor), at
/// (x, y) [m], source at depth [m] below (0, 0): Okada's DC3D0 at dips 90° and 0°, each
/// component an exact combination of its four sources (never singular for depth > 0).
void okada_moment_field(const PotencyTensor& m, double lam_over_mu, double x, double y,
                        double depth, double u[3]);

/// The homogeneous half-space field of potency tensor p at (x, y) [m] (source at depth below
/// (0, 0)) split as the solver's time factors take it: u = A_dev + r(t) B_dev + κ(t) A_iso +
/// κr(t) B_iso, the deviatoric moment 2 μ P_dev and the isotropic K tr(P) I per unit μ
/// (r = μ/(λ + μ), κ = K/μ of the source layer; A_iso = 0 at the surface).
void potency_homogeneous_parts(const PotencyTensor& p, double x, double y, double depth,
                               double A_dev[3], double B_dev[3], double A_iso[3], double B_iso[3]);

// ---- receivers at depth (host only, sources.cpp) --------------------------------------------

/// Per elementary source, the time-domain remainder kernels at a receiver depth: the
/// displacement state (U, V, W, Uz, Vz, Wz; z down, Uz = ∂U/∂z / k, propagator.hpp), the same
/// times the receiver layer's μ(s)/μ_ref, and λ(s)/μ_ref (Uz − V) (the divergence's kernel).
inline constexpr std::size_t kDepthComponents = 13;
/// The stress's share of them: the μ-scaled set and λ (Uz − V), components 6 .. 12.
inline constexpr std::size_t kStressComponents = kDepthComponents - 6;
/// Per elementary source (order m), the radial integrals Σ_k w k^p X(k) J_{m+n}(kr) the field
/// at depth takes (J_{-n} = (-1)^n J_n), for the kernel set X = (U, V, W, Uz, Vz, Wz) and the
/// μ-scaled set, then λ D: per set, V at n = -2..2 (p = 1 for odd n, 2 for even), U at
/// n = -1, 0, 1 (p = 1 at n = 0, else 2), Uz at 0 (p = 2), Vz at ±1 (p = 2), W as V, Wz as Vz.
inline constexpr std::size_t kDepthSet = 18;
inline constexpr std::size_t kDepthRadial = 2 * kDepthSet + 1;
/// Harmonic order m of each elementary source.
inline constexpr int kElementaryOrder[kElementary] = {0, 0, 1, 2};

/// The stress's radial integrals without repeats. Of a source's μ-set and λ D (kDepthSet + 1
/// values) the entries with m + n < 0 are signed copies (J_{-n} = (-1)^n J_n, the same power
/// of k), and the axisymmetric sources (m = 0) have no SH part (W, Wz are zero): a row of the
/// stress tables holds each independent value once, `n` values (52 of 76).
struct StressLayout {
    struct Slot {
        int slot;     ///< index in the compact row; -1: identically zero
        double sign;  ///< entry = sign row[slot]
    };
    Slot of[kElementary][kDepthSet + 1];
    struct Entry {
        std::size_t k, c;
    };
    Entry stored[kElementary * (kDepthSet + 1)];  ///< (source, entry) of each slot
    std::size_t n;
};
/// What each entry c of a set (kDepthSet, then λ D) integrates, as depth_radial forms it:
/// Σ_k w k^power X_comp(k) J_{m+off}(kr), comp indexing the set (U, V, W, Uz, Vz, Wz; 6: λ D).
struct DepthEntry {
    int comp, off, power;
};
inline constexpr DepthEntry kDepthEntries[kDepthSet + 1] = {
    {1, -2, 2}, {1, -1, 1}, {1, 0, 2}, {1, 1, 1}, {1, 2, 2},  // V
    {0, -1, 2}, {0, 0, 1},  {0, 1, 2},                        // U
    {3, 0, 2},                                                // Uz
    {4, -1, 2}, {4, 1, 2},                                    // Vz
    {2, -2, 2}, {2, -1, 1}, {2, 0, 2}, {2, 1, 1}, {2, 2, 2},  // W
    {5, -1, 2}, {5, 1, 2},                                    // Wz
    {6, 0, 2}};                                               // λ D

constexpr StressLayout make_stress_layout() {
    // SH entries (W, Wz) vanish for the axisymmetric sources.
    auto sh = [](std::size_t c) {
        return kDepthEntries[c].comp == 2 || kDepthEntries[c].comp == 5;
    };
    StressLayout L{};
    L.n = 0;
    for (std::size_t k = 0; k < kElementary; ++k)
        for (std::size_t c = 0; c <= kDepthSet; ++c) {
            const int m = kElementaryOrder[k];
            if (m == 0 && sh(c)) {
                L.of[k][c] = {-1, 0.0};
            } else if (m + kDepthEntries[c].off >= 0) {
                L.stored[L.n] = {k, c};
                L.of[k][c] = {int(L.n++), 1.0};
            }
        }
    for (std::size_t k = 0; k < kElementary; ++k)
        for (std::size_t c = 0; c <= kDepthSet; ++c) {
            const int m = kElementaryOrder[k], n = m + kDepthEntries[c].off;
            if (n >= 0 || (m == 0 && sh(c))) continue;
            for (std::size_t c2 = 0; c2 <= kDepthSet; ++c2)
                if (kDepthEntries[c2].comp == kDepthEntries[c].comp &&
                    kDepthEntries[c2].off == -2 * m - kDepthEntries[c].off)
                    L.of[k][c] = {L.of[k][c2].slot, (-n) % 2 == 0 ? 1.0 : -1.0};
        }
    return L;
}
inline constexpr StressLayout kStressLayout = make_stress_layout();

/// The field at depth of potency tensor p at azimuth a from the elementary sources' radial
/// integrals R there (frame x east, y north, z up): displacement u [m], gradient
/// grad[3 i + j] = ∂u_i/∂x_j, and stress / μ_ref (σ[3 i + j]). Each harmonic is the real or
/// imaginary part of J_m e^{imφ}'s Cartesian derivatives (∂x ± i∂y raise and lower m).
/// u and grad may both be null (stress only: R's set 0 is then not read).
void depth_synthesis(Azimuth a, const PotencyTensor& p, const double R[kElementary][kDepthRadial],
                     double u[3], double grad[9], double stress[9]) noexcept;

/// depth_synthesis' stress for nt times at once, added to stress[it 9 + c], of the radial
/// integrals R = Σ_s w[s] rows[s] (the tables' cubic stencil in radius): R[s nt + it] is slot
/// s of kStressLayout at time it (times contiguous): source k's μ-set entry c < kDepthSet or
/// its λ D (c = kDepthSet) is kStressLayout.of[k][c]. The times run as SIMD lanes, the
/// harmonics once.
void depth_stress_series(Azimuth a, const PotencyTensor& p, std::size_t nt,
                         const double* const rows[4], const double w[4], double* stress) noexcept;

/// Okada's DC3D0 field of a moment tensor per unit μ (as okada_moment_field) at depth:
/// out = (u[3], grad[9]) at (x, y, z) [m], z <= 0, source at depth below (0, 0).
void okada_moment_gradient(const PotencyTensor& m, double lam_over_mu, double x, double y, double z,
                           double depth, double out[12]);

/// The homogeneous half-space field at depth of potency tensor p, (u, grad) as
/// okada_moment_gradient, split over the six functions of the source layer's moduli it is a
/// combination of: f = (1, α, 1/α, κ, κ α, κ/α), α = (λ + μ)/(λ + 2μ), κ = K/μ — Okada's
/// point-source formulas are linear in (1, α, 1/α) for a fixed moment per unit μ (at the
/// surface 1/α = 1 + r and the α term vanishes). basis[j][12]; three elastic evaluations per
/// part (α = 1/2, 2/3, 4/5).
inline constexpr std::size_t kHomogeneousBasis = 6;
void potency_homogeneous_basis(const PotencyTensor& p, double x, double y, double z, double depth,
                               double basis[kHomogeneousBasis][12]);

}  // namespace viscoann::detail
