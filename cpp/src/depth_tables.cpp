// Radial tables of the layered remainder's stress at depth on a shared source-depth grid
// (depth_tables.hpp): the grid, the tables' build, their interpolation.
#include "depth_tables.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "hankel.hpp"
#include "laplace.hpp"
#include "parallel_for.hpp"
#include "plan.hpp"
#include "table_kernels.hpp"
#include "time_kernels.hpp"

namespace viscoann::detail {

namespace {

constexpr double kPi = 3.14159265358979323846;

/// Distance [m] from interface depth zi to the nearest receiver (the remainder of a source
/// next to the interface is singular that far beyond it: the transmitted field at a receiver
/// across it, the reflected one's image of a receiver on this side); at least 1 m.
double singular_distance(const std::vector<double>& receivers, double zi) {
    double d = std::numeric_limits<double>::infinity();
    for (double z : receivers) d = std::min(d, std::fabs(z - zi));
    return std::max(d, 1.0);
}

}  // namespace

std::size_t DepthGrid::locate(double d, std::size_t layer, double w[kGridPoints]) const {
    for (std::size_t p = 0; p < panels.size(); ++p) {
        const DepthPanel& P = panels[p];
        const double tol = 1e-9 * std::max(1.0, P.hi);
        if (P.layer != layer || d < P.lo - tol || d > P.hi + tol) continue;
        for (std::size_t a = 0; a < kGridPoints; ++a) {
            double v = 1.0;
            for (std::size_t b = 0; b < kGridPoints; ++b)
                if (b != a) v *= (d - P.z[b]) / (P.z[a] - P.z[b]);
            w[a] = v;
        }
        return p;
    }
    std::ostringstream m;
    m << "depth grid: no panel holds depth " << d << " m in layer " << layer;
    throw std::logic_error(m.str());
}

DepthGrid make_depth_grid(const EarthModel& model, const std::vector<double>& top,
                          const std::vector<double>& bottom, const std::vector<std::size_t>& layer,
                          std::vector<double> receivers, double r_max, const GreensOptions& o) {
    DepthGrid g;
    std::sort(receivers.begin(), receivers.end());
    receivers.erase(std::unique(receivers.begin(), receivers.end()), receivers.end());
    g.receivers = receivers;
    g.r_max = r_max;
    g.du = 1.0 / (40.0 * o.r_refine);
    const std::size_t nl = model.layers.size();
    if (nl == 0) return g;  // homogeneous half-space: no remainder
    for (std::size_t l = 0; l <= nl; ++l) {
        double a = std::numeric_limits<double>::infinity(), b = -a;
        for (std::size_t i = 0; i < layer.size(); ++i)
            if (layer[i] == l) a = std::min(a, top[i]), b = std::max(b, bottom[i]);
        if (!(a <= b)) continue;
        // Panel ends: geometric from each interface (lengths growing by kPanelGrowth from the
        // singular distance), the two sides meeting where their distances are equal.
        const bool has_top = l > 0, has_bot = l < nl;
        const double zt = has_top ? model.interface_depth(l - 1) : 0.0;
        const double zb = has_bot ? model.interface_depth(l) : 0.0;
        const double dt = has_top ? singular_distance(receivers, zt) : 0.0;
        const double db = has_bot ? singular_distance(receivers, zb) : 0.0;
        double mid = has_top && has_bot ? 0.5 * (zt + zb + db - dt) : (has_top ? b : a);
        if (!has_top && !has_bot) mid = a;
        std::vector<double> cuts{a, b};
        if (a < mid && mid < b) cuts.push_back(mid);
        if (has_top)
            for (double s = dt;; s *= kPanelGrowth) {
                const double c = zt + s - dt;
                if (c >= std::min(b, mid)) break;
                if (c > a) cuts.push_back(c);
            }
        if (has_bot)
            for (double s = db;; s *= kPanelGrowth) {
                const double c = zb - s + db;
                if (c <= std::max(a, mid)) break;
                if (c < b) cuts.push_back(c);
            }
        std::sort(cuts.begin(), cuts.end());
        const double span = std::max(b - a, 1.0);
        for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
            const double lo = cuts[k], hi = cuts[k + 1];
            if (hi - lo <= 1e-9 * span && cuts.size() > 2) continue;
            DepthPanel P;
            P.lo = lo;
            P.hi = hi;
            P.layer = l;
            const double c = 0.5 * (lo + hi), h = 0.5 * (hi - lo);
            for (std::size_t q = 0; q < kGridPoints; ++q)
                P.z[q] = c - h * std::cos(kPi * (2.0 * double(q) + 1.0) / (2.0 * kGridPoints));
            // A single depth (a horizontal patch): every grid point there, weights from
            // locate's product would divide by zero, so spread them by 1 mm.
            if (h <= 0.0)
                for (std::size_t q = 0; q < kGridPoints; ++q)
                    P.z[q] = c + 1e-3 * (double(q) - 0.5 * double(kGridPoints - 1));
            // (The ends nudged inside: a depth on an interface belongs to the layer above.)
            const double e0 = lo + 1e-6 * (hi - lo), e1 = hi - 1e-6 * (hi - lo);
            for (double z : receivers) {
                double D =
                    std::min(decay_depth_between(model, e0, z), decay_depth_between(model, e1, z));
                for (double zg : P.z) D = std::min(D, decay_depth_between(model, zg, z));
                P.Dz.push_back(D);
            }
            P.D = std::numeric_limits<double>::infinity();
            for (double D : P.Dz) P.D = std::min(P.D, D);
            P.n_r = std::size_t(std::ceil(std::asinh(r_max / P.D) / g.du)) + 4;
            g.panels.push_back(P);
        }
    }
    return g;
}

PanelTables panel_tables(const EarthModel& model, const DepthGrid& grid, std::size_t panel,
                         const std::vector<double>& times, const GreensOptions& o) {
    constexpr std::size_t E = kElementary, SC = kStressComponents, F = kStressRadial;
    constexpr std::size_t G = kGridPoints;
    const DepthPanel& P = grid.panels.at(panel);
    const std::size_t nz = grid.receivers.size(), nt = times.size(), n_r = P.n_r;
    PanelTables tab;
    tab.nt = nt;
    tab.t.assign(nz * G * n_r * nt * F, 0.0);
    if (nz == 0 || nt == 0) return tab;
    std::vector<double> r(n_r);
    for (std::size_t j = 0; j < n_r; ++j) r[j] = P.D * std::sinh(double(j) * grid.du);
    // Bands of radii (0, 2D], (2D, 8D], ... each with the wavenumber rule of its largest radius
    // (a last band of less than twice the one before joins it: each band costs a solve).
    std::vector<double> bands;
    double Rb = 2.0 * P.D;
    for (; 2.0 * Rb < r.back(); Rb *= 4.0) bands.push_back(Rb);
    bands.push_back(r.back());
    const auto tr = talbot_rule(o.talbot_nodes);
    DepthKernels dk;  // one for all: its ~GB of kernels are then paged in once
    for (std::size_t g = 0; g < G; ++g) {
        std::size_t j0 = 0;
        for (double R : bands) {
            std::size_t j1 = j0;
            while (j1 < n_r && r[j1] <= R) ++j1;
            if (j1 == j0) continue;
            // The plan of the nearest receiver; the others read a prefix of its wavenumbers.
            const Plan plan = make_plan(P.D, R, o);
            std::vector<std::size_t> nk_of(nz);
            for (std::size_t iz = 0; iz < nz; ++iz) nk_of[iz] = wavenumbers_for(plan, P.Dz[iz], o);
            depth_time_kernels(model, P.z[g], grid.receivers, plan, times, tr, o, dk, true,
                               nk_of.data());
            const std::size_t nk = plan.rule.k.size();
            // Blocks of kStressBlock radii (a last short one padded with its last radius).
            constexpr std::size_t B = kStressBlock;
            const TableKernels kernels = table_kernels();
            parallel_for((j1 - j0 + B - 1) / B, o.threads, 1, [&](std::size_t b, std::size_t e) {
                std::vector<double> row(5 * nk), Jt(5 * nk * B);
                double Rblk[F * B];
                for (std::size_t blk = b; blk < e; ++blk) {
                    const std::size_t jb = j0 + blk * B, nj = std::min(B, j1 - jb);
                    for (std::size_t l = 0; l < B; ++l) {
                        bessel_04_row(plan.rule, r[jb + std::min(l, nj - 1)], row.data());
                        for (std::size_t q = 0; q < 5 * nk; ++q) Jt[q * B + l] = row[q];
                    }
                    for (std::size_t iz = 0; iz < nz; ++iz)
                        for (std::size_t it = 0; it < nt; ++it) {
                            kernels.stress_radial(nk_of[iz], plan.rule.k.data(), plan.rule.w.data(),
                                                  Jt.data(),
                                                  &dk.krem[((it * nz + iz) * nk) * E * SC], Rblk);
                            for (std::size_t l = 0; l < nj; ++l) {
                                double* out = &tab.t[(((iz * G + g) * n_r + jb + l) * F) * nt + it];
                                for (std::size_t s = 0; s < F; ++s)
                                    out[s * nt] = dk.mu_ref * Rblk[s * B + l];
                            }
                        }
                }
            });
            j0 = j1;
        }
    }
    return tab;
}

void depth_rows(const PanelTables& tab, std::size_t n_r, std::size_t iz,
                const double w[kGridPoints], std::size_t j0, std::size_t j1, double* out) {
    constexpr std::size_t G = kGridPoints;
    const std::size_t row = tab.nt * kStressRadial;
    const TableKernels kernels = table_kernels();
    // Row by row: a row's values then never depend on the range (the kernel's SIMD tail).
    for (std::size_t j = j0; j < j1; ++j) {
        double* o = out + (j - j0) * row;
        std::fill(o, o + row, 0.0);
        for (std::size_t g = 0; g < G; g += 4) {
            const double* rows[4];
            for (std::size_t a = 0; a < 4; ++a)
                rows[a] = &tab.t[((iz * G + g + a) * n_r + j) * row];
            kernels.stencil(row, rows, w + g, o);
        }
    }
}

std::size_t radial_stencil(const DepthGrid& grid, std::size_t panel, double x, double y,
                           double c[4]) {
    const DepthPanel& P = grid.panels[panel];
    // sqrt, not hypot (a call per quadrature node and receiver): radii are far from overflow.
    return cubic_stencil(std::asinh(std::sqrt(x * x + y * y) / P.D), grid.du, P.n_r, c);
}

void rows_stress(std::size_t nt, const double* rows, const double c[4], const PotencyTensor& p,
                 double x, double y, double* out) {
    const std::size_t row = nt * kStressRadial;
    const double* r[4] = {rows, rows + row, rows + 2 * row, rows + 3 * row};
    depth_stress_series(azimuth(x, y), p, nt, r, c, out);
}

}  // namespace viscoann::detail
