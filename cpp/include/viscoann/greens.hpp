// The exact layered viscoelastic solver: surface displacement of a point source at times t
// after a step in its slip (potency), in a layered half-space with viscoelastic layers
// (correspondence principle; docs/design.md). Frame x east, y north, z up, SI units; the
// source lies below (0, 0) at depth > 0.
//
// Names: "canonical" is the seed paper's source (vertical strike-slip along +x, left-lateral,
// unit potency); "seed" is that source in the seed's Earth family (EarthModel::canonical).
#pragma once

#include <cstddef>

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

/// The seed's case on a structured grid: out[((e d_count + d) nt + it) n + i) * 3 + c], the
/// canonical source in EarthModel::canonical(eta_M[e], eta_K[e]) at depths[d], times[it],
/// points (x[i], y[i]). Radial tables per (depth, viscosity) are computed once and evaluated
/// at every point. Throws std::invalid_argument naming the argument.
VISCOANN_API void seed_grid(std::size_t n, const double* x, const double* y, std::size_t n_depths,
                            const double* depths, std::size_t n_times, const double* times,
                            std::size_t n_etas, const double* eta_M, const double* eta_K,
                            double* out, const GreensOptions& options = {},
                            GreensStageTimes* stage_times = nullptr);

/// The canonical source's field from its radial functions: u[(j n + i) 3 + c] = (ux, uy, uz)
/// at (x[i], y[i]) [m] from g[(j n + i) 3 + c] = (g_r, g_φ, g_z) there, for j < n_sets (u_r =
/// g_r sin 2φ, u_φ = g_φ cos 2φ, u_z = g_z sin 2φ; φ = 0 on the axis). u may alias g.
VISCOANN_API void canonical_from_radial(std::size_t n, const double* x, const double* y,
                                        std::size_t n_sets, const double* g, double* u) noexcept;

}  // namespace viscoann
