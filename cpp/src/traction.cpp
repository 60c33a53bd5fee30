// Rectangular patches at depth (Okada DC3D at depth + quadrature of the layered remainder) and
// the traction kernels' block call (viscoann/traction.hpp).
#include "viscoann/traction.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "depth_sources.hpp"
#include "depth_tables.hpp"
#include "okada_media.hpp"
#include "parallel_for.hpp"
#include "plan.hpp"
#include "sources.hpp"
#include "time_kernels.hpp"
#include "viscoann/okada.hpp"

namespace viscoann {
namespace detail {
namespace {

constexpr double kDeg = 3.14159265358979323846 / 180.0;
// Elastic evaluations of the homogeneous part: α g(α) is a quadratic in α (Lagrange).
constexpr double kAlphas[kOkadaMedia] = {0.5, 2.0 / 3.0, 0.8};

using Vec3 = std::array<double, 3>;

/// Gauss-Legendre nodes (ascending) and weights on [-1, 1] (Newton on P_n from Chebyshev
/// guesses; n <= 40, converged to rounding).
void gauss_legendre(int n, std::vector<double>& x, std::vector<double>& w) {
    x.assign(std::size_t(n), 0.0);
    w.assign(std::size_t(n), 0.0);
    for (int i = 0; i < (n + 1) / 2; ++i) {
        double z = std::cos(3.14159265358979323846 * (i + 0.75) / (n + 0.5)), dp = 0.0;
        for (int it = 0; it < 100; ++it) {
            double p0 = 1.0, p1 = z;
            for (int k = 2; k <= n; ++k) {
                const double p2 = ((2.0 * k - 1.0) * z * p1 - (k - 1.0) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            if (n == 1) p0 = 1.0, p1 = z;
            dp = n * (z * p1 - p0) / (z * z - 1.0);
            const double dz = p1 / dp;
            z -= dz;
            if (std::abs(dz) < 1e-16) break;
        }
        if (n == 1) {
            x[0] = 0.0;
            w[0] = 2.0;
            return;
        }
        const double wi = 2.0 / ((1.0 - z * z) * dp * dp);
        x[std::size_t(i)] = -z;
        x[std::size_t(n - 1 - i)] = z;
        w[std::size_t(i)] = w[std::size_t(n - 1 - i)] = wi;
    }
    if (n % 2 == 1) x[std::size_t(n / 2)] = 0.0;
}

/// Composite Gauss-Legendre rule on [-length/2, length/2] for a function analytic within
/// `scale` [m] of the interval, relative error ~tol (the Bernstein-ellipse bound with a 20 %
/// margin on the distance and M = 100; measured on layered remainders over 5-60 km patches).
void quadrature_rule(double length, double scale, double tol, std::vector<double>& nodes,
                     std::vector<double>& weights) {
    const int n_pan = std::max(1, int(std::ceil(length / (2.0 * scale))));
    const double h = 0.5 * length / n_pan, a = 0.8 * scale / h;
    const double rho = a + std::sqrt(a * a + 1.0);
    int n =
        int(std::ceil(std::log(6400.0 / (15.0 * tol * (rho * rho - 1.0))) / (2.0 * std::log(rho))));
    n = std::min(std::max(n, 1), 40);
    std::vector<double> x, w;
    gauss_legendre(n, x, w);
    nodes.clear();
    weights.clear();
    for (int p = 0; p < n_pan; ++p) {
        const double c = -0.5 * length + h * (2.0 * p + 1.0);
        for (int k = 0; k < n; ++k) {
            nodes.push_back(c + h * x[std::size_t(k)]);
            weights.push_back(h * w[std::size_t(k)]);
        }
    }
}

struct Frame {
    Vec3 along, updip, normal;
    double xe, xn, ye, yn;  ///< Okada's x and y axes in (east, north)
};
Frame frame(double strike, double dip) {
    const double s = strike * kDeg, d = dip * kDeg;
    const Vec3 left{-std::cos(s), std::sin(s), 0.0};
    Frame f;
    f.along = {std::sin(s), std::cos(s), 0.0};
    for (int c = 0; c < 3; ++c) {
        const double up = c == 2 ? 1.0 : 0.0;
        f.updip[std::size_t(c)] = std::cos(d) * left[std::size_t(c)] + std::sin(d) * up;
        f.normal[std::size_t(c)] = -std::sin(d) * left[std::size_t(c)] + std::cos(d) * up;
    }
    f.xe = std::sin(s);
    f.xn = std::cos(s);
    f.ye = -std::cos(s);
    f.yn = std::sin(s);
    return f;
}

const Layer& layer_of(const EarthModel& m, std::size_t j) {
    return j < m.layers.size() ? m.layers[j] : m.halfspace;
}

/// Smallest decay depth [m] of the remainder between sources in [top, bottom] (one layer) and
/// a receiver at depth zr (down): a reflection inside their common layer, else the vertical
/// distance through the interface between them.
double quadrature_scale(const EarthModel& model, double top, double bottom, double zr) {
    const std::size_t ls = model.layer_at(0.5 * (top + bottom)), nl = model.layers.size();
    double best = std::numeric_limits<double>::infinity();
    const std::size_t lr = zr > 0 ? model.layer_at(zr) : 0;
    if (lr != ls) {
        best = std::max({top - zr, zr - bottom, 0.0});
    } else {
        if (ls < nl) best = std::min(best, 2.0 * model.interface_depth(ls) - bottom - zr);
        if (ls > 0) best = std::min(best, top + zr - 2.0 * model.interface_depth(ls - 1));
    }
    return std::max({best, 1e-3 * std::max(bottom - top, 1.0), 1.0});
}

/// Horizontal distance [m] from (px, py) to the farthest of n points (x, y), by squared
/// distances (hypot per pair was most of a 1,000-patch handle's construction).
double farthest(std::size_t n, const double* x, const double* y, double px, double py) {
    double r2 = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double dx = x[i] - px, dy = y[i] - py;
        r2 = std::max(r2, dx * dx + dy * dy);
    }
    return std::sqrt(r2);
}

std::string patch_name(const char* what, std::size_t q) {
    std::ostringstream s;
    s << what << "[" << q << "]";
    return s.str();
}

void require_patch(const FaultPatch& p, const char* what, std::size_t q) {
    const double v[8] = {p.east, p.north, p.depth, p.strike, p.dip, p.rake, p.length, p.width};
    const char* names[8] = {"east", "north", "depth", "strike", "dip", "rake", "length", "width"};
    auto bad = [&](int k, const char* allowed) {
        std::ostringstream m;
        m << patch_name(what, q) << "." << names[k] << " = " << v[k]
          << " is invalid; allowed: " << allowed;
        throw std::invalid_argument(m.str());
    };
    for (int k = 0; k < 8; ++k)
        if (!std::isfinite(v[k])) bad(k, "finite");
    if (!(p.depth > 0)) bad(2, "> 0 m (down)");
    if (!(p.dip >= 0 && p.dip <= 90)) bad(4, "[0, 90] deg");
    if (!(p.length > 0)) bad(6, "> 0 m");
    if (!(p.width > 0)) bad(7, "> 0 m");
    const double top = p.depth - 0.5 * p.width * std::sin(p.dip * kDeg);
    if (top < -1e-6) {
        std::ostringstream m;
        m << patch_name(what, q) << " has its top edge at depth " << top
          << " m, above the surface; allowed: depth - width/2 sin(dip) >= 0";
        throw std::invalid_argument(m.str());
    }
}

}  // namespace

/// One piece of a patch inside one layer: centre c (ENU), width w along dip, its potency per
/// unit area (ENU) and depth range [top, bottom] (down).
struct Piece {
    Vec3 c;
    double w;
    std::size_t layer;
    PotencyTensor e{};
    double top = 0.0, bottom = 0.0;
};
/// A quadrature node of the remainder: depth (down), epicentre, potency (weight included);
/// for the tables its depth panel and Lagrange weights there.
struct Node {
    double depth, east, north;
    PotencyTensor p;
    std::size_t panel = 0;
    double w[kGridPoints] = {};
};
struct PatchDesign {
    FaultPatch patch;
    Frame f;
    double ss, ds;  ///< slip (strike-slip, dip-slip) [m]
    std::vector<Piece> pieces;
    std::vector<Node> nodes;
};

/// The quadrature nodes of piece pc of patch P for a remainder analytic within `scale` [m] of
/// the piece (quadrature_rule along strike and down dip), appended to out.
void piece_nodes(const PatchDesign& P, const Piece& pc, double scale, double tol,
                 std::vector<Node>& out) {
    std::vector<double> xi, wx, eta, we;
    quadrature_rule(P.patch.length, scale, tol, xi, wx);
    quadrature_rule(pc.w, scale, tol, eta, we);
    for (std::size_t ie = 0; ie < eta.size(); ++ie)
        for (std::size_t ix = 0; ix < xi.size(); ++ix) {
            Vec3 c;
            for (int k1 = 0; k1 < 3; ++k1)
                c[std::size_t(k1)] = pc.c[std::size_t(k1)] + xi[ix] * P.f.along[std::size_t(k1)] +
                                     eta[ie] * P.f.updip[std::size_t(k1)];
            const double wt = wx[ix] * we[ie];
            Node nd{-c[2],
                    c[0],
                    c[1],
                    {pc.e.xx * wt, pc.e.yy * wt, pc.e.zz * wt, pc.e.xy * wt, pc.e.xz * wt,
                     pc.e.yz * wt}};
            out.push_back(nd);
        }
}

/// Patches with their quadrature fixed for a design set of receivers, and per node depth the
/// plan's decay-depth cap and radius floor over the whole design (so that any subset of rows
/// and columns resolves each entry identically).
struct Design {
    EarthModel model;
    GreensOptions o;
    double tol = 1e-6;
    std::vector<PatchDesign> pd;
    std::map<double, std::pair<double, double>> plan;  ///< depth -> (D_cap, r_floor)
};

Design make_design(const EarthModel& model, std::size_t m, const FaultPatch* patches,
                   const double* slip, std::size_t n, const double* x, const double* y,
                   const double* z, const GreensOptions& o, double tol, const char* what) {
    model.validate();
    require_options(o);
    if (!(tol > 0 && tol <= 0.1)) {
        std::ostringstream s;
        s << "tol = " << tol << " is invalid; allowed: (0, 0.1]";
        throw std::invalid_argument(s.str());
    }
    if (m > 0 && patches == nullptr) throw std::invalid_argument("patches is a null pointer");
    for (std::size_t q = 0; q < m; ++q) require_patch(patches[q], what, q);
    Design d;
    d.model = model;
    d.o = o;
    d.tol = tol;
    std::vector<double> zs(n);
    for (std::size_t i = 0; i < n; ++i) zs[i] = -z[i] + 0.0;
    std::sort(zs.begin(), zs.end());
    zs.erase(std::unique(zs.begin(), zs.end()), zs.end());
    const bool layered = !model.layers.empty();
    d.pd.resize(m);
    for (std::size_t q = 0; q < m; ++q) {
        PatchDesign& P = d.pd[q];
        const FaultPatch& p = patches[q];
        P.patch = p;
        P.f = frame(p.strike, p.dip);
        P.ss = slip[2 * q];
        P.ds = slip[2 * q + 1];
        const double sd = std::sin(p.dip * kDeg), half = 0.5 * p.width;
        const double top = p.depth - half * sd, bottom = p.depth + half * sd;
        std::vector<double> cuts{-half, half};
        if (sd > 0)
            for (std::size_t i = 0; i < model.layers.size(); ++i) {
                const double zi = model.interface_depth(i);
                if (top < zi && zi < bottom) cuts.push_back((p.depth - zi) / sd);
            }
        std::sort(cuts.begin(), cuts.end());
        for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
            const double lo = cuts[k], hi = cuts[k + 1];
            if (hi - lo <= 1e-9 * p.width) continue;
            const std::size_t j = model.layer_at(p.depth - 0.5 * (lo + hi) * sd);
            const double eta_c = 0.5 * (lo + hi), w = hi - lo;
            Piece pc{{p.east + eta_c * P.f.updip[0], p.north + eta_c * P.f.updip[1],
                      -p.depth + eta_c * P.f.updip[2]},
                     w,
                     j};
            pc.top = -pc.c[2] - 0.5 * w * sd;
            pc.bottom = -pc.c[2] + 0.5 * w * sd;
            const Layer& L = layer_of(model, j);
            const double pot[4] = {P.ss, P.ds, 0.0, 0.0};
            const PotencyTensor u = okada_potency_tensor(p.dip, pot, L.rheology.mu_M, L.lam);
            // Okada's frame -> ENU: e = R m Rᵀ, R's columns Okada's axes.
            const double R[3][3] = {{P.f.xe, P.f.ye, 0.0}, {P.f.xn, P.f.yn, 0.0}, {0, 0, 1.0}};
            const double mo[3][3] = {{u.xx, u.xy, u.xz}, {u.xy, u.yy, u.yz}, {u.xz, u.yz, u.zz}};
            double e[3][3] = {};
            for (int a = 0; a < 3; ++a)
                for (int b = 0; b < 3; ++b)
                    for (int k1 = 0; k1 < 3; ++k1)
                        for (int k2 = 0; k2 < 3; ++k2) e[a][b] += R[a][k1] * mo[k1][k2] * R[b][k2];
            pc.e = {e[0][0], e[1][1], e[2][2], e[0][1], e[0][2], e[1][2]};
            P.pieces.push_back(pc);
            if (!layered) continue;
            double scale = std::numeric_limits<double>::infinity();
            for (double zr : zs)
                scale = std::min(scale, quadrature_scale(model, pc.top, pc.bottom, zr));
            piece_nodes(P, pc, scale, tol, P.nodes);
        }
    }
    // The plan of each node depth over every design receiver.
    for (const PatchDesign& P : d.pd)
        for (const Node& nd : P.nodes) {
            auto it = d.plan.find(nd.depth);
            if (it == d.plan.end()) {
                double D = 1e300;
                for (double zr : zs) D = std::min(D, decay_depth_between(model, nd.depth, zr));
                it = d.plan.emplace(nd.depth, std::make_pair(D, 0.0)).first;
            }
            double& r = it->second.second;
            r = std::max(r, farthest(n, x, y, nd.east, nd.north));
        }
    return d;
}

/// Homogeneous time factors per source layer: f, μ f, λ f (nt x kHomogeneousBasis each).
using LayerFactors = std::map<std::size_t, std::array<std::vector<double>, 3>>;

LayerFactors layer_factors(const Design& d, std::size_t m, const std::size_t* cols, std::size_t nt,
                           const double* times) {
    LayerFactors factors;
    for (std::size_t q = 0; q < m; ++q)
        for (const Piece& pc : d.pd[cols[q]].pieces)
            if (!factors.count(pc.layer)) {
                std::array<std::vector<double>, 3> f;
                for (auto& v : f) v.resize(nt * kHomogeneousBasis);
                homogeneous_depth_factors(layer_of(d.model, pc.layer), nt, times, f[0].data(),
                                          f[1].data(), f[2].data(), d.o);
                factors.emplace(pc.layer, std::move(f));
            }
    return factors;
}

/// Adds the homogeneous part (Okada's DC3D at depth, exact in time) of the pairs qi in [b, e)
/// (qi = i m + q: design column cols[q], point (x, y, z)[i]) to grad, stress [((it m + q) n +
/// i) 9 + ...] (optional); on an edge NaN there and flags[q n + i] = traction_edge.
void homogeneous_pairs(const Design& d, const LayerFactors& factors, std::size_t m,
                       const std::size_t* cols, std::size_t n, const double* x, const double* y,
                       const double* z, std::size_t nt, double* grad, double* stress,
                       std::uint8_t* flags, std::size_t b, std::size_t e) {
    const std::size_t NB = kHomogeneousBasis;
    for (std::size_t qi = b; qi < e; ++qi) {
        const std::size_t i = qi / m, q = qi % m;
        const PatchDesign& P = d.pd[cols[q]];
        bool singular = false;
        for (const Piece& pc : P.pieces) {
            const double ex = x[i] - pc.c[0], ny = y[i] - pc.c[1];
            const double xo = ex * P.f.xe + ny * P.f.xn, yo = ex * P.f.ye + ny * P.f.yn;
            double basis[3][9] = {};
            OkadaField fields[kOkadaMedia];
            singular |= !dc3d_media(kAlphas, xo, yo, z[i], -pc.c[2], P.patch.dip,
                                    -0.5 * P.patch.length, 0.5 * P.patch.length, -0.5 * pc.w,
                                    0.5 * pc.w, {P.ss, P.ds, 0.0}, fields);
            for (int a = 0; a < 3; ++a) {
                const OkadaField& of = fields[a];
                // Okada's frame -> ENU: R g Rᵀ.
                const double R[3][3] = {
                    {P.f.xe, P.f.ye, 0.0}, {P.f.xn, P.f.yn, 0.0}, {0.0, 0.0, 1.0}};
                double g[9] = {};
                for (int r = 0; r < 3; ++r)
                    for (int c = 0; c < 3; ++c) {
                        double s = 0.0;
                        for (int k1 = 0; k1 < 3; ++k1)
                            for (int k2 = 0; k2 < 3; ++k2)
                                s += R[r][k1] * of.g[std::size_t(3 * k1 + k2)] * R[c][k2];
                        g[3 * r + c] = s;
                    }
                const double a1 = kAlphas[(a + 1) % 3], a2 = kAlphas[(a + 2) % 3];
                const double wq = kAlphas[a] / ((kAlphas[a] - a1) * (kAlphas[a] - a2));
                for (int c = 0; c < 9; ++c) {
                    basis[0][c] -= wq * g[c] * (a1 + a2);
                    basis[1][c] += wq * g[c];
                    basis[2][c] += wq * g[c] * a1 * a2;
                }
            }
            const auto& F = factors.at(pc.layer);
            for (std::size_t it = 0; it < nt; ++it) {
                const std::size_t o_ = ((it * m + q) * n + i) * 9;
                for (int bb = 0; bb < 3; ++bb) {
                    const double* gb = basis[bb];
                    const double f = F[0][it * NB + std::size_t(bb)];
                    const double mf = F[1][it * NB + std::size_t(bb)];
                    const double lf = F[2][it * NB + std::size_t(bb)];
                    const double tr = gb[0] + gb[4] + gb[8];
                    for (int r = 0; r < 3; ++r)
                        for (int c = 0; c < 3; ++c) {
                            if (grad) grad[o_ + std::size_t(3 * r + c)] += f * gb[3 * r + c];
                            if (stress)
                                stress[o_ + std::size_t(3 * r + c)] +=
                                    mf * (gb[3 * r + c] + gb[3 * c + r]) + (r == c ? lf * tr : 0.0);
                        }
                }
            }
        }
        if (singular) {
            if (flags) flags[q * n + i] = traction_edge;
            const double nan = std::numeric_limits<double>::quiet_NaN();
            for (std::size_t it = 0; it < nt; ++it)
                for (int c = 0; c < 9; ++c) {
                    const std::size_t o_ = ((it * m + q) * n + i) * 9 + std::size_t(c);
                    if (grad) grad[o_] = nan;
                    if (stress) stress[o_] = nan;
                }
        }
    }
}

/// The homogeneous part of design columns cols[q] at points (x, y, z): grad, stress [((it m +
/// q) n + i) 9 + ...] (optional, overwritten); flags[q n + i] = traction_edge on an edge.
void homogeneous_field(const Design& d, std::size_t m, const std::size_t* cols, std::size_t n,
                       const double* x, const double* y, const double* z, std::size_t nt,
                       const double* times, double* grad, double* stress, std::uint8_t* flags) {
    const std::size_t total = nt * m * n * 9;
    if (grad) std::fill(grad, grad + total, 0.0);
    if (stress) std::fill(stress, stress + total, 0.0);
    if (flags) std::fill(flags, flags + m * n, std::uint8_t(0));
    if (m == 0 || n == 0 || nt == 0) return;
    const LayerFactors factors = layer_factors(d, m, cols, nt, times);
    parallel_for(m * n, d.o.threads, 16, [&](std::size_t b, std::size_t e) {
        homogeneous_pairs(d, factors, m, cols, n, x, y, z, nt, grad, stress, flags, b, e);
    });
}

/// Adds the layered remainder from the design's nodes, a Bessel row per (node, receiver) pair
/// and time kernels per node depth (the direct evaluation).
void remainder_direct(const Design& d, std::size_t m, const std::size_t* cols, std::size_t n,
                      const double* x, const double* y, const double* z, std::size_t nt,
                      const double* times, double* grad, double* stress) {
    if (m == 0 || n == 0 || nt == 0) return;
    std::map<double, std::vector<std::pair<std::size_t, const Node*>>> groups;
    for (std::size_t q = 0; q < m; ++q)
        for (const Node& nd : d.pd[cols[q]].nodes) groups[nd.depth].push_back({q, &nd});
    for (const auto& [depth, rows] : groups) {
        const std::size_t mq = rows.size();
        std::vector<PotencyTensor> p(mq);
        std::vector<double> ox(mq * n), oy(mq * n);
        for (std::size_t k = 0; k < mq; ++k) {
            p[k] = rows[k].second->p;
            for (std::size_t i = 0; i < n; ++i) {
                ox[k * n + i] = x[i] - rows[k].second->east;
                oy[k * n + i] = y[i] - rows[k].second->north;
            }
        }
        const auto& pl = d.plan.at(depth);
        std::vector<double> g2(grad ? nt * mq * n * 9 : 0), s2(stress ? nt * mq * n * 9 : 0);
        point_sources_at_depth_planned(d.model, depth, mq, p.data(), n, ox.data(), oy.data(), z, nt,
                                       times, nullptr, grad ? g2.data() : nullptr,
                                       stress ? s2.data() : nullptr, d.o, false, pl.first,
                                       pl.second);
        for (std::size_t it = 0; it < nt; ++it)
            for (std::size_t k = 0; k < mq; ++k) {
                const std::size_t q = rows[k].first;
                for (std::size_t j = 0; j < n * 9; ++j) {
                    const std::size_t src = (it * mq + k) * n * 9 + j;
                    const std::size_t dst = (it * m + q) * n * 9 + j;
                    if (grad) grad[dst] += g2[src];
                    if (stress) stress[dst] += s2[src];
                }
            }
    }
}

/// grad, stress [((it m + q) n + i) 9 + ...] (optional) of design columns cols[q] at points
/// (x, y, z); flags[q n + i] = traction_edge on an edge (NaN there).
void design_field(const Design& d, std::size_t m, const std::size_t* cols, std::size_t n,
                  const double* x, const double* y, const double* z, std::size_t nt,
                  const double* times, double* grad, double* stress, std::uint8_t* flags) {
    homogeneous_field(d, m, cols, n, x, y, z, nt, times, grad, stress, flags);
    remainder_direct(d, m, cols, n, x, y, z, nt, times, grad, stress);
}

/// Traction (along strike, up dip, normal) on the receivers' patches from their stress
/// sig[((it mc + j) nr + r) 9 + ...], for block rows ri[r] (patches rows[ri[r]]) and block
/// columns c0 + j: out[((it n_rows + ri[r]) n_cols + c0 + j) 3 + ...], and flags[ri[r] n_cols +
/// c0 + j] (optional) from fl[j nr + r], traction_self for a patch seen from its own centre.
void project_traction(const Design& d, std::size_t nr, const std::size_t* ri,
                      const std::size_t* rows, std::size_t mc, std::size_t c0,
                      const std::size_t* cols, std::size_t n_rows, std::size_t n_cols,
                      std::size_t nt, const double* sig, const std::uint8_t* fl, double* out,
                      std::uint8_t* flags) {
    for (std::size_t r = 0; r < nr; ++r) {
        const std::size_t i = ri[r];
        const Frame& f = d.pd[rows[i]].f;
        const Vec3* axes[3] = {&f.along, &f.updip, &f.normal};
        for (std::size_t j = 0; j < mc; ++j) {
            for (std::size_t it = 0; it < nt; ++it) {
                const double* s = &sig[((it * mc + j) * nr + r) * 9];
                double t[3];
                for (int a = 0; a < 3; ++a)
                    t[a] = s[3 * a] * f.normal[0] + s[3 * a + 1] * f.normal[1] +
                           s[3 * a + 2] * f.normal[2];
                double* o = &out[((it * n_rows + i) * n_cols + c0 + j) * 3];
                for (int c = 0; c < 3; ++c)
                    o[c] = t[0] * (*axes[c])[0] + t[1] * (*axes[c])[1] + t[2] * (*axes[c])[2];
            }
            if (!flags) continue;
            const FaultPatch &a = d.pd[rows[i]].patch, &b = d.pd[cols[c0 + j]].patch;
            const bool same = rows[i] == cols[c0 + j] ||
                              (a.east == b.east && a.north == b.north && a.depth == b.depth &&
                               a.strike == b.strike && a.dip == b.dip);
            std::uint8_t v = fl[j * nr + r];
            if (v == 0 && same) v = traction_self;
            flags[i * n_cols + c0 + j] = v;
        }
    }
}

}  // namespace detail

void patches_at_depth(const EarthModel& model, std::size_t m, const FaultPatch* patches,
                      const double* slip, std::size_t n, const double* x, const double* y,
                      const double* z, std::size_t nt, const double* times, double* grad,
                      double* stress, std::uint8_t* flags, const GreensOptions& o, double tol) {
    if (m > 0 && slip == nullptr) throw std::invalid_argument("slip is a null pointer");
    detail::require_finite("slip", 2 * m, slip, false);
    detail::require_finite("x", n, x, false);
    detail::require_finite("y", n, y, false);
    detail::require_finite("z", n, z, false);
    detail::require_finite("times", nt, times, true);
    for (std::size_t i = 0; i < n; ++i)
        if (z[i] > 0.0) {
            std::ostringstream s;
            s << "z[" << i << "] = " << z[i]
              << " is invalid: the receiver is above the free surface; allowed: <= 0 m";
            throw std::invalid_argument(s.str());
        }
    const detail::Design d =
        detail::make_design(model, m, patches, slip, n, x, y, z, o, tol, "patches");
    std::vector<std::size_t> cols(m);
    for (std::size_t q = 0; q < m; ++q) cols[q] = q;
    detail::design_field(d, m, cols.data(), n, x, y, z, nt, times, grad, stress, flags);
}

namespace detail {
namespace {

/// Horizontal half-diagonal [m] of a piece's footprint (every node lies within it of the
/// piece's centre).
double half_diagonal(const PatchDesign& P, const Piece& pc) {
    return std::hypot(0.5 * P.patch.length, 0.5 * pc.w * std::cos(P.patch.dip * kDeg));
}

/// The power of 2 [m] at or below the scale within which the remainder from piece pc is
/// analytic seen from receiver (x, y, depth zr): its decay depth (quadrature_scale) and the
/// horizontal distance to the piece (the remainder falls off like (ρ² + D²)^-p), so that far
/// pairs take few nodes. An exponent, so that pairs share their nodes.
int pair_exponent(const Design& d, const PatchDesign& P, const Piece& pc, double x, double y,
                  double zr) {
    const double dx = x - pc.c[0], dy = y - pc.c[1];
    const double rho = std::max(0.0, std::sqrt(dx * dx + dy * dy) - half_diagonal(P, pc));
    const double D = quadrature_scale(d.model, pc.top, pc.bottom, zr);
    return int(std::floor(std::log2(std::sqrt(rho * rho + D * D))));
}

}  // namespace
}  // namespace detail

struct TractionKernels::Impl {
    detail::Design d;
    std::vector<double> cx, cy, cz;   ///< patch centres (receivers)
    detail::DepthGrid grid;           ///< source-depth grid of the tables (no panels: no layers)
    std::vector<std::size_t> iz;      ///< each centre's index in grid.receivers
    std::vector<std::size_t> piece0;  ///< first piece of each patch in a flat numbering

    // Caches, built lazily under mu: the nodes of (piece, scale exponent) (never removed, so
    // pointers to them stay valid), and the tables of each panel at the last set of times.
    mutable std::mutex mu;
    mutable std::map<std::pair<std::size_t, int>, std::vector<detail::Node>> nodes;
    mutable std::vector<double> times;
    mutable std::vector<std::shared_ptr<const detail::PanelTables>> tables;

    /// Panel p's tables at times t (nt), under mu: the cache reset when the times differ;
    /// built when missing and `build`, else returned as they are (null when missing).
    std::shared_ptr<const detail::PanelTables>& cached(std::size_t p, std::size_t nt,
                                                       const double* t, bool build) const;

    /// The block from the tables (TractionKernels::block's out and flags, flags optional).
    void tables_block(std::size_t n_rows, const std::size_t* rows, std::size_t n_cols,
                      const std::size_t* cols, std::size_t nt, const double* t, double* out,
                      std::uint8_t* flags) const;
};

std::shared_ptr<const detail::PanelTables>& TractionKernels::Impl::cached(std::size_t p,
                                                                          std::size_t nt,
                                                                          const double* t,
                                                                          bool build) const {
    const std::vector<double> tv(t, t + nt);
    if (tv != times || tables.size() != grid.panels.size()) {
        times = tv;
        tables.assign(grid.panels.size(), nullptr);
    }
    if (build && !tables[p])
        tables[p] = std::make_shared<const detail::PanelTables>(
            detail::panel_tables(d.model, grid, p, times, d.o));
    return tables[p];
}

void TractionKernels::Impl::tables_block(std::size_t n_rows, const std::size_t* rows,
                                         std::size_t n_cols, const std::size_t* cols,
                                         std::size_t nt, const double* t, double* out,
                                         std::uint8_t* flags) const {
    const std::size_t m = n_cols, n = n_rows;
    std::vector<std::size_t> off(m + 1, 0);
    for (std::size_t q = 0; q < m; ++q) off[q + 1] = off[q] + d.pd[cols[q]].pieces.size();
    auto exponent = [&](std::size_t q, std::size_t k, std::size_t i) {
        const detail::PatchDesign& P = d.pd[cols[q]];
        return detail::pair_exponent(d, P, P.pieces[k], cx[rows[i]], cy[rows[i]],
                                     -cz[rows[i]] + 0.0);
    };
    // Each column piece's node sets by scale exponent (lo: its smallest), found or made under
    // mu (the exponents in parallel first); the panels they need; tables built if missing.
    struct Sets {
        int lo = 0;
        std::vector<const std::vector<detail::Node>*> by;
    };
    std::vector<Sets> sets(off[m]);
    std::vector<std::vector<int>> seen(off[m]);
    detail::parallel_for(m, d.o.threads, 1, [&](std::size_t q0, std::size_t q1) {
        std::vector<int> ex(n);
        for (std::size_t q = q0; q < q1; ++q)
            for (std::size_t k = 0; k < off[q + 1] - off[q]; ++k) {
                for (std::size_t i = 0; i < n; ++i) ex[i] = exponent(q, k, i);
                std::sort(ex.begin(), ex.end());
                seen[off[q] + k].assign(ex.begin(), std::unique(ex.begin(), ex.end()));
            }
    });
    std::vector<std::shared_ptr<const detail::PanelTables>> tab;
    {
        std::lock_guard<std::mutex> lock(mu);
        std::vector<char> need(grid.panels.size(), 0);
        for (std::size_t q = 0; q < m; ++q) {
            const detail::PatchDesign& P = d.pd[cols[q]];
            for (std::size_t k = 0; k < P.pieces.size(); ++k) {
                const std::vector<int>& ex = seen[off[q] + k];
                Sets& st = sets[off[q] + k];
                st.lo = ex.empty() ? 0 : ex.front();
                st.by.assign(ex.empty() ? 0 : std::size_t(ex.back() - st.lo + 1), nullptr);
                for (const int e : ex) {
                    auto it = nodes.find({piece0[cols[q]] + k, e});
                    if (it == nodes.end()) {
                        std::vector<detail::Node> v;
                        detail::piece_nodes(P, P.pieces[k], std::ldexp(1.0, e), d.tol, v);
                        for (detail::Node& nd : v)
                            nd.panel = grid.locate(nd.depth, P.pieces[k].layer, nd.w);
                        it = nodes.emplace(std::make_pair(piece0[cols[q]] + k, e), std::move(v))
                                 .first;
                    }
                    for (const detail::Node& nd : it->second) need[nd.panel] = 1;
                    st.by[std::size_t(e - st.lo)] = &it->second;
                }
            }
        }
        for (std::size_t p = 0; p < grid.panels.size(); ++p)
            if (need[p]) cached(p, nt, t, true);
        tab = tables;
    }
    const detail::LayerFactors factors = detail::layer_factors(d, m, cols, nt, t);
    // Work items: (up to `per` receivers of one depth) x (a chunk of mc columns), handed out
    // one at a time (their costs differ). An item's nodes are grouped by (panel, node depth):
    // each group's tables are interpolated in depth once, over the radii its nodes read
    // (depth_rows), and stay in cache while every node of the group reads them (a cache of
    // single rows missed 3 times in 10: 22x the distinct rows, from memory). Groups run in
    // (panel, depth) order, so an entry sums its nodes in an order of its own, whatever the
    // block's other rows and columns.
    const std::size_t F = nt * detail::kStressRadial, S = nt * 9;
    const unsigned T = detail::resolve_threads(d.o.threads);
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return iz[rows[a]] < iz[rows[b]]; });
    const std::size_t per = std::max<std::size_t>(1, n / (4 * T));
    std::vector<std::size_t> ub{0};
    for (std::size_t k = 0; k < n;) {
        std::size_t e = k;
        while (e < n && e - k < per && iz[rows[order[e]]] == iz[rows[order[k]]]) ++e;
        ub.push_back(k = e);
    }
    const std::size_t units = ub.size() - 1, max_nr = std::max<std::size_t>(1, std::min(per, n));
    // Column chunks: an item's stress buffers within ~32 MB each, and at least 4 items a thread.
    const std::size_t by_memory = (max_nr * m * S * sizeof(double) + (32u << 20) - 1) >> 25;
    const std::size_t n_chunks = std::min(
        m, std::max({by_memory, (4 * std::size_t(T) + units - 1) / units, std::size_t(1)}));
    const std::size_t mc_max = (m + n_chunks - 1) / n_chunks;
    detail::parallel_chunks(units * n_chunks, d.o.threads, 1, [&](auto next) {
        struct Item {
            std::size_t pair;  ///< r mc + q, r the receiver's place in the item
            const detail::Node* nd;
            std::size_t j;  ///< the radius's cubic stencil: rows j .. j + 3, weights c
            double c[4];
        };
        struct Group {
            std::size_t lo = ~std::size_t(0), hi = 0;  ///< radius rows [lo, hi)
            std::vector<Item> items;
        };
        std::map<std::pair<std::size_t, double>, Group> groups;
        std::vector<double> buf, rem, sig, x, y, z;
        std::vector<std::uint8_t> fl;
        std::size_t i0, i1;
        while (next(i0, i1))
            for (std::size_t item = i0; item < i1; ++item) {
                const std::size_t u = item / n_chunks, c0 = (item % n_chunks) * mc_max;
                const std::size_t mc = std::min(mc_max, m - c0), r0 = ub[u], nr = ub[u + 1] - r0;
                const std::size_t zi = iz[rows[order[r0]]];
                x.resize(nr);
                y.resize(nr);
                z.resize(nr);
                for (std::size_t r = 0; r < nr; ++r) {
                    const std::size_t row = rows[order[r0 + r]];
                    x[r] = cx[row];
                    y[r] = cy[row];
                    z[r] = cz[row];
                }
                sig.assign(nt * mc * nr * 9, 0.0);
                fl.assign(mc * nr, 0);
                detail::homogeneous_pairs(d, factors, mc, cols + c0, nr, x.data(), y.data(),
                                          z.data(), nt, nullptr, sig.data(), fl.data(), 0, mc * nr);
                for (auto& [key, g] : groups) g.items.clear();
                for (std::size_t r = 0; r < nr; ++r)
                    for (std::size_t q = 0; q < mc; ++q)
                        for (std::size_t k = off[c0 + q]; k < off[c0 + q + 1]; ++k) {
                            const Sets& st = sets[k];
                            const int e = exponent(c0 + q, k - off[c0 + q], order[r0 + r]);
                            for (const detail::Node& nd : *st.by[std::size_t(e - st.lo)]) {
                                Group& g = groups[{nd.panel, nd.depth}];
                                if (g.items.empty()) g.lo = ~std::size_t(0), g.hi = 0;
                                Item it{r * mc + q, &nd, 0, {}};
                                it.j = detail::radial_stencil(grid, nd.panel, x[r] - nd.east,
                                                              y[r] - nd.north, it.c);
                                g.lo = std::min(g.lo, it.j);
                                g.hi = std::max(g.hi, it.j + 4);
                                g.items.push_back(it);
                            }
                        }
                rem.assign(nr * mc * S, 0.0);
                for (const auto& [key, g] : groups) {
                    if (g.items.empty()) continue;
                    const std::size_t panel = key.first;
                    buf.resize((g.hi - g.lo) * F);
                    detail::depth_rows(*tab[panel], grid.panels[panel].n_r, zi, g.items[0].nd->w,
                                       g.lo, g.hi, buf.data());
                    for (const Item& it : g.items) {
                        const std::size_t r = it.pair / mc;
                        detail::rows_stress(nt, &buf[(it.j - g.lo) * F], it.c, it.nd->p,
                                            x[r] - it.nd->east, y[r] - it.nd->north,
                                            &rem[it.pair * S]);
                    }
                }
                for (std::size_t r = 0; r < nr; ++r)
                    for (std::size_t q = 0; q < mc; ++q)
                        for (std::size_t it = 0; it < nt; ++it)
                            for (std::size_t c = 0; c < 9; ++c)
                                sig[((it * mc + q) * nr + r) * 9 + c] +=
                                    rem[(r * mc + q) * S + it * 9 + c];
                detail::project_traction(d, nr, &order[r0], rows, mc, c0, cols, n_rows, n_cols, nt,
                                         sig.data(), fl.data(), out, flags);
            }
    });
}

TractionKernels::TractionKernels(const EarthModel& model, std::vector<FaultPatch> patches,
                                 const GreensOptions& o, double tol)
    : impl_(nullptr) {
    const std::size_t m = patches.size();
    std::vector<double> slip(2 * m), cx(m), cy(m), cz(m);
    for (std::size_t q = 0; q < m; ++q) {
        detail::require_patch(patches[q], "patches", q);
        slip[2 * q] = std::cos(patches[q].rake * detail::kDeg);
        slip[2 * q + 1] = std::sin(patches[q].rake * detail::kDeg);
        cx[q] = patches[q].east;
        cy[q] = patches[q].north;
        cz[q] = -patches[q].depth;
    }
    auto impl = std::make_unique<Impl>();
    impl->d = detail::make_design(model, m, patches.data(), slip.data(), m, cx.data(), cy.data(),
                                  cz.data(), o, tol, "patches");
    impl->cx = cx;
    impl->cy = cy;
    impl->cz = cz;
    // The tables' depth grid over every piece's depth range and every centre's depth.
    std::vector<double> top, bottom, zr(m);
    std::vector<std::size_t> layer;
    double r_max = 0.0;
    for (std::size_t q = 0; q < m; ++q) {
        impl->piece0.push_back(top.size());
        zr[q] = -cz[q] + 0.0;
        for (const detail::Piece& pc : impl->d.pd[q].pieces) {
            top.push_back(pc.top);
            bottom.push_back(pc.bottom);
            layer.push_back(pc.layer);
            const double hd = detail::half_diagonal(impl->d.pd[q], pc);
            r_max =
                std::max(r_max, detail::farthest(m, cx.data(), cy.data(), pc.c[0], pc.c[1]) + hd);
        }
    }
    impl->grid = detail::make_depth_grid(model, top, bottom, layer, zr, r_max, o);
    const auto& rec = impl->grid.receivers;
    for (std::size_t q = 0; q < m; ++q)
        impl->iz.push_back(
            std::size_t(std::lower_bound(rec.begin(), rec.end(), zr[q]) - rec.begin()));
    impl_ = impl.release();
}

TractionKernels::~TractionKernels() { delete impl_; }

std::size_t TractionKernels::size() const noexcept { return impl_->d.pd.size(); }

const FaultPatch& TractionKernels::patch(std::size_t i) const {
    if (i >= size()) {
        std::ostringstream s;
        s << "patch index " << i << " is invalid; allowed: < " << size();
        throw std::invalid_argument(s.str());
    }
    return impl_->d.pd[i].patch;
}

namespace {

void check_panel(std::size_t p, std::size_t n, std::size_t nt, const double* times) {
    if (p >= n) {
        std::ostringstream s;
        s << "panel " << p << " is invalid; allowed: < " << n << " (the depth grid's panels)";
        throw std::invalid_argument(s.str());
    }
    if (nt > 0 && times == nullptr) throw std::invalid_argument("times is a null pointer");
    detail::require_finite("times", nt, times, true);
}

}  // namespace

std::size_t TractionKernels::n_panels() const noexcept { return impl_->grid.panels.size(); }

std::vector<double> TractionKernels::panel_tables(std::size_t p, std::size_t nt,
                                                  const double* times) const {
    check_panel(p, n_panels(), nt, times);
    std::lock_guard<std::mutex> lock(impl_->mu);
    const auto& t = impl_->cached(p, nt, times, true)->t;
    return std::vector<double>(t.begin(), t.end());
}

std::size_t TractionKernels::panel_table_size(std::size_t p, std::size_t nt) const {
    check_panel(p, n_panels(), 0, nullptr);
    const detail::DepthGrid& g = impl_->grid;
    return g.receivers.size() * detail::kGridPoints * g.panels[p].n_r * nt * detail::kStressRadial;
}

void TractionKernels::set_panel_tables(std::size_t p, std::size_t nt, const double* times,
                                       const double* data, std::size_t size) const {
    check_panel(p, n_panels(), nt, times);
    const std::size_t want = panel_table_size(p, nt);
    if (size != want) {
        std::ostringstream s;
        s << "panel " << p << ": " << size << " table values is invalid; allowed: " << want
          << " (this handle's grid at " << nt << " times)";
        throw std::invalid_argument(s.str());
    }
    if (size > 0 && data == nullptr) throw std::invalid_argument("data is a null pointer");
    fill_panel_tables(p, nt, times,
                      [&](double* out, std::size_t) { std::copy(data, data + size, out); });
}

void TractionKernels::fill_panel_tables(
    std::size_t p, std::size_t nt, const double* times,
    const std::function<void(double*, std::size_t)>& fill) const {
    check_panel(p, n_panels(), nt, times);
    const std::size_t size = panel_table_size(p, nt);
    auto tab = std::make_shared<detail::PanelTables>();
    tab->nt = nt;
    tab->t.resize(size);
    fill(tab->t.data(), size);
    detail::require_finite("data", size, tab->t.data(), false);
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->cached(p, nt, times, false) = std::move(tab);
}

void TractionKernels::block(std::size_t n_rows, const std::size_t* rows, std::size_t n_cols,
                            const std::size_t* cols, std::size_t nt, const double* times,
                            double* out, std::uint8_t* flags) const {
    evaluate(n_rows, rows, n_cols, cols, nt, times, out, flags, false);
}

void TractionKernels::block_direct(std::size_t n_rows, const std::size_t* rows, std::size_t n_cols,
                                   const std::size_t* cols, std::size_t nt, const double* times,
                                   double* out, std::uint8_t* flags) const {
    evaluate(n_rows, rows, n_cols, cols, nt, times, out, flags, true);
}

void TractionKernels::evaluate(std::size_t n_rows, const std::size_t* rows, std::size_t n_cols,
                               const std::size_t* cols, std::size_t nt, const double* times,
                               double* out, std::uint8_t* flags, bool direct) const {
    const std::size_t m = size();
    auto check = [&](const char* name, std::size_t k, const std::size_t* idx) {
        if (k > 0 && idx == nullptr) throw std::invalid_argument(std::string(name) + " is null");
        for (std::size_t i = 0; i < k; ++i)
            if (idx[i] >= m) {
                std::ostringstream s;
                s << name << "[" << i << "] = " << idx[i] << " is invalid; allowed: < " << m
                  << " (the number of patches)";
                throw std::invalid_argument(s.str());
            }
    };
    check("rows", n_rows, rows);
    check("cols", n_cols, cols);
    if (nt > 0 && times == nullptr) throw std::invalid_argument("times is a null pointer");
    detail::require_finite("times", nt, times, true);
    if (n_rows * n_cols * nt > 0 && out == nullptr)
        throw std::invalid_argument("out is a null pointer");
    if (n_rows == 0 || n_cols == 0 || nt == 0) return;
    const Impl& I = *impl_;
    if (!direct) return I.tables_block(n_rows, rows, n_cols, cols, nt, times, out, flags);
    std::vector<double> x(n_rows), y(n_rows), z(n_rows);
    std::vector<std::size_t> ri(n_rows);
    for (std::size_t i = 0; i < n_rows; ++i) {
        x[i] = I.cx[rows[i]];
        y[i] = I.cy[rows[i]];
        z[i] = I.cz[rows[i]];
        ri[i] = i;
    }
    // Columns in chunks: the stress of a chunk (nt, chunk, n_rows, 9) stays within ~64 MB.
    const std::size_t chunk = std::max<std::size_t>(1, (std::size_t(8) << 20) / (nt * n_rows * 9));
    std::vector<double> sig;
    std::vector<std::uint8_t> fl;
    for (std::size_t c0 = 0; c0 < n_cols; c0 += chunk) {
        const std::size_t mc = std::min(chunk, n_cols - c0);
        sig.resize(nt * mc * n_rows * 9);
        fl.resize(mc * n_rows);
        detail::design_field(I.d, mc, cols + c0, n_rows, x.data(), y.data(), z.data(), nt, times,
                             nullptr, sig.data(), fl.data());
        detail::project_traction(I.d, n_rows, ri.data(), rows, mc, c0, cols, n_rows, n_cols, nt,
                                 sig.data(), fl.data(), out, flags);
    }
}

}  // namespace viscoann
