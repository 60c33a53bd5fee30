// Private: the wavenumber quadrature (composite Gauss–Legendre panels) and Bessel tables that
// turn wavenumber kernels into radial functions (Hankel transforms of orders 1, 2, 3).
#pragma once

#include <cstddef>
#include <vector>

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

/// J1, J2, J3 at x >= 0 (J0/J1 from the standard library, upward recurrence where stable).
void bessel_123(double x, double& j1, double& j2, double& j3) noexcept;

/// 4-point Lagrange (cubic) interpolation weights at r on the uniform grid j h, j < n;
/// returns the first stencil index.
std::size_t cubic_stencil(double r, double h, std::size_t n, double w[4]) noexcept;

}  // namespace viscoann::detail
