// The exact layered viscoelastic solver: surface displacement of the canonical point source
// (vertical strike-slip along +x, left-lateral, unit potency; docs/design.md §3) at times t after a
// step in slip, in a layered half-space with viscoelastic layers (correspondence principle).
#pragma once

#include <cstddef>

#include "viscoann/layered.hpp"

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
    /// r >~ depth/2 for the default resolution). canonical_grid always subtracts.
    bool subtract_homogeneous = true;
    int threads = 0;  ///< 0: all hardware threads
};

/// Seconds spent per stage (for benchmarks), accumulated over calls.
struct GreensStageTimes {
    double kernels = 0.0;     ///< wavenumber kernels and their inverse Laplace transform
    double transforms = 0.0;  ///< Hankel transforms to radial tables (incl. Bessel tables)
    double evaluation = 0.0;  ///< interpolation, azimuthal factors, homogeneous part
};

/// Scattered samples: out[3 i + c] = (ux, uy, uz) [m per m^3 of potency] at surface point
/// (x[i], y[i]) [m] and time t[i] [s] >= 0, source at `depth` [m] > 0 below (0, 0).
/// Throws std::invalid_argument naming the argument (depth, x, y, t, model fields).
void strike_slip_surface(const EarthModel& model, double depth, std::size_t n, const double* x,
                         const double* y, const double* t, double* out,
                         const GreensOptions& options = {});

/// Okada-type point source (DC3D0 mechanisms) on a plane striking along +x with `dip` [deg]
/// in [0, 90]: potency = (strike-slip left-lateral, dip-slip reverse, tensile opening,
/// inflation volume change) [m^3] (Okada's frame and signs); out[3 i + c] as above.
/// Harmonics m = 0, 1, 2 are Hankel-transformed at every sample's own radius (no tables):
/// cost grows with n times the wavenumber count, for modest n.
void point_source_surface(const EarthModel& model, double depth, double dip,
                          const double potency[4], std::size_t n, const double* x, const double* y,
                          const double* t, double* out, const GreensOptions& options = {});

/// Structured grid: out[((e d_count + d) nt + it) n + i) * 3 + c], the canonical model
/// (EarthModel::canonical(eta_M[e], eta_K[e])), depths[d], times[it], points (x[i], y[i]).
/// Radial tables per (depth, viscosity) are computed once and evaluated at every point.
void canonical_grid(std::size_t n, const double* x, const double* y, std::size_t n_depths,
                    const double* depths, std::size_t n_times, const double* times,
                    std::size_t n_etas, const double* eta_M, const double* eta_K, double* out,
                    const GreensOptions& options = {}, GreensStageTimes* stage_times = nullptr);

}  // namespace viscoann
