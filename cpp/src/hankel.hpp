// Private: the Hankel transforms of the solver: the wavenumber quadrature (composite
// Gauss–Legendre panels), Bessel tables, and the sums that turn time kernels into radial
// functions (the canonical source's, on tables or at one radius) and the harmonics' integrals.
#pragma once

#include <cstddef>
#include <vector>

#include "sources.hpp"

namespace viscoann::detail {

/// Nodes k [1/m] and weights of ∫_0^{k_max} dk on `panels` equal panels of 8 Gauss points.
struct WavenumberRule {
    std::vector<double> k, w;
};
WavenumberRule wavenumber_rule(double k_max, std::size_t panels);

/// Tables over radii r (rows) and the rule's wavenumbers (columns):
/// t1 = ½ w k J1(kr), t2 = w k J2(kr), t3 = ½ w k J3(kr); row-major (n_r, n_k).
struct BesselTables {
    std::size_t n_r = 0, n_k = 0;
    std::vector<double> t1, t2, t3;
};
BesselTables bessel_tables(const WavenumberRule& rule, const std::vector<double>& r, int threads);
/// One row of the tables at radius r: t1, t2, t3 (rule.k.size() values each).
void bessel_row(const WavenumberRule& rule, double r, double* t1, double* t2, double* t3) noexcept;

/// The canonical source's radial functions g = (g_r, g_φ, g_z up) at one radius from the
/// Bessel row t1, t2, t3 there and one time's kernels K[3 k + c] (c = U, V - W, V + W):
/// g_r = Σ t1 (V−W) − t3 (V+W), g_φ = Σ t1 (V−W) + t3 (V+W), g_z = −Σ t2 U.
void canonical_radial(std::size_t n_k, const double* t1, const double* t2, const double* t3,
                      const double* K, double g[3]) noexcept;
/// The same on every radius of the tables for every time: g[(it n_r + j) 3 + c] from
/// krem[(it n_k + ik) 3 + c].
void canonical_radial_tables(const BesselTables& bt, const std::vector<double>& krem,
                             std::size_t nt, int threads, std::vector<double>& g);

/// J0, J1, J2, J3 at k r for every k of the rule: j[4 ik + m].
void bessel_0123_row(const WavenumberRule& rule, double r, double* j) noexcept;
/// Hankel integrals of the five harmonics at one radius (the layout of from_harmonics in
/// sources.hpp) from the Bessel row j there and one time's kernels K[(ik kHarmonics + h) 3 +
/// c] (c = U, V, W).
void harmonic_integrals(const WavenumberRule& rule, const double* j, const double* K,
                        double I[kHarmonics][5]) noexcept;

/// Per wavenumber, the Bessel combinations the elementary sources' integrals take at one
/// radius, times w k: B[kElementaryRow ik + q] from the row j there (bessel_0123_row).
inline constexpr std::size_t kElementaryRow = 8;
void elementary_row(const WavenumberRule& rule, const double* j, double* B) noexcept;
/// J0 .. J4 at k r for every k of the rule: j[5 ik + n].
void bessel_04_row(const WavenumberRule& rule, double r, double* j) noexcept;
/// The radial integrals of the field at depth (sources.hpp, kDepthRadial per elementary
/// source) at one radius from its row j (bessel_04_row) and one time's kernels at one receiver
/// depth, K[(ik kElementary + e) kDepthComponents + c].
void depth_radial(const WavenumberRule& rule, const double* j, const double* K,
                  double R[kElementary][kDepthRadial]) noexcept;

/// Below this argument the Bessel functions come from bessel_small; above, Hankel's expansion.
inline constexpr double kAsymptotic = 30.0;
/// J0 .. J_n_max (n_max <= 4) at 0 <= x < kAsymptotic into j, to ~5e-16 absolute (Miller's
/// backward recurrence; the power series below 1e-3).
void bessel_small(double x, double* j, int n_max) noexcept;
/// J0 and J1 at x >= 0 to ~1e-16.
void bessel_j01(double x, double& j0, double& j1) noexcept;
/// J1, J2, J3 at x >= 0 (bessel_small below kAsymptotic, above it upward recurrence).
void bessel_123(double x, double& j1, double& j2, double& j3) noexcept;

/// 4-point Lagrange (cubic) interpolation weights at r on the uniform grid j h, j < n;
/// returns the first stencil index.
std::size_t cubic_stencil(double r, double h, std::size_t n, double w[4]) noexcept;
/// Radial table g (as canonical_radial_tables, n_r radii j h) at radius r for time row it.
void interpolate_radial(const std::vector<double>& g, std::size_t n_r, std::size_t it, double h,
                        double r, double out[3]) noexcept;

}  // namespace viscoann::detail
