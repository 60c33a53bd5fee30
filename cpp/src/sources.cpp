// Elementary-source algebra: Okada's potencies as a potency tensor, its moment at a Laplace
// node, the jumps of the harmonics m = 0, 1, 2 at the source depth, and the homogeneous
// half-space field of any moment tensor from Okada's DC3D0.
#include "sources.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <utility>

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

namespace viscoann::detail {

namespace {

// A complex number whose parts are several times' values at once (the lanes, V a vector of 4
// or 8 doubles): the stress series of depth_stress_series evaluates every time of a node in
// one pass.
typedef double v4d __attribute__((vector_size(32)));
typedef double v8d __attribute__((vector_size(64)));
template <class V>
struct CLanes {
    V re, im;
};
template <class V>
inline CLanes<V> operator+(CLanes<V> a, CLanes<V> b) {
    return {a.re + b.re, a.im + b.im};
}
template <class V>
inline CLanes<V> operator-(CLanes<V> a, CLanes<V> b) {
    return {a.re - b.re, a.im - b.im};
}
template <class V>
inline CLanes<V> operator-(CLanes<V> a) {
    return {-a.re, -a.im};
}
template <class V>
inline CLanes<V> operator*(double c, CLanes<V> a) {
    return {c * a.re, c * a.im};
}
template <class V>
inline CLanes<V> times_i(CLanes<V> a) {
    return {-a.im, a.re};
}
inline cplx times_i(cplx a) { return {-a.imag(), a.real()}; }

// One kernel set's complex gradient (z down) of the harmonic J_m e^{imφ}: C(off, x) =
// R[x] e^{i(m + off)φ}. g[3 i + j] = ∂u_i/∂x_j (i, j = x, y, z down). T: double (one time) or
// a vector of times (CLanes<T>).
template <class T>
struct SetView {
    const T* R;  // kDepthSet radial integrals
    int m;
    const cplx* e;  // e^{inφ} for n = -4..4 at e[n + 4]
    // R already holds J_{m+off} with J_{-n} = (-1)^n J_n (depth_radial).
    auto C(int off, std::size_t idx) const {
        const cplx z = e[m + off + 4];
        if constexpr (std::is_same_v<T, double>)
            return R[idx] * z;
        else
            return CLanes<T>{R[idx] * z.real(), R[idx] * z.imag()};
    }
};

// The P-SV (U, V, Uz, Vz) and SH (W, Wz) parts of a set's gradient, and u.
template <class T, class Z>
void set_gradient(const SetView<T>& s, Z gp[9], Z up[3], Z gs[9], Z us[3]) {
    // V at n = -2..2: indices 0..4; U at -1, 0, 1: 5..7; Uz: 8; Vz at -1, 1: 9, 10; W: 11..15;
    // Wz: 16, 17.
    auto yx = [&](std::size_t lo, std::size_t hi) { return 0.5 * (s.C(-1, lo) - s.C(1, hi)); };
    auto yy = [&](std::size_t lo, std::size_t hi) {
        return times_i(0.5 * (s.C(-1, lo) + s.C(1, hi)));
    };
    auto yxx = [&](std::size_t b) {
        return 0.25 * (s.C(2, b + 4) - 2.0 * s.C(0, b + 2) + s.C(-2, b));
    };
    auto yyy = [&](std::size_t b) {
        return -0.25 * (s.C(2, b + 4) + 2.0 * s.C(0, b + 2) + s.C(-2, b));
    };
    auto yxy = [&](std::size_t b) { return times_i(-0.25 * (s.C(2, b + 4) - s.C(-2, b))); };
    // P-SV: u_h = Σ V ∇Y, u_z = Σ k U Y.
    up[0] = yx(1, 3), up[1] = yy(1, 3), up[2] = s.C(0, 6);
    gp[0] = yxx(0), gp[1] = yxy(0), gp[2] = yx(9, 10);
    gp[3] = yxy(0), gp[4] = yyy(0), gp[5] = yy(9, 10);
    gp[6] = yx(5, 7), gp[7] = yy(5, 7), gp[8] = s.C(0, 8);
    // SH: u_h = Σ W (∂y Y, -∂x Y).
    us[0] = yy(12, 14), us[1] = -yx(12, 14), us[2] = Z{};
    gs[0] = yxy(11), gs[1] = yyy(11), gs[2] = yy(16, 17);
    gs[3] = -yxx(11), gs[4] = -yxy(11), gs[5] = -yx(16, 17);
    gs[6] = gs[7] = gs[8] = Z{};
}

/// e^{inφ} for n = -4..4 at e[n + 4].
void harmonics(Azimuth a, cplx e[9]) {
    e[4] = 1.0;
    const cplx e1(a.c, a.s);
    for (int n = 1; n <= 4; ++n) e[4 + n] = e[3 + n] * e1, e[4 - n] = std::conj(e[4 + n]);
}

// The harmonics of p (elementary_synthesis): h0 Re(zz E0 + (xx + yy) E1); cos φ: Re(xz E2 psv
// - yz E2 sh); sin φ: Im(yz E2 psv + xz E2 sh); cos 2φ: Re(dev E3 psv + xy E3 sh); sin 2φ:
// Im(xy E3 psv - dev E3 sh).
struct Term {
    std::size_t src;
    double cp, cs;
    bool imag;
};
void potency_terms(const PotencyTensor& p, Term terms[6]) {
    const double dev = 0.5 * (p.xx - p.yy), h = p.xx + p.yy;
    const Term t[6] = {{0, p.zz, 0.0, false}, {1, h, 0.0, false},    {2, p.xz, -p.yz, false},
                       {2, p.yz, p.xz, true}, {3, dev, p.xy, false}, {3, p.xy, -dev, true}};
    for (int k = 0; k < 6; ++k) terms[k] = t[k];
}

// z down -> z up: u_z and ∂/∂z change sign.
constexpr double kUp[3] = {1.0, 1.0, -1.0};

}  // namespace

void depth_synthesis(Azimuth a, const PotencyTensor& p, const double R[kElementary][kDepthRadial],
                     double u[3], double grad[9], double stress[9]) noexcept {
    cplx e[9];
    harmonics(a, e);
    // Per source: P-SV and SH parts of the gradient (set 0), u, the μ-set, and λ D Y.
    cplx gp[kElementary][2][9], gs[kElementary][2][9], up[kElementary][2][3], us[kElementary][2][3],
        dv[kElementary];
    // Stress only (u and grad null): set 0 is not needed.
    const int first = (u == nullptr && grad == nullptr) ? 1 : 0;
    for (std::size_t k = 0; k < kElementary; ++k) {
        for (int set = first; set < 2; ++set) {
            const SetView<double> v{R[k] + set * kDepthSet, kElementaryOrder[k], e};
            set_gradient(v, gp[k][set], up[k][set], gs[k][set], us[k][set]);
        }
        dv[k] = R[k][2 * kDepthSet] * e[kElementaryOrder[k] + 4];
    }
    Term terms[6];
    potency_terms(p, terms);
    double G[2][9] = {}, U[3] = {}, D = 0.0;
    for (const Term& t : terms) {
        auto part = [&](cplx z) { return t.imag ? z.imag() : z.real(); };
        for (int set = first; set < 2; ++set)
            for (int c = 0; c < 9; ++c)
                G[set][c] += part(t.cp * gp[t.src][set][c] + t.cs * gs[t.src][set][c]);
        if (first == 0)
            for (int c = 0; c < 3; ++c)
                U[c] += part(t.cp * up[t.src][0][c] + t.cs * us[t.src][0][c]);
        D += part(t.cp * dv[t.src]);
    }
    for (int i = 0; i < 3; ++i) {
        if (u) u[i] = kUp[i] * U[i];
        for (int j = 0; j < 3; ++j) {
            if (grad) grad[3 * i + j] = kUp[i] * kUp[j] * G[0][3 * i + j];
            stress[3 * i + j] =
                kUp[i] * kUp[j] * (G[1][3 * i + j] + G[1][3 * j + i]) + (i == j ? D : 0.0);
        }
    }
}

// Entry I = k S + c of the stress series' lanes, the rows' weighted sum at its slot of the
// compact row (the layout resolved at compile time: no branch per entry); lanes past nl zero.
template <class V, std::size_t I>
inline void load_lane(const double* const rows[4], const double w[4], std::size_t nt,
                      std::size_t t0, std::size_t nl, V Rv[kElementary][kDepthSet + 1]) {
    constexpr std::size_t S = kDepthSet + 1, k = I / S, c = I % S, W = sizeof(V) / sizeof(double);
    constexpr StressLayout::Slot sl = kStressLayout.of[k][c];
    if constexpr (sl.slot < 0) {
        Rv[k][c] = V{};
    } else {
        const std::size_t o = std::size_t(sl.slot) * nt + t0;
        V v;
        if (nl == W) {
            V r[4];
            for (int s = 0; s < 4; ++s) std::memcpy(&r[s], rows[s] + o, sizeof(V));
            v = r[0] * w[0] + r[1] * w[1] + r[2] * w[2] + r[3] * w[3];
        } else {
            // Built from scalars in registers: lanes stored one by one and read back as a
            // vector stall the store forwarding.
            auto at = [&](std::size_t l) {
                return l < nl ? rows[0][o + l] * w[0] + rows[1][o + l] * w[1] +
                                    rows[2][o + l] * w[2] + rows[3][o + l] * w[3]
                              : 0.0;
            };
            if constexpr (W == 4)
                v = V{at(0), at(1), at(2), at(3)};
            else
                v = V{at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)};
        }
        if constexpr (sl.sign < 0)
            Rv[k][c] = -v;
        else
            Rv[k][c] = v;
    }
}
template <class V, std::size_t... I>
inline void load_lanes(const double* const rows[4], const double w[4], std::size_t nt,
                       std::size_t t0, std::size_t nl, V Rv[kElementary][kDepthSet + 1],
                       std::index_sequence<I...>) {
    (load_lane<V, I>(rows, w, nt, t0, nl, Rv), ...);
}

// Times t0 .. t0 + nl - 1 (nl <= the lanes of V) of depth_stress_series, adding the lanes
// from `skip` on (the earlier ones belong to a pass before).
template <class V>
inline void stress_lanes(const cplx e[9], const Term terms[6], std::size_t nt,
                         const double* const rows[4], const double w[4], std::size_t t0,
                         std::size_t nl, std::size_t skip, double* stress) {
    constexpr std::size_t S = kDepthSet + 1;
    V Rv[kElementary][S];
    load_lanes<V>(rows, w, nt, t0, nl, Rv, std::make_index_sequence<kElementary * S>{});
    CLanes<V> gp[kElementary][9], gs[kElementary][9], up[3], us[3];
    for (std::size_t k = 0; k < kElementary; ++k)
        set_gradient(SetView<V>{Rv[k], kElementaryOrder[k], e}, gp[k], up, gs[k], us);
    V G[9] = {}, D = {};
    for (int ti = 0; ti < 6; ++ti) {
        const Term& t = terms[ti];
        const std::size_t k = t.src;
        for (int c = 0; c < 9; ++c) {
            const CLanes<V> z = t.cp * gp[k][c] + t.cs * gs[k][c];
            G[c] += t.imag ? z.im : z.re;
        }
        const cplx ev = e[kElementaryOrder[k] + 4];
        D += t.cp * Rv[k][kDepthSet] * (t.imag ? ev.imag() : ev.real());
    }
    for (std::size_t l = skip; l < nl; ++l)
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
                stress[(t0 + l) * 9 + std::size_t(3 * i + j)] +=
                    kUp[i] * kUp[j] * (G[3 * i + j][l] + G[3 * j + i][l]) + (i == j ? D[l] : 0.0);
}

// AVX-512 and AVX2 clones beside the baseline, picked by the loader. Passes of 8 times, then
// the rest in one full vector of 8 or 4 ending at the last time (its lanes already done are
// not added again): every load is a whole vector. 10 times take 2 passes on AVX-512 (3 of 4
// lanes each before); elsewhere an 8-lane pass is two 4-lane ones.
// Not in sanitizer builds (the reader's checks): one flattened clone per ISA of this function
// under ASan + UBSan took over 6 minutes to compile.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"), flatten))
#endif
void depth_stress_series(Azimuth a, const PotencyTensor& p, std::size_t nt,
                         const double* const rows[4], const double w[4], double* stress) noexcept {
    cplx e[9];
    harmonics(a, e);
    Term terms[6];
    potency_terms(p, terms);
    std::size_t t0 = 0;
    for (; t0 + 8 <= nt; t0 += 8) stress_lanes<v8d>(e, terms, nt, rows, w, t0, 8, 0, stress);
    const std::size_t left = nt - t0;
    if (left == 0) return;
    if (left > 4 && nt >= 8)
        stress_lanes<v8d>(e, terms, nt, rows, w, nt - 8, 8, 8 - left, stress);
    else if (left > 4)
        stress_lanes<v8d>(e, terms, nt, rows, w, t0, left, 0, stress);
    else if (nt >= 4)
        stress_lanes<v4d>(e, terms, nt, rows, w, nt - 4, 4, 4 - left, stress);
    else
        stress_lanes<v4d>(e, terms, nt, rows, w, t0, left, 0, stress);
}

void okada_moment_gradient(const PotencyTensor& m, double lam_over_mu, double x, double y, double z,
                           double depth, double out[12]) {
    // As okada_moment_field (DC3D0 at dips 90° and 0°), with the gradient.
    const double l = lam_over_mu;
    const std::array<double, 4> p90 = {-m.xy, 0.0, 0.5 * (m.yy - m.xx), 0.0};
    const std::array<double, 4> p0 = {m.xz, m.yz, 0.5 * (m.zz - m.xx),
                                      (1.0 + l) * m.xx - 0.5 * l * (m.yy + m.zz)};
    const double alpha = (l + 1.0) / (l + 2.0);
    const OkadaField a = dc3d0(alpha, x, y, z, depth, 90.0, p90);
    const OkadaField b = dc3d0(alpha, x, y, z, depth, 0.0, p0);
    for (int c = 0; c < 3; ++c) out[c] = a.u[c] + b.u[c];
    for (int c = 0; c < 9; ++c) out[3 + c] = a.g[c] + b.g[c];
}

void potency_homogeneous_basis(const PotencyTensor& pt, double x, double y, double z, double depth,
                               double basis[kHomogeneousBasis][12]) {
    const double tr3 = (pt.xx + pt.yy + pt.zz) / 3.0;
    const PotencyTensor dev{2.0 * (pt.xx - tr3), 2.0 * (pt.yy - tr3), 2.0 * (pt.zz - tr3),
                            2.0 * pt.xy,         2.0 * pt.xz,         2.0 * pt.yz};
    const PotencyTensor iso{3.0 * tr3, 3.0 * tr3, 3.0 * tr3, 0.0, 0.0, 0.0};
    // α u(α) = c + a α + b α² is a quadratic: Lagrange through α = 1/2, 2/3, 4/5 (λ/μ = 0, 1, 3).
    const double al[3] = {0.5, 2.0 / 3.0, 0.8}, lm[3] = {0.0, 1.0, 3.0};
    auto split = [&](const PotencyTensor& m, double (*out)[12]) {
        double f[3][12];
        for (int q = 0; q < 3; ++q) okada_moment_gradient(m, lm[q], x, y, z, depth, f[q]);
        for (int c = 0; c < 12; ++c) {
            double c0 = 0.0, c1 = 0.0, c2 = 0.0;  // coefficients of 1, α, α² in α u
            for (int q = 0; q < 3; ++q) {
                const double a1 = al[(q + 1) % 3], a2 = al[(q + 2) % 3];
                const double w = al[q] * f[q][c] / ((al[q] - a1) * (al[q] - a2));
                c0 += w * a1 * a2, c1 -= w * (a1 + a2), c2 += w;
            }
            out[0][c] = c1, out[1][c] = c2, out[2][c] = c0;  // u = c1 + c2 α + c0 / α
        }
    };
    split(dev, basis);
    if (tr3 == 0.0) {
        for (std::size_t j = 3; j < kHomogeneousBasis; ++j)
            for (int c = 0; c < 12; ++c) basis[j][c] = 0.0;
        return;
    }
    split(iso, basis + 3);
}

}  // namespace viscoann::detail
