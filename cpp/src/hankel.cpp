// Hankel transforms by composite Gauss–Legendre quadrature in k, with Bessel tables reused for
// every time and viscosity; the radial sums of the canonical source and of the harmonics;
// cubic interpolation of the resulting radial tables.
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
constexpr double kPi = 3.14159265358979323846;
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

void bessel_small(double x, double* j, int n_max) noexcept {
    if (x < 1e-3) {  // the power series' first terms (the recurrence would overflow as x -> 0)
        const double y = 0.25 * x * x;
        const double v[5] = {1.0 - y + y * y / 4.0, 0.5 * x * (1.0 - y / 2.0 + y * y / 12.0),
                             x * x / 8.0 * (1.0 - y / 3.0 + y * y / 24.0),
                             x * x * x / 48.0 * (1.0 - y / 4.0 + y * y / 40.0),
                             x * x * x * x / 384.0 * (1.0 - y / 5.0)};
        for (int n = 0; n <= n_max; ++n) j[n] = v[n];
        return;
    }
    // Miller: J_{k-1} = (2k/x) J_k - J_{k+1} downwards from J_N = tiny, J_{N+1} = 0 (stable in
    // this direction), normalised by J0 + 2 sum J_2k = 1. N from J_N(x) << 1e-16 at x < 30;
    // measured (this recurrence in Python) against scipy's jv on [1e-6, 30]: <= 5.2e-16
    // absolute for n <= 4.
    const int N = 2 * static_cast<int>(0.5 * (x + 15.0 + std::sqrt(40.0 * x)));
    const double two_x = 2.0 / x;
    double above = 0.0, here = 1e-30, even = 0.0;
    for (int k = N; k > 0; --k) {
        const double below = double(k) * two_x * here - above;
        above = here, here = below;
        if (k - 1 <= n_max) j[k - 1] = here;
        if ((k - 1) % 2 == 0 && k > 1) even += here;
    }
    const double inv = 1.0 / (here + 2.0 * even);
    for (int n = 0; n <= n_max; ++n) j[n] *= inv;
}

void bessel_j01(double x, double& j0, double& j1) noexcept {
    if (x < kAsymptotic) {
        double j[2];
        bessel_small(x, j, 1);
        j0 = j[0], j1 = j[1];
        return;
    }
    // Hankel's expansion (Abramowitz & Stegun 9.2.5-10): J_n = sqrt(2/(πx)) (P cos ω − Q sin ω),
    // ω = x − π/4 − nπ/2, terms a_k(n) / x^k with a_k = a_{k-1} (4n² − (2k−1)²) / (8k). At
    // x >= 30 the terms shrink by about k/(2x): 20 of them leave < 1e-16 (checked against
    // the library over 30..1e5 in tests/cpp/test_hankel.cpp), at a fifth of its cost.
    double p[2] = {1.0, 1.0}, q[2] = {0.0, 0.0};
    for (int n = 0; n < 2; ++n) {
        const double mu = 4.0 * n * n;
        double a = 1.0, sign = 1.0;
        for (int k = 1; k <= 20; ++k) {
            a *= (mu - (2.0 * k - 1) * (2.0 * k - 1)) / (8.0 * k * x);
            if (k % 2) {
                q[n] += sign * a;
            } else {
                sign = -sign;
                p[n] += sign * a;
            }
        }
    }
    // cos, sin of ω0 = x − π/4 from those of x: forming x − π/4 first rounds away up to
    // ulp(x)/2 of the phase (1e-12 of the envelope at x = 1e5, as the standard library's).
    const double cx = std::cos(x), sx = std::sin(x), half = 0.70710678118654752440;
    const double c = (cx + sx) * half, s = (sx - cx) * half;
    const double amp = std::sqrt(2.0 / (kPi * x));
    j0 = amp * (p[0] * c - q[0] * s);
    j1 = amp * (p[1] * s + q[1] * c);  // ω1 = ω0 − π/2: cos ω1 = sin ω0, sin ω1 = −cos ω0
}

void bessel_123(double x, double& j1, double& j2, double& j3) noexcept {
    if (x < kAsymptotic) {
        double j[4];
        bessel_small(x, j, 3);
        j1 = j[1], j2 = j[2], j3 = j[3];
        return;
    }
    double j0;
    bessel_j01(x, j0, j1);
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
            bessel_row(rule, r[i], &t.t1[i * t.n_k], &t.t2[i * t.n_k], &t.t3[i * t.n_k]);
    });
    return t;
}

void bessel_row(const WavenumberRule& rule, double r, double* t1, double* t2, double* t3) noexcept {
    for (std::size_t j = 0; j < rule.k.size(); ++j) {
        double j1, j2, j3;
        bessel_123(rule.k[j] * r, j1, j2, j3);
        const double wk = rule.w[j] * rule.k[j];
        t1[j] = 0.5 * wk * j1;
        t2[j] = wk * j2;
        t3[j] = 0.5 * wk * j3;
    }
}

void canonical_radial(std::size_t n_k, const double* t1, const double* t2, const double* t3,
                      const double* K, double g[3]) noexcept {
    double p1 = 0, p2 = 0, p3 = 0;
    for (std::size_t k = 0; k < n_k; ++k) {
        p2 += t2[k] * K[3 * k];
        p1 += t1[k] * K[3 * k + 1];
        p3 += t3[k] * K[3 * k + 2];
    }
    g[0] = p1 - p3;
    g[1] = p1 + p3;
    g[2] = -p2;
}

void canonical_radial_tables(const BesselTables& bt, const std::vector<double>& krem,
                             std::size_t nt, int threads, std::vector<double>& g) {
    g.assign(nt * bt.n_r * 3, 0.0);
    parallel_for(nt * bt.n_r, threads, 16, [&](std::size_t b, std::size_t e) {
        for (std::size_t q = b; q < e; ++q) {
            const std::size_t it = q / bt.n_r, j = q % bt.n_r, nk = bt.n_k;
            canonical_radial(nk, &bt.t1[j * nk], &bt.t2[j * nk], &bt.t3[j * nk], &krem[it * nk * 3],
                             &g[q * 3]);
        }
    });
}

void bessel_0123_row(const WavenumberRule& rule, double r, double* j) noexcept {
    for (std::size_t ik = 0; ik < rule.k.size(); ++ik) {
        double* jk = j + 4 * ik;
        const double x = rule.k[ik] * r;
        if (x < kAsymptotic) {
            bessel_small(x, jk, 3);
            continue;
        }
        // As bessel_123, keeping J0 (upward recurrence is stable for x >= 30 > n).
        bessel_j01(x, jk[0], jk[1]);
        jk[2] = 2.0 / x * jk[1] - jk[0];
        jk[3] = 4.0 / x * jk[2] - jk[1];
    }
}

void bessel_04_row(const WavenumberRule& rule, double r, double* j) noexcept {
    for (std::size_t ik = 0; ik < rule.k.size(); ++ik) {
        const double x = rule.k[ik] * r;
        double* o = j + 5 * ik;
        if (x < kAsymptotic) {
            bessel_small(x, o, 4);
            continue;
        }
        bessel_j01(x, o[0], o[1]);  // upward recurrence is stable for x >= 30 > n
        for (int n = 2; n <= 4; ++n) o[n] = 2.0 * double(n - 1) / x * o[n - 1] - o[n - 2];
    }
}

void depth_radial(const WavenumberRule& rule, const double* j, const double* K,
                  double R[kElementary][kDepthRadial]) noexcept {
    for (std::size_t e = 0; e < kElementary; ++e)
        for (std::size_t c = 0; c < kDepthRadial; ++c) R[e][c] = 0.0;
    for (std::size_t ik = 0; ik < rule.k.size(); ++ik) {
        const double k = rule.k[ik], w1 = rule.w[ik] * k, w2 = w1 * k;
        const double* jk = j + 5 * ik;
        for (std::size_t e = 0; e < kElementary; ++e) {
            const int m = kElementaryOrder[e];
            // J_{m+n} for n = -2..2, with J_{-n} = (-1)^n J_n.
            double J[5];
            for (int n = -2; n <= 2; ++n) {
                const int o = m + n, a = o < 0 ? -o : o;
                J[n + 2] = ((o < 0) && (a % 2) ? -1.0 : 1.0) * jk[a];
            }
            const double* X = K + (ik * kElementary + e) * kDepthComponents;
            double* r = R[e];
            for (int set = 0; set < 2; ++set, r += kDepthSet, X += 6) {
                const double U = X[0], V = X[1], W = X[2], Uz = X[3], Vz = X[4], Wz = X[5];
                for (int n = 0; n < 5; ++n) {
                    const double wn = (n % 2) ? w1 : w2;  // odd offsets p = 1, even p = 2
                    r[n] += wn * V * J[n];
                    r[11 + n] += wn * W * J[n];
                }
                r[5] += w2 * U * J[1], r[6] += w1 * U * J[2], r[7] += w2 * U * J[3];
                r[8] += w2 * Uz * J[2];
                r[9] += w2 * Vz * J[1], r[10] += w2 * Vz * J[3];
                r[16] += w2 * Wz * J[1], r[17] += w2 * Wz * J[3];
            }
            R[e][2 * kDepthSet] += w2 * K[(ik * kElementary + e) * kDepthComponents + 12] * J[2];
        }
    }
}

void harmonic_integrals(const WavenumberRule& rule, const double* j, const double* K,
                        double I[kHarmonics][5]) noexcept {
    for (std::size_t h = 0; h < kHarmonics; ++h)
        for (int c = 0; c < 5; ++c) I[h][c] = 0.0;
    for (std::size_t ik = 0; ik < rule.k.size(); ++ik) {
        const double wk = rule.w[ik] * rule.k[ik];
        const double j0 = j[4 * ik], j1 = j[4 * ik + 1], j2 = j[4 * ik + 2], j3 = j[4 * ik + 3];
        // J_m', J_m/(kr) by the recurrences (no division at r = 0), J_m; m = 0, 1, 2.
        const double dj[3] = {-j1, 0.5 * (j0 - j2), 0.5 * (j1 - j3)};
        const double jo[3] = {0.0, 0.5 * (j0 + j2), 0.25 * (j1 + j3)};
        const double jm[3] = {j0, j1, j2};
        for (std::size_t h = 0; h < kHarmonics; ++h) {
            const std::size_t m = (h + 1) / 2;
            const double* Kh = K + (ik * kHarmonics + h) * 3;
            I[h][0] += wk * Kh[1] * dj[m];
            I[h][1] += wk * Kh[1] * jo[m];
            I[h][2] += wk * Kh[2] * jo[m];
            I[h][3] += wk * Kh[2] * dj[m];
            I[h][4] += wk * Kh[0] * jm[m];
        }
    }
}

void elementary_row(const WavenumberRule& rule, const double* j, double* B) noexcept {
    for (std::size_t ik = 0; ik < rule.k.size(); ++ik) {
        const double wk = rule.w[ik] * rule.k[ik];
        const double j0 = j[4 * ik], j1 = j[4 * ik + 1], j2 = j[4 * ik + 2], j3 = j[4 * ik + 3];
        double* b = B + kElementaryRow * ik;
        // J_m' (m = 0, 1, 2), J_m/(kr) (m = 1, 2), J_m (m = 0, 1, 2), by the recurrences (no
        // division at r = 0), times the quadrature weight and k.
        b[0] = -wk * j1, b[1] = 0.5 * wk * (j0 - j2), b[2] = 0.5 * wk * (j1 - j3);
        b[3] = 0.5 * wk * (j0 + j2), b[4] = 0.25 * wk * (j1 + j3);
        b[5] = wk * j0, b[6] = wk * j1, b[7] = wk * j2;
    }
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

void interpolate_radial(const std::vector<double>& g, std::size_t n_r, std::size_t it, double h,
                        double r, double out[3]) noexcept {
    double w[4];
    const std::size_t j0 = cubic_stencil(r, h, n_r, w);
    out[0] = out[1] = out[2] = 0.0;
    for (int q = 0; q < 4; ++q)
        for (int c = 0; c < 3; ++c) out[c] += w[q] * g[((it * n_r) + j0 + q) * 3 + c];
}

}  // namespace viscoann::detail
