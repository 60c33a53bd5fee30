// Elastic half-space displacement and its gradient: Okada (1992, BSSA 82, 1018-1040) point
// source (DC3D0) and finite rectangle (DC3D), vectorised over points and sources, float64.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "viscoann/config.hpp"

namespace viscoann {

// Frame (Okada's): x along strike, y perpendicular to strike, z up; the free surface is z = 0
// and observation points have z <= 0. Source depth is positive downward (m). Dip in degrees,
// [0, 90]. alpha = (lambda + mu) / (lambda + 2 mu), in (0, 1); lambda = mu gives 2/3.
// Displacement u = (ux, uy, uz) in m; gradient g[3 * i + j] = du_i / dx_j (dimensionless).

/// alpha for a Poisson solid (lambda = mu).
inline constexpr double okada_alpha_poisson = 2.0 / 3.0;

/// A read-only column of n float64 values: element i is data[i * stride]; stride 0
/// broadcasts one value to every point.
struct Column {
    const double* data = nullptr;
    std::size_t stride = 0;
    /// A column that repeats the value at `v` (which must outlive the call).
    static Column scalar(const double& v) noexcept { return {&v, 0}; }
    static Column scalar(const double&& v) = delete;  // a temporary would dangle
    /// A column over a contiguous array.
    static Column array(const double* p) noexcept { return {p, 1}; }
    double operator[](std::size_t i) const noexcept { return data[i * stride]; }
    bool uniform() const noexcept { return stride == 0; }
};

/// Observation points (m, Okada's frame, z <= 0).
struct OkadaPoints {
    Column x, y, z;
};

/// Point sources (DC3D0), one per point or broadcast. Potencies in m^3 (slip x area; the
/// inflation potency pot4 is the volume change): strike-slip (left-lateral positive),
/// dip-slip (reverse positive), tensile (opening positive), inflation.
struct OkadaPointSources {
    Column depth, dip, pot1, pot2, pot3, pot4, alpha;
};

/// Rectangular sources (DC3D): the fault occupies al1 <= xi <= al2 along strike and
/// aw1 <= eta <= aw2 up-dip from the reference point at `depth` (m). Slip in m: strike-slip
/// (left-lateral positive), dip-slip (reverse positive), tensile (opening positive).
struct OkadaRectSources {
    Column depth, dip, al1, al2, aw1, aw2, disl1, disl2, disl3, alpha;
};

/// Per-point status written to the optional `flags` output.
enum OkadaFlag : std::uint8_t {
    okada_ok = 0,
    /// At the point source, or on an edge of the rectangle: u and g are NaN there.
    okada_singular = 1,
};

// The array functions validate every input first (throwing before any output is written),
// then evaluate in noexcept, allocation-free loops split over `threads` std::threads; they
// are safe to call concurrently from several threads on distinct outputs.

/// Displacement (and optionally the gradient) of n point sources at n points.
/// u: n x 3 (row-major, m); g: n x 9 or nullptr (row-major du_i/dx_j); flags: n or nullptr.
/// Returns the number of singular points (their u, g are NaN, their flag okada_singular).
/// Throws std::invalid_argument naming the argument, its value and the allowed range:
/// depth > 0, z <= 0, dip in [0, 90], alpha in (0, 1), all values finite.
/// threads <= 0 uses every hardware thread.
VISCOANN_API std::size_t okada_point(std::size_t n, const OkadaPoints& pts,
                                     const OkadaPointSources& src, double* u, double* g = nullptr,
                                     std::uint8_t* flags = nullptr, int threads = 0);

/// Displacement (and optionally the gradient) of n rectangular sources at n points; the same
/// outputs as okada_point. Throws std::invalid_argument for: depth > 0, z <= 0, dip in
/// [0, 90], al1 <= al2, aw1 <= aw2, top depth - aw2 sin(dip) >= 0, alpha in (0, 1), finite.
VISCOANN_API std::size_t okada_rectangle(std::size_t n, const OkadaPoints& pts,
                                         const OkadaRectSources& src, double* u,
                                         double* g = nullptr, std::uint8_t* flags = nullptr,
                                         int threads = 0);

/// The project's canonical point source on the free surface (vertical strike-slip along +x,
/// POT1 = 1 m^3, z = 0): u (n x 3, m per m^3) at (x, y) for source depths `depth` (m).
/// The fastest path, for callers that evaluate millions of points. Throws like okada_point.
VISCOANN_API std::size_t okada_canonical_surface(std::size_t n, Column x, Column y, Column depth,
                                                 double alpha, double* u, int threads = 0);

/// One evaluation's result: u (m) and g[3 * i + j] = du_i / dx_j; singular: u, g are NaN.
struct OkadaField {
    std::array<double, 3> u;
    std::array<double, 9> g;
    bool singular;
};

/// Scalar DC3D0 (validates like okada_point). pot = strike-slip, dip-slip, tensile,
/// inflation potencies (m^3).
VISCOANN_API OkadaField dc3d0(double alpha, double x, double y, double z, double depth, double dip,
                              const std::array<double, 4>& pot);

/// Scalar DC3D (validates like okada_rectangle). disl = strike-slip, dip-slip, tensile (m).
VISCOANN_API OkadaField dc3d(double alpha, double x, double y, double z, double depth, double dip,
                             double al1, double al2, double aw1, double aw2,
                             const std::array<double, 3>& disl);

}  // namespace viscoann
