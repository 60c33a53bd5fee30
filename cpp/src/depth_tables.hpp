// Private: the layered remainder's stress at depth from radial tables, for the traction
// kernels' block calls. Source depths lie on a grid shared by all patches: per layer, panels
// of Chebyshev points graded geometrically towards the interfaces (the remainder of a source
// near an interface varies on the scale of the receivers' distance from it). Per (panel,
// receiver depth) the radial integrals of the stress (hankel.hpp's depth_radial, its μ-set and
// λ D) are tabulated on r = D sinh(u), u uniform (fine near the axis, coarse far away), with
// one layered solve per (grid depth, wavenumber, Laplace node) serving every receiver depth,
// and wavenumber rules per band of radii (the rule of radius r only needs 2π/r spacing).
// A point source between grid depths takes the tables Lagrange-interpolated in depth within
// its panel, cubic in u.
#pragma once

#include <cstddef>
#include <vector>

#include "huge_pages.hpp"
#include "sources.hpp"
#include "viscoann/greens.hpp"

namespace viscoann::detail {

/// Chebyshev points per depth panel, and the growth of panel lengths away from an interface.
inline constexpr std::size_t kGridPoints = 8;
inline constexpr double kPanelGrowth = 2.0;
/// Values per table row: the elementary sources' μ-sets and λ D without repeats
/// (kStressLayout), times μ_ref.
inline constexpr std::size_t kStressRadial = kStressLayout.n;

struct DepthPanel {
    double lo = 0.0, hi = 0.0;  ///< depth range [m] (down), inside one layer
    std::size_t layer = 0;
    double z[kGridPoints] = {};  ///< grid depths (Chebyshev points of the first kind)
    double D = 0.0;              ///< radial scale: least decay depth to any receiver [m]
    std::vector<double> Dz;      ///< decay depth to each receiver [m] (D their least)
    std::size_t n_r = 0;         ///< radii u_j = j du, r = D sinh(u)
};

struct DepthGrid {
    std::vector<DepthPanel> panels;
    std::vector<double> receivers;  ///< receiver depths (down), ascending, distinct
    double r_max = 0.0;             ///< largest radius the tables serve [m]
    double du = 0.0;
    /// Panel of depth d (down) in model layer `layer` and its Lagrange weights w; throws
    /// std::logic_error if no panel holds it.
    std::size_t locate(double d, std::size_t layer, double w[kGridPoints]) const;
};

/// The grid for sources with depth ranges [top[i], bottom[i]] in layers layer[i] and the
/// receiver depths (down); radii up to r_max; spacing du = 1 / (40 r_refine) in u.
DepthGrid make_depth_grid(const EarthModel& model, const std::vector<double>& top,
                          const std::vector<double>& bottom, const std::vector<std::size_t>& layer,
                          std::vector<double> receivers, double r_max, const GreensOptions& o);

/// One panel's tables for one set of times (times contiguous, as depth_stress_series reads
/// them): t[(((iz kGridPoints + g) n_r + j) kStressRadial + f) nt + it].
struct PanelTables {
    std::size_t nt = 0;
    std::vector<double, HugePageAllocator<double>> t;
};
PanelTables panel_tables(const EarthModel& model, const DepthGrid& grid, std::size_t panel,
                         const std::vector<double>& times, const GreensOptions& o);

/// Rows j0 .. j1 - 1 of the tables at receiver depth index iz, interpolated in depth with the
/// weights w of a source depth in the panel (DepthGrid::locate), into out[(j - j0) row + f nt +
/// it] (row = nt kStressRadial).
void depth_rows(const PanelTables& tab, std::size_t n_r, std::size_t iz,
                const double w[kGridPoints], std::size_t j0, std::size_t j1, double* out);

/// Adds to out[it 9 + c] (nt times) the remainder stress [Pa] at horizontal offset (x, y) from a
/// point source of potency p, from four consecutive rows of its depth's tables (depth_rows) and
/// their cubic weights c (radial_stencil).
void rows_stress(std::size_t nt, const double* rows, const double c[4], const PotencyTensor& p,
                 double x, double y, double* out);

/// The first row of the cubic stencil in u of a radius (x, y) in `panel`, and its weights.
std::size_t radial_stencil(const DepthGrid& grid, std::size_t panel, double x, double y,
                           double c[4]);

}  // namespace viscoann::detail
