// Rectangular patches observed at depth and traction kernels for earthquake-cycle simulators:
// the stress of shear slip on rectangles at any point in any layer, and the traction on
// receiver patch centres from unit slip in each source patch's rake, as blocks for H-matrix /
// ACA codes (docs/design.md, stress at depth). Frame x east, y north, z up; SI units.
//
// A patch's field is Okada's DC3D at depth for the source layer's homogeneous half-space
// (exact in time: linear in (1, α, 1/α) per unit μ, three elastic evaluations and the layer's
// time factors) plus Gauss-Legendre quadrature over the patch of the smooth layered remainder
// (point_sources_at_depth without the homogeneous part). A patch crossing an interface is cut
// there, each piece in its own layer's material.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "viscoann/config.hpp"
#include "viscoann/greens.hpp"
#include "viscoann/layered.hpp"

namespace viscoann {

/// A rectangular patch: centre (east, north) [m] at `depth` [m] > 0 (down), Aki & Richards
/// strike, dip in [0, 90], rake [deg], `length` along strike and `width` down dip [m] > 0;
/// its top edge depth - width/2 sin(dip) must not be above the surface (1 µm tolerance).
struct FaultPatch {
    double east = 0.0, north = 0.0, depth = 0.0;
    double strike = 0.0, dip = 0.0, rake = 0.0;
    double length = 0.0, width = 0.0;
};

/// Traction components of the kernels: t = σ n on the receiver plane, n its unit normal into
/// the hanging wall; (t · strike, t · up-dip, t · n): shear along strike (positive drives
/// left-lateral slip), shear along dip (positive drives reverse slip), normal (positive =
/// tension). Flags per entry: 0 regular; 1 the receiver centre is on its own patch (the
/// self-term, taken from that centre: DC3D is regular inside the plane); 2 the centre is on a
/// source patch's edge, where Okada's elastic part is singular: the entry is NaN.
enum TractionFlag : std::uint8_t { traction_ok = 0, traction_self = 1, traction_edge = 2 };

/// Field at depth of m patches with slip (strike-slip left-lateral, dip-slip reverse) [m]
/// slip[2 q], slip[2 q + 1] (shear only), observed at n points (x, y, z) [m], z <= 0, at
/// n_times times [s] >= 0. Outputs per patch, each optional (nullptr): grad[((it m + q) n +
/// i) 9 + 3 a + b] = ∂u_a/∂x_b, stress [Pa] the same layout; flags[q n + i] = traction_edge
/// where the point is on patch q's edge (its grad and stress NaN), else 0. `tol` (0, 0.1]:
/// relative accuracy of the quadrature. Throws std::invalid_argument naming the argument.
VISCOANN_API void patches_at_depth(const EarthModel& model, std::size_t m,
                                   const FaultPatch* patches, const double* slip, std::size_t n,
                                   const double* x, const double* y, const double* z,
                                   std::size_t n_times, const double* times, double* grad,
                                   double* stress, std::uint8_t* flags,
                                   const GreensOptions& options = {}, double tol = 1e-6);

/// Traction kernels of a fixed set of patches, for block calls: entry (r, c) is the traction
/// on patch r's centre from unit slip in patch c's rake: Okada's DC3D at depth (exact in time)
/// plus the layered remainder, by quadrature over the source patch (nodes per (patch, receiver)
/// pair from their distance) of radial tables: source depths on a grid shared by all patches
/// (Chebyshev panels per layer, graded towards the interfaces), per (grid depth, receiver
/// depth) the stress's radial integrals on r = D sinh(u), interpolated (Lagrange in depth,
/// cubic in u). The tables are built lazily for the depths a block needs, at the block's times,
/// and kept in the handle for later blocks at the same times (other times rebuild them). An
/// entry does not depend on the block it is computed in (a block equals its entries computed
/// one by one). Thread-safe: block() may be called concurrently.
class VISCOANN_API TractionKernels {
   public:
    /// Throws std::invalid_argument naming the patch and field, or the model field / option.
    TractionKernels(const EarthModel& model, std::vector<FaultPatch> patches,
                    const GreensOptions& options = {}, double tol = 1e-6);
    ~TractionKernels();
    TractionKernels(const TractionKernels&) = delete;
    TractionKernels& operator=(const TractionKernels&) = delete;

    std::size_t size() const noexcept;
    const FaultPatch& patch(std::size_t i) const;

    /// out[((it n_rows + i) n_cols + j) 3 + c] [Pa per m of slip], receiver rows[i], source
    /// cols[j], times[it] [s] >= 0; flags[i n_cols + j] (optional) as TractionFlag. Throws
    /// std::invalid_argument naming rows, cols or times (an index >= size(), not finite).
    void block(std::size_t n_rows, const std::size_t* rows, std::size_t n_cols,
               const std::size_t* cols, std::size_t n_times, const double* times, double* out,
               std::uint8_t* flags = nullptr) const;

    /// block() without tables: the remainder with a Bessel row per (quadrature node, receiver)
    /// pair and time kernels per node depth for this call (PSGRN-style per-point evaluation;
    /// the reference of the tables' interpolation, at the quadrature fixed for all receivers).
    void block_direct(std::size_t n_rows, const std::size_t* rows, std::size_t n_cols,
                      const std::size_t* cols, std::size_t n_times, const double* times,
                      double* out, std::uint8_t* flags = nullptr) const;

    /// The radial tables by panel of the source-depth grid, for a store on disk: their
    /// number; panel p's tables at these times (built now if the handle lacks them), as flat
    /// doubles; and the same data given back, so later blocks at these times use it. The
    /// handle keeps one set of times: tables at other times replace it. Throws
    /// std::invalid_argument naming p, the times or a data size that is not this panel's.
    std::size_t n_panels() const noexcept;
    /// The number of values of panel p's tables at n_times times (nothing is built).
    std::size_t panel_table_size(std::size_t p, std::size_t n_times) const;
    std::vector<double> panel_tables(std::size_t p, std::size_t n_times, const double* times) const;
    void set_panel_tables(std::size_t p, std::size_t n_times, const double* times,
                          const double* data, std::size_t size) const;
    /// set_panel_tables without a copy: fill(data, size) writes panel p's values straight into
    /// the handle's memory (a store's read; it must write all size of them, the memory is not
    /// cleared first), then they are checked the same way. An exception
    /// from fill, or values that are not finite, leave the handle's tables as they were.
    void fill_panel_tables(std::size_t p, std::size_t n_times, const double* times,
                           const std::function<void(double*, std::size_t)>& fill) const;

    struct Impl;

   private:
    void evaluate(std::size_t n_rows, const std::size_t* rows, std::size_t n_cols,
                  const std::size_t* cols, std::size_t n_times, const double* times, double* out,
                  std::uint8_t* flags, bool direct) const;
    Impl* impl_;
};

}  // namespace viscoann
