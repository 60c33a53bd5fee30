// The exact layered viscoelastic solver: surface displacement of a point source at times t
// after a step in its slip (potency), in a layered half-space with viscoelastic layers
// (correspondence principle; docs/design.md). Frame x east, y north, z up, SI units; the
// source lies below (0, 0) at depth > 0.
//
// Names: "canonical" is the seed paper's source (vertical strike-slip along +x, left-lateral,
// unit potency); "seed" is that source in the seed's Earth family (EarthModel::canonical).
#pragma once

#include <cstddef>
#include <vector>

#include "viscoann/config.hpp"
#include "viscoann/layered.hpp"
#include "viscoann/sources.hpp"

namespace viscoann {

/// Numerical resolution of the solver. Defaults converge to < 1e-7 of the field maximum
/// (README "Exact solver"); every factor > 1 refines.
struct GreensOptions {
    int talbot_nodes = 20;      ///< nodes on the Talbot contour (even, 4..200)
    double k_refine = 1.0;      ///< 8-point panels per 2π / r_max (and per 4 / D)
    double k_max_decay = 36.0;  ///< k_max = k_max_decay / D, D = decay depth of the remainder
    double r_refine = 1.0;      ///< radial table spacing = D / (40 r_refine)
    bool dense = false;         ///< dense global-matrix solve at every s (reference path)
    /// Subtract the homogeneous half-space of the source layer and add it back in closed form
    /// (Okada). false: Hankel-transform the whole kernel (a check of the subtraction; needs
    /// r >~ depth/2 for the default resolution). seed_grid always subtracts.
    bool subtract_homogeneous = true;
    int threads = 0;  ///< 0: all hardware threads; < 0 is invalid
    /// The velocity d/dt [m/s] instead of the displacement: L^{-1}[F(s)] instead of
    /// L^{-1}[F(s)/s] on the same contour (never a difference in time); times must be > 0.
    bool velocity = false;
};

/// Seconds spent per stage (for benchmarks), accumulated over calls.
struct GreensStageTimes {
    double kernels = 0.0;     ///< wavenumber kernels and their inverse Laplace transform
    double transforms = 0.0;  ///< Hankel transforms to radial tables (incl. Bessel tables)
    double evaluation = 0.0;  ///< interpolation, azimuthal factors, homogeneous part
};

/// The canonical source in any layered model, at scattered samples: out[3 i + c] = (ux, uy,
/// uz) [m per m^3 of potency] at surface point (x[i], y[i]) [m] and time t[i] [s] >= 0, source
/// at `depth` [m] > 0 below (0, 0). All times of one call share one set of time kernels, and
/// the samples at one radius share its Bessel row (station time series cost one table build).
/// Throws std::invalid_argument naming the argument (depth, x, y, t, threads, model fields).
VISCOANN_API void canonical_displacement(const EarthModel& model, double depth, std::size_t n,
                                         const double* x, const double* y, const double* t,
                                         double* out, const GreensOptions& options = {});

/// Any point source: a step in the potency tensor `potency` (viscoann/sources.hpp; frame x
/// east, y north, z up; m^3) at `depth` [m] > 0 below (0, 0); out[3 i + c] = (ux, uy, uz) [m]
/// as above. Harmonics m = 0, 1, 2 are Hankel-transformed at each distinct sample radius (no
/// tables): cost grows with the number of distinct radii times the wavenumber count.
/// Throws std::invalid_argument naming the argument (potency, depth, x, y, t, threads, model).
VISCOANN_API void point_source_displacement(const EarthModel& model, double depth,
                                            const PotencyTensor& potency, std::size_t n,
                                            const double* x, const double* y, const double* t,
                                            double* out, const GreensOptions& options = {});

/// Okada-type point source (DC3D0 mechanisms) on a plane striking along +x with `dip` [deg]
/// in [0, 90]: potency = (strike-slip left-lateral, dip-slip reverse, tensile opening,
/// inflation) [m^3] (DC3D0's POT1..POT4, Okada's frame and signs = the solver's frame with the
/// strike east), mapped to a potency tensor (inflation with DC3D0's normalisation, moment
/// pot4 μ I in the unrelaxed source layer); out[3 i + c] as above.
VISCOANN_API void point_source_displacement(const EarthModel& model, double depth, double dip,
                                            const double potency[4], std::size_t n, const double* x,
                                            const double* y, const double* t, double* out,
                                            const GreensOptions& options = {});

/// Any point source observed at depth: a step in potency tensor `potency` [m^3] at `depth` [m]
/// > 0 below (0, 0), receivers at (x[i], y[i], z[i]) [m] with z <= 0 (up; the free surface is
/// z = 0), in any layer, at n_times times [s] >= 0. Outputs (each optional, nullptr to skip),
/// frame x east, y north, z up: u[(it n + i) 3 + c] [m]; grad[(it n + i) 9 + 3 a + b] =
/// ∂u_a/∂x_b; stress[(it n + i) 9 + 3 a + b] [Pa], formed in the Laplace domain with the
/// receiver layer's μ(s), λ(s) and inverted like the displacement (in a viscoelastic layer it is
/// not Hooke's law of the current strain). The source layer's homogeneous half-space is Okada's
/// DC3D0 at depth in closed form; the layered remainder is transformed at each receiver's
/// radius. Throws std::invalid_argument naming the argument: z[i] > 0 (above the surface), a
/// receiver on the source point, potency, depth, x, y, times, options (velocity is not
/// available at depth), model fields.
VISCOANN_API void point_source_at_depth(const EarthModel& model, double depth,
                                        const PotencyTensor& potency, std::size_t n,
                                        const double* x, const double* y, const double* z,
                                        std::size_t n_times, const double* times, double* u,
                                        double* grad, double* stress,
                                        const GreensOptions& options = {});

/// m point sources at one depth, potency tensors p[q], each observed at its own offsets
/// (x[q n + i], y[q n + i]) [m] from its epicentre and the shared receiver heights z[i] <= 0:
/// one set of time kernels serves every source and receiver. Outputs per source, not summed:
/// u[((it m + q) n + i) 3 + c], grad and stress [((it m + q) n + i) 9 + 3 a + b]. Checks and
/// frames as point_source_at_depth. `homogeneous` false: the layered remainder only (smooth,
/// also at the source point; for quadrature over rectangles).
VISCOANN_API void point_sources_at_depth(const EarthModel& model, double depth, std::size_t m,
                                         const PotencyTensor* p, std::size_t n, const double* x,
                                         const double* y, const double* z, std::size_t n_times,
                                         const double* times, double* u, double* grad,
                                         double* stress, const GreensOptions& options = {},
                                         bool homogeneous = true);

/// The homogeneous half-space's time factors at depth for a source in `layer`: per time [s]
/// (>= 0) and basis function b of (1, α, 1/α, κ, κα, κ/α) (α = (λ+μ)/(λ+2μ), κ = K/μ of the
/// layer; Okada's point source and rectangle are linear in the first three per unit moment/μ):
/// f[it 6 + b] = L^{-1}[f_b(s)/s](t), mu_f, lam_f the same of μ(s) f_b(s), λ(s) f_b(s) [Pa] —
/// the displacement (gradient) is Σ f_b u_b, the stress Σ mu_f_b (G_b + G_bᵀ) + lam_f_b tr(G_b) I.
VISCOANN_API void homogeneous_depth_factors(const Layer& layer, std::size_t n_times,
                                            const double* times, double* f, double* mu_f,
                                            double* lam_f, const GreensOptions& options = {});

/// The seed's case on a structured grid: out[((e d_count + d) nt + it) n + i) * 3 + c], the
/// canonical source in EarthModel::canonical(eta_M[e], eta_K[e]) at depths[d], times[it],
/// points (x[i], y[i]). Radial tables per (depth, viscosity) are computed once and evaluated
/// at every point. Throws std::invalid_argument naming the argument.
VISCOANN_API void seed_grid(std::size_t n, const double* x, const double* y, std::size_t n_depths,
                            const double* depths, std::size_t n_times, const double* times,
                            std::size_t n_etas, const double* eta_M, const double* eta_K,
                            double* out, const GreensOptions& options = {},
                            GreensStageTimes* stage_times = nullptr);

/// Radial tables of the elementary point sources at one depth, for all times: everything the
/// field of any potency tensor at that depth needs, at any station, computed once and reused
/// by every station, time and patch (the fast path; a store keeps them). The remainder (the
/// layered field minus the source layer's homogeneous half-space) of the four elementary
/// sources (E0 P_zz = 1, E1 P_xx = P_yy = 1/2, E2 P_xz = 1, E3 P_xy = 1 [m^3]; frame x east,
/// y north, z up) on radii j h [m], j < n_r: g[(it n_r + j) 10 + f], the ten functions
/// (g_r, g_z of E0 and E1; g_r, g_φ, g_z of E2 and E3) whose azimuthal factors are exact
/// (cos φ, sin φ for m = 1; sin 2φ, cos 2φ for m = 2); and the homogeneous part's time factors
/// r, κ, κr per time (`constant` multiplies the time-independent part: 0 for velocities).
/// With options.velocity every entry is a time derivative [per s].
struct ElementaryTables {
    double depth = 0.0;  ///< source depth [m]
    double h = 0.0;      ///< radial spacing [m]
    std::size_t n_r = 0;
    std::vector<double> times;              ///< [s], as given
    std::vector<double> g;                  ///< (n_t, n_r, 10)
    std::vector<double> r, kappa, kappa_r;  ///< (n_t)
    double constant = 1.0;
};

/// Tables of `model` at `depth` [m] > 0 for radii 0..r_max [m] and `n_times` times [s] (>= 0;
/// > 0 for velocities). `spacing` > 0 [m] sets the radial spacing h (no coarser than the
/// resolution's own, D/(40 r_refine), for the stated accuracy; tables at several depths then
/// share one radial grid and can be combined in depth); 0: the resolution's. Throws
/// std::invalid_argument naming the argument.
VISCOANN_API ElementaryTables elementary_tables(const EarthModel& model, double depth, double r_max,
                                                std::size_t n_times, const double* times,
                                                const GreensOptions& options = {},
                                                double spacing = 0.0);

/// Field of m point sources at the tables' depth, potency tensors p[q] [m^3], superposed at n
/// surface points, every time of the tables: out[(it n + i) 3 + c] = (ux, uy, uz) [m, or
/// m/s] = Σ_q u(p[q]; x[q n + i], y[q n + i]), the points' offsets (x, y) [m] from source q's
/// epicentre. With `homogeneous` the source layer's homogeneous half-space in closed form
/// (Okada) is included, without it only the layered remainder. Radii beyond the tables' are
/// refused (std::invalid_argument naming x, y). `threads` 0: all hardware threads.
VISCOANN_API void tables_displacement(const ElementaryTables& t, std::size_t m,
                                      const PotencyTensor* p, std::size_t n, const double* x,
                                      const double* y, double* out, bool homogeneous = true,
                                      int threads = 0);

/// tables_displacement from the weighted sum sum_k weights[k] g[k] of n_tables tables, each
/// laid out as t.g (n_t, n_r, 10) and read in place (a store's tables at neighbouring depths,
/// interpolated in depth); t gives everything else and its own g is not read. The caller
/// keeps g[k] valid for n_t n_r 10 values each.
VISCOANN_API void tables_displacement_mixed(const ElementaryTables& t, std::size_t n_tables,
                                            const double* const* g, const double* weights,
                                            std::size_t m, const PotencyTensor* p, std::size_t n,
                                            const double* x, const double* y, double* out,
                                            bool homogeneous = true, int threads = 0);

/// The canonical source's field from its radial functions: u[(j n + i) 3 + c] = (ux, uy, uz)
/// at (x[i], y[i]) [m] from g[(j n + i) 3 + c] = (g_r, g_φ, g_z) there, for j < n_sets (u_r =
/// g_r sin 2φ, u_φ = g_φ cos 2φ, u_z = g_z sin 2φ; φ = 0 on the axis). u may alias g.
VISCOANN_API void canonical_from_radial(std::size_t n, const double* x, const double* y,
                                        std::size_t n_sets, const double* g, double* u) noexcept;

}  // namespace viscoann
