// The exact solver: layered kernel minus the homogeneous half-space kernel of the source
// layer (whose spatial form is Okada's closed form u = A + r(s) B), inverted to time per
// wavenumber on Talbot's contour, Hankel-transformed to radial tables, then evaluated at the
// points with the exact azimuthal factors of the m = 2 source (sin2φ, cos2φ). The general
// DC3D0 point source (harmonics m = 0, 1, 2) shares every stage, hence one ~650-line file.
#include "viscoann/greens.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "hankel.hpp"
#include "laplace.hpp"
#include "okada_canonical.hpp"
#include "parallel_for.hpp"
#include "propagator.hpp"
#include "viscoann/okada.hpp"

namespace viscoann {

namespace {

using detail::cplx;
constexpr double kPi = 3.14159265358979323846;

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void require_finite(const char* name, std::size_t n, const double* v, bool nonneg) {
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(v[i]) || (nonneg && v[i] < 0)) {
            std::ostringstream m;
            m << name << "[" << i << "] = " << v[i] << " is invalid; allowed: finite"
              << (nonneg ? " >= 0" : "");
            throw std::invalid_argument(m.str());
        }
}

void require_depth(double depth) {
    if (!(std::isfinite(depth) && depth > 0)) {
        std::ostringstream m;
        m << "depth = " << depth << " is invalid; allowed: finite > 0 m (below the surface)";
        throw std::invalid_argument(m.str());
    }
}

// Depth scale D of the remainder's decay e^{-kD}: reflections off the first interface below a
// source in the top layer travel 2H - d; below any interface the transmitted field decays
// like the direct one, e^{-kd}.
double decay_depth(const EarthModel& model, double depth) {
    if (!model.layers.empty() && model.layer_at(depth) == 0)
        return 2.0 * model.layers[0].thickness - depth;
    return depth;
}

// Resolution shared by every (depth, viscosity) of one call.
struct Plan {
    detail::WavenumberRule rule;
    double D = 0.0, r_max = 0.0, h = 0.0;  // decay depth, largest radius, table spacing
};

Plan make_plan(double D, double r_max, const GreensOptions& o) {
    if (!(o.k_refine > 0) || !(o.r_refine > 0) || !(o.k_max_decay > 0))
        throw std::invalid_argument("GreensOptions: k_refine, r_refine, k_max_decay must be > 0");
    Plan p;
    p.D = D;
    p.r_max = r_max;
    const double r_eff = std::max(r_max, D);
    const double k_max = o.k_max_decay / D;
    const double dk = std::min(2.0 * kPi / r_eff, 4.0 / D) / o.k_refine;
    const auto panels = std::size_t(std::max(4.0, std::ceil(k_max / dk)));
    p.rule = detail::wavenumber_rule(k_max, panels);
    p.h = std::min(D / (40.0 * o.r_refine), std::max(r_max, 1.0) / 8.0);
    return p;
}

// Everything about one (model structure, depth) that does not depend on s.
struct Prepared {
    detail::Stack stack;
    std::vector<char> viscous;
    std::vector<Moduli> unrelaxed;  // per model layer (last = half-space), / mu_ref
    double mu_ref = 1.0;
    std::vector<detail::FastKernel> fast;       // per k
    std::vector<detail::SurfaceKernel> ha, hb;  // homogeneous kernel a + r b per k
};

std::vector<const Layer*> layer_list(const EarthModel& m) {
    std::vector<const Layer*> v;
    for (const auto& l : m.layers) v.push_back(&l);
    v.push_back(&m.halfspace);
    return v;
}

void prepare(Prepared& P, const EarthModel& model, double depth, const Plan& plan,
             const GreensOptions& o) {
    P.stack = detail::Stack::build(model, depth);
    const auto layers = layer_list(model);
    P.mu_ref = layers[P.stack.source_layer]->rheology.mu_M;
    P.viscous.resize(layers.size());
    P.unrelaxed.resize(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        P.viscous[i] = layers[i]->rheology.is_elastic() ? 0 : 1;
        const Moduli m = layers[i]->unrelaxed();
        P.unrelaxed[i] = {m.mu / P.mu_ref, m.lam / P.mu_ref};
    }
    const std::size_t nk = plan.rule.k.size();
    if (!o.dense) P.fast.resize(nk);
    P.ha.resize(nk);
    P.hb.resize(nk);
    // Homogeneous half-space of any material: the kernel per unit potency is affine in
    // r = mu/(lambda + mu) (as Okada's surface field), so two elastic solves give a and b.
    EarthModel hom;
    hom.halfspace = Layer{0.0, 1.0, Rheology::elastic(1.0)};
    const detail::Stack hstack = detail::Stack::build(hom, depth);
    detail::parallel_for(nk, o.threads, 8, [&](std::size_t b, std::size_t e) {
        detail::DenseWork w;
        for (std::size_t i = b; i < e; ++i) {
            const double k = plan.rule.k[i];
            if (!o.dense) P.fast[i].prepare(P.stack, P.unrelaxed.data(), P.viscous, k);
            const Moduli half{1.0, 1.0}, quarter{1.0, 3.0};  // r = 1/2 and r = 1/4
            if (!o.subtract_homogeneous) {
                P.ha[i] = P.hb[i] = {0.0, 0.0, 0.0};
                continue;
            }
            const auto k2 = detail::solve_dense(hstack, &half, k, w);
            const auto k4 = detail::solve_dense(hstack, &quarter, k, w);
            P.hb[i] = {4.0 * (k2.U - k4.U), 4.0 * (k2.V - k4.V), 4.0 * (k2.W - k4.W)};
            P.ha[i] = {k2.U - 0.5 * P.hb[i].U, k2.V - 0.5 * P.hb[i].V, k2.W - 0.5 * P.hb[i].W};
        }
    });
}

cplx ratio_r(const Moduli& m) { return m.mu / (m.lam + m.mu); }

// Okada's canonical surface field split as u = A + r B (r = mu/(lambda + mu) = ALP3 of
// DC3D0's part B): A at r = 0, B from r = 1.
inline void okada_split(double x, double y, double d, double* A, double* B) noexcept {
    double u1[3];
    detail::canonical_point(x, y, d, 0.0, A);
    detail::canonical_point(x, y, d, 1.0, u1);
    for (int c = 0; c < 3; ++c) B[c] = u1[c] - A[c];
}

// Moduli of every layer at every Talbot node (node j at time it has s = z_j / t), scaled by
// mu_ref: mods[(it nj + j) nl + l]; and G(t) = L^{-1}[r_src(s)/s] of the homogeneous part.
template <class Layers>
void node_moduli(const Prepared& P, const Layers& layers, const std::vector<double>& times,
                 const detail::TalbotRule& tr, std::vector<Moduli>& mods, std::vector<double>& G) {
    const std::size_t nl = layers.size(), nt = times.size(), nj = tr.node.size();
    const std::size_t src = P.stack.source_layer;
    mods.assign(nt * nj * nl, Moduli{});
    G.assign(nt, 0.0);
    for (std::size_t it = 0; it < nt; ++it) {
        if (times[it] == 0.0) {
            G[it] = ratio_r(P.unrelaxed[src]).real();
            continue;
        }
        for (std::size_t j = 0; j < nj; ++j) {
            const cplx s = tr.node[j] / times[it];
            for (std::size_t l = 0; l < nl; ++l) {
                const Moduli m = layers[l]->moduli(s);
                mods[(it * nj + j) * nl + l] = {m.mu / P.mu_ref, m.lam / P.mu_ref};
            }
            G[it] += std::imag(tr.weight[j] * ratio_r(mods[(it * nj + j) * nl + src]));
        }
    }
}

// Remainder kernels in time: krem[(it nk + ik) 3 + c], c = U, V - W, V + W; and the
// homogeneous factor G(t) = L^{-1}[r_src(s)/s].
void time_kernels(const Prepared& P, const EarthModel& model, const Plan& plan,
                  const std::vector<double>& times, const detail::TalbotRule& tr,
                  const GreensOptions& o, std::vector<double>& krem, std::vector<double>& G) {
    const auto layers = layer_list(model);
    const std::size_t nl = layers.size(), nt = times.size(), nj = tr.node.size();
    const std::size_t nk = plan.rule.k.size(), src = P.stack.source_layer;
    std::vector<Moduli> mods;
    node_moduli(P, layers, times, tr, mods, G);
    krem.assign(nt * nk * 3, 0.0);
    detail::parallel_for(nk, o.threads, 8, [&](std::size_t b, std::size_t e) {
        detail::DenseWork w;
        for (std::size_t ik = b; ik < e; ++ik) {
            const double k = plan.rule.k[ik];
            auto remainder = [&](const Moduli* m) {
                const detail::SurfaceKernel kl =
                    o.dense ? detail::solve_dense(P.stack, m, k, w) : P.fast[ik].eval(m);
                const cplx r = ratio_r(m[src]);
                const cplx U = kl.U - (P.ha[ik].U + r * P.hb[ik].U);
                const cplx V = kl.V - (P.ha[ik].V + r * P.hb[ik].V);
                const cplx W = kl.W - (P.ha[ik].W + r * P.hb[ik].W);
                return std::array<cplx, 3>{U, V - W, V + W};
            };
            for (std::size_t it = 0; it < nt; ++it) {
                double* out = &krem[(it * nk + ik) * 3];
                if (times[it] == 0.0) {
                    const auto R = remainder(P.unrelaxed.data());
                    for (int c = 0; c < 3; ++c) out[c] = R[c].real();
                    continue;
                }
                for (std::size_t j = 0; j < nj; ++j) {
                    const auto R = remainder(&mods[(it * nj + j) * nl]);
                    for (int c = 0; c < 3; ++c) out[c] += std::imag(tr.weight[j] * R[c]);
                }
            }
        }
    });
}

// Radial functions (g_r, g_phi, g_z up) at radius row ir of the tables for time row it.
inline void radial(const detail::BesselTables& bt, const double* krem_t, std::size_t ir,
                   double g[3]) noexcept {
    const std::size_t nk = bt.n_k;
    const double* t1 = &bt.t1[ir * nk];
    const double* t2 = &bt.t2[ir * nk];
    const double* t3 = &bt.t3[ir * nk];
    double p1 = 0, p2 = 0, p3 = 0;
    for (std::size_t k = 0; k < nk; ++k) {
        p2 += t2[k] * krem_t[3 * k];
        p1 += t1[k] * krem_t[3 * k + 1];
        p3 += t3[k] * krem_t[3 * k + 2];
    }
    g[0] = p1 - p3;
    g[1] = p1 + p3;
    g[2] = -p2;
}

// Total field at one point from the homogeneous part and the remainder's radial functions.
inline void assemble(double x, double y, double d, double Gt, const double g[3], double* u,
                     bool homogeneous = true) noexcept {
    double A[3] = {0.0, 0.0, 0.0}, B[3] = {0.0, 0.0, 0.0};
    if (homogeneous) okada_split(x, y, d, A, B);
    for (int c = 0; c < 3; ++c) u[c] = A[c] + Gt * B[c];
    const double r = std::hypot(x, y);
    if (r == 0.0) return;  // every m = 2 term vanishes on the axis
    const double cs = x / r, sn = y / r, s2 = 2.0 * sn * cs, c2 = cs * cs - sn * sn;
    const double ur = s2 * g[0], up = c2 * g[1];
    u[0] += ur * cs - up * sn;
    u[1] += ur * sn + up * cs;
    u[2] += s2 * g[2];
}

std::vector<double> table_radii(const Plan& plan) {
    const auto n = std::size_t(std::ceil(plan.r_max / plan.h)) + 4;
    std::vector<double> r(n);
    for (std::size_t j = 0; j < n; ++j) r[j] = double(j) * plan.h;
    return r;
}

// Radial tables g[(it n_r + j) 3 + c] for all times on the plan's uniform grid.
void radial_tables(const detail::BesselTables& bt, const std::vector<double>& krem, std::size_t nt,
                   int threads, std::vector<double>& g) {
    g.assign(nt * bt.n_r * 3, 0.0);
    detail::parallel_for(nt * bt.n_r, threads, 16, [&](std::size_t b, std::size_t e) {
        for (std::size_t q = b; q < e; ++q) {
            const std::size_t it = q / bt.n_r, j = q % bt.n_r;
            radial(bt, &krem[it * bt.n_k * 3], j, &g[q * 3]);
        }
    });
}

inline void interpolate(const std::vector<double>& g, std::size_t n_r, std::size_t it, double h,
                        double r, double out[3]) noexcept {
    double w[4];
    const std::size_t j0 = detail::cubic_stencil(r, h, n_r, w);
    out[0] = out[1] = out[2] = 0.0;
    for (int q = 0; q < 4; ++q)
        for (int c = 0; c < 3; ++c) out[c] += w[q] * g[((it * n_r) + j0 + q) * 3 + c];
}

}  // namespace

void strike_slip_surface(const EarthModel& model, double depth, std::size_t n, const double* x,
                         const double* y, const double* t, double* out, const GreensOptions& o) {
    model.validate();
    require_depth(depth);
    require_finite("x", n, x, false);
    require_finite("y", n, y, false);
    require_finite("t", n, t, true);
    if (n == 0) return;
    const auto tr = detail::talbot_rule(o.talbot_nodes);
    std::vector<double> times(t, t + n);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    std::vector<std::size_t> tix(n);
    double r_max = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        tix[i] = std::size_t(std::lower_bound(times.begin(), times.end(), t[i]) - times.begin());
        r_max = std::max(r_max, std::hypot(x[i], y[i]));
    }
    const bool sub = o.subtract_homogeneous;
    if (model.layers.empty() && sub) {
        // Homogeneous half-space: the remainder vanishes identically, u = A + G(t) B.
        const Layer& hs = model.halfspace;
        const double mu0 = hs.rheology.mu_M;
        detail::parallel_for(n, o.threads, 256, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i) {
                double G = 0.0;
                if (t[i] == 0.0) {
                    G = ratio_r({mu0, hs.lam}).real();
                } else {
                    for (std::size_t j = 0; j < tr.node.size(); ++j)
                        G += std::imag(tr.weight[j] * ratio_r(hs.moduli(tr.node[j] / t[i])));
                }
                const double g[3] = {0.0, 0.0, 0.0};
                assemble(x[i], y[i], depth, G, g, &out[3 * i]);
            }
        });
        return;
    }
    const Plan plan = make_plan(sub ? decay_depth(model, depth) : depth, r_max, o);
    Prepared P;
    prepare(P, model, depth, plan, o);
    std::vector<double> krem, G;
    time_kernels(P, model, plan, times, tr, o, krem, G);
    const auto radii = table_radii(plan);
    // Few samples: Hankel-transform at each sample's own radius and time; many: tables.
    if (n <= radii.size() * times.size()) {
        std::vector<double> r(n);
        for (std::size_t i = 0; i < n; ++i) r[i] = std::hypot(x[i], y[i]);
        const auto bt = detail::bessel_tables(plan.rule, r, o.threads);
        detail::parallel_for(n, o.threads, 16, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i) {
                double g[3];
                radial(bt, &krem[tix[i] * bt.n_k * 3], i, g);
                assemble(x[i], y[i], depth, G[tix[i]], g, &out[3 * i], sub);
            }
        });
        return;
    }
    const auto bt = detail::bessel_tables(plan.rule, radii, o.threads);
    std::vector<double> g;
    radial_tables(bt, krem, times.size(), o.threads, g);
    detail::parallel_for(n, o.threads, 64, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            double gi[3];
            interpolate(g, bt.n_r, tix[i], plan.h, std::hypot(x[i], y[i]), gi);
            assemble(x[i], y[i], depth, G[tix[i]], gi, &out[3 * i], sub);
        }
    });
}

void canonical_grid(std::size_t n, const double* x, const double* y, std::size_t nd,
                    const double* depths, std::size_t nt, const double* times, std::size_t ne,
                    const double* eta_M, const double* eta_K, double* out, const GreensOptions& o,
                    GreensStageTimes* st) {
    require_finite("x", n, x, false);
    require_finite("y", n, y, false);
    require_finite("times", nt, times, true);
    std::vector<EarthModel> models;
    for (std::size_t e = 0; e < ne; ++e)
        models.push_back(EarthModel::canonical(eta_M[e], eta_K[e]));
    double D = 1e300, r_max = 0.0;
    for (std::size_t d = 0; d < nd; ++d) {
        require_depth(depths[d]);
        D = std::min(D, decay_depth(EarthModel::canonical(1e19, 1e19), depths[d]));
    }
    if (n == 0 || nd == 0 || nt == 0 || ne == 0) return;
    const auto tr = detail::talbot_rule(o.talbot_nodes);
    GreensOptions o_sub = o;
    o_sub.subtract_homogeneous = true;
    double t0 = now();
    std::vector<double> tv(times, times + nt), rp(n);
    for (std::size_t i = 0; i < n; ++i)
        rp[i] = std::hypot(x[i], y[i]), r_max = std::max(r_max, rp[i]);
    const Plan plan = make_plan(D, r_max, o);
    const auto bt = detail::bessel_tables(plan.rule, table_radii(plan), o.threads);
    GreensStageTimes acc;
    acc.transforms += now() - t0;
    // Interpolation stencils and the homogeneous parts per point are shared by all times.
    std::vector<std::size_t> j0(n);
    std::vector<double> wts(4 * n), A(3 * n), B(3 * n), rot(5 * n);
    for (std::size_t i = 0; i < n; ++i) {
        j0[i] = detail::cubic_stencil(rp[i], plan.h, bt.n_r, &wts[4 * i]);
        const double r = rp[i];
        const double cs = r > 0 ? x[i] / r : 1.0, sn = r > 0 ? y[i] / r : 0.0;
        const double s2 = r > 0 ? 2 * sn * cs : 0.0, c2 = r > 0 ? cs * cs - sn * sn : 0.0;
        double* ro = &rot[5 * i];
        ro[0] = s2 * cs, ro[1] = -c2 * sn, ro[2] = s2 * sn, ro[3] = c2 * cs, ro[4] = s2;
    }
    std::vector<double> krem, G, g;
    for (std::size_t d = 0; d < nd; ++d) {
        t0 = now();
        for (std::size_t i = 0; i < n; ++i)
            okada_split(x[i], y[i], depths[d], &A[3 * i], &B[3 * i]);
        acc.evaluation += now() - t0;
        Prepared P;
        std::vector<char> prepared_for;
        for (std::size_t e = 0; e < ne; ++e) {
            t0 = now();
            const std::vector<char> flags = {
                0, char(models[e].halfspace.rheology.is_elastic() ? 0 : 1)};
            if (flags != prepared_for)
                prepare(P, models[e], depths[d], plan, o_sub), prepared_for = flags;
            time_kernels(P, models[e], plan, tv, tr, o, krem, G);
            const double t1 = now();
            acc.kernels += t1 - t0;
            radial_tables(bt, krem, nt, o.threads, g);
            const double t2 = now();
            acc.transforms += t2 - t1;
            double* base = out + ((e * nd + d) * nt) * n * 3;
            detail::parallel_for(nt * n, o.threads, 256, [&](std::size_t b, std::size_t en) {
                for (std::size_t q = b; q < en; ++q) {
                    const std::size_t it = q / n, i = q % n;
                    const double* w = &wts[4 * i];
                    const double* gg = &g[(it * bt.n_r + j0[i]) * 3];
                    double gi[3];
                    for (int c = 0; c < 3; ++c)
                        gi[c] =
                            w[0] * gg[c] + w[1] * gg[3 + c] + w[2] * gg[6 + c] + w[3] * gg[9 + c];
                    const double ur = gi[0], up = gi[1], Gt = G[it];
                    const double* ro = &rot[5 * i];
                    double* u = base + q * 3;
                    u[0] = A[3 * i] + Gt * B[3 * i] + ur * ro[0] + up * ro[1];
                    u[1] = A[3 * i + 1] + Gt * B[3 * i + 1] + ur * ro[2] + up * ro[3];
                    u[2] = A[3 * i + 2] + Gt * B[3 * i + 2] + ro[4] * gi[2];
                }
            });
            acc.evaluation += now() - t2;
        }
    }
    if (st)
        st->kernels += acc.kernels, st->transforms += acc.transforms,
            st->evaluation += acc.evaluation;
}

// ---- General point source (Okada's DC3D0 mechanisms), harmonics m = 0, 1, 2 ---------------

namespace {

constexpr std::size_t kHarm = 5;  // J0; J1 cos φ, J1 sin φ; J2 cos 2φ, J2 sin 2φ

// Moment tensor per unit potency of Okada's sources on a plane striking along +x with dip δ
// (z up): normal n = (0, -sin δ, cos δ) into the hanging wall, slips s1 = x (left-lateral),
// s2 = (0, cos δ, sin δ) (reverse), s3 = n (opening); M = λ (s·n) I + μ (s nᵀ + n sᵀ).
// Inflation (pot4) is the isotropic μ I: DC3D0's normalisation (checked against it for
// several λ/μ), so that the surface field stays A + r B per unit potency.
struct Moment {
    cplx xx, yy, zz, xy, xz, yz;
};

Moment okada_moment(double dip_deg, const double pot[4], cplx mu, cplx lam) {
    const double d = dip_deg * kPi / 180.0, sd = std::sin(d), cd = std::cos(d);
    const double n[3] = {0.0, -sd, cd};
    const double s[3][3] = {{1.0, 0.0, 0.0}, {0.0, cd, sd}, {0.0, -sd, cd}};
    cplx m[3][3] = {};
    for (int q = 0; q < 3; ++q) {
        const double sn = s[q][0] * n[0] + s[q][1] * n[1] + s[q][2] * n[2];
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
                m[i][j] += pot[q] * ((i == j ? lam * sn : cplx(0.0)) +
                                     mu * (s[q][i] * n[j] + s[q][j] * n[i]));
    }
    for (int i = 0; i < 3; ++i) m[i][i] += pot[3] * mu;
    return {m[0][0], m[1][1], m[2][2], m[0][1], m[0][2], m[1][2]};
}

// Jumps of the five harmonics (see propagator.hpp for the state); z is down in the solver,
// so M_xz and M_yz change sign. Derivation: stress glut sigma = c:eps - M delta, giving
// [u_z] = M_zz/(λ+2μ), [u_h] = M_hz/μ, [σ_hz] = div_h(M_hh δ) - λ M_zz/(λ+2μ) grad δ.
std::array<detail::SourceJump, kHarm> point_jumps(const Moment& mu_up, const Moduli& src) {
    constexpr double i2p = 1.0 / (2.0 * kPi);
    const cplx mu = src.mu, lam = src.lam, l2m = lam + 2.0 * mu;
    const cplx xz = -mu_up.xz, yz = -mu_up.yz, zz = mu_up.zz;
    const cplx p = 0.5 * (mu_up.xx + mu_up.yy), a = 0.5 * (mu_up.xx - mu_up.yy), b = mu_up.xy;
    std::array<detail::SourceJump, kHarm> j;
    j[0].psv[0] = zz / l2m * i2p;
    j[0].psv[3] = (p - lam * zz / l2m) * i2p;
    j[1].psv[1] = xz / mu * i2p;
    j[1].sh[0] = -yz / mu * i2p;
    j[2].psv[1] = yz / mu * i2p;
    j[2].sh[0] = xz / mu * i2p;
    j[3].psv[3] = -a * i2p;
    j[3].sh[1] = b * i2p;
    j[4].psv[3] = -b * i2p;
    j[4].sh[1] = -a * i2p;
    return j;
}

}  // namespace

void point_source_surface(const EarthModel& model, double depth, double dip,
                          const double potency[4], std::size_t n, const double* x, const double* y,
                          const double* t, double* out, const GreensOptions& o) {
    model.validate();
    require_depth(depth);
    if (!(dip >= 0.0 && dip <= 90.0)) {
        std::ostringstream m;
        m << "dip = " << dip << " is invalid; allowed: 0..90 degrees";
        throw std::invalid_argument(m.str());
    }
    require_finite("potency", 4, potency, false);
    require_finite("x", n, x, false);
    require_finite("y", n, y, false);
    require_finite("t", n, t, true);
    if (n == 0) return;
    const bool sub = o.subtract_homogeneous;
    const auto tr = detail::talbot_rule(o.talbot_nodes);
    std::vector<double> times(t, t + n);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    std::vector<std::size_t> tix(n);
    double r_max = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        tix[i] = std::size_t(std::lower_bound(times.begin(), times.end(), t[i]) - times.begin());
        r_max = std::max(r_max, std::hypot(x[i], y[i]));
    }
    const Plan plan = make_plan(sub ? decay_depth(model, depth) : depth, r_max, o);
    const std::size_t nk = plan.rule.k.size(), nt = times.size(), nj = tr.node.size();

    // s-independent preparation (unrelaxed factorisation, homogeneous kernels a + r b).
    Prepared P;
    {
        GreensOptions oq = o;
        oq.subtract_homogeneous = false;  // the strike-slip a, b are not used here
        prepare(P, model, depth, plan, oq);
    }
    EarthModel hom;
    hom.halfspace = Layer{0.0, 1.0, Rheology::elastic(1.0)};
    const detail::Stack hstack = detail::Stack::build(hom, depth);
    std::vector<detail::SurfaceKernel> ha(nk * kHarm), hb(nk * kHarm);
    if (sub) {
        const Moduli half{1.0, 1.0}, quarter{1.0, 3.0};  // r = 1/2 and r = 1/4
        const auto j2 = point_jumps(okada_moment(dip, potency, half.mu, half.lam), half);
        const auto j4 = point_jumps(okada_moment(dip, potency, quarter.mu, quarter.lam), quarter);
        detail::parallel_for(nk, o.threads, 8, [&](std::size_t b, std::size_t e) {
            detail::DenseWork w;
            for (std::size_t ik = b; ik < e; ++ik)
                for (std::size_t h = 0; h < kHarm; ++h) {
                    const double k = plan.rule.k[ik];
                    const auto k2 = detail::solve_dense(hstack, &half, k, w, &j2[h]);
                    const auto k4 = detail::solve_dense(hstack, &quarter, k, w, &j4[h]);
                    auto& B = hb[ik * kHarm + h];
                    B = {4.0 * (k2.U - k4.U), 4.0 * (k2.V - k4.V), 4.0 * (k2.W - k4.W)};
                    ha[ik * kHarm + h] = {k2.U - 0.5 * B.U, k2.V - 0.5 * B.V, k2.W - 0.5 * B.W};
                }
        });
    }

    // Moduli at every node, G(t) of the homogeneous part.
    const auto layers = layer_list(model);
    const std::size_t nl = layers.size(), src = P.stack.source_layer;
    std::vector<Moduli> mods;
    std::vector<double> G;
    node_moduli(P, layers, times, tr, mods, G);

    // Remainder kernels in time: krem[((it nk + ik) kHarm + h) 3 + c], c = U, V, W.
    std::vector<double> krem(nt * nk * kHarm * 3, 0.0);
    detail::parallel_for(nk, o.threads, 8, [&](std::size_t b, std::size_t e) {
        detail::DenseWork w;
        for (std::size_t ik = b; ik < e; ++ik) {
            const double k = plan.rule.k[ik];
            auto remainder = [&](const Moduli* m, std::array<std::array<cplx, 3>, kHarm>& R) {
                const auto jumps =
                    point_jumps(okada_moment(dip, potency, m[src].mu, m[src].lam), m[src]);
                detail::SurfaceKernel kl[kHarm];
                if (o.dense) {
                    for (std::size_t h = 0; h < kHarm; ++h)
                        kl[h] = detail::solve_dense(P.stack, m, k, w, &jumps[h]);
                } else {
                    P.fast[ik].eval_many(m, kHarm, jumps.data(), kl);
                }
                const cplx r = ratio_r(m[src]);
                for (std::size_t h = 0; h < kHarm; ++h) {
                    const auto& a = ha[ik * kHarm + h];
                    const auto& bb = hb[ik * kHarm + h];
                    R[h] = {kl[h].U - (a.U + r * bb.U), kl[h].V - (a.V + r * bb.V),
                            kl[h].W - (a.W + r * bb.W)};
                }
            };
            std::array<std::array<cplx, 3>, kHarm> R;
            for (std::size_t it = 0; it < nt; ++it) {
                double* acc = &krem[(it * nk + ik) * kHarm * 3];
                if (times[it] == 0.0) {
                    remainder(P.unrelaxed.data(), R);
                    for (std::size_t h = 0; h < kHarm; ++h)
                        for (int c = 0; c < 3; ++c) acc[h * 3 + c] = R[h][c].real();
                    continue;
                }
                for (std::size_t j = 0; j < nj; ++j) {
                    remainder(&mods[(it * nj + j) * nl], R);
                    for (std::size_t h = 0; h < kHarm; ++h)
                        for (int c = 0; c < 3; ++c)
                            acc[h * 3 + c] += std::imag(tr.weight[j] * R[h][c]);
                }
            }
        }
    });

    // Hankel transforms at each point's own radius and time, azimuthal factors, Okada part.
    detail::parallel_for(n, o.threads, 4, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            const double r = std::hypot(x[i], y[i]);
            const double cs = r > 0 ? x[i] / r : 1.0, sn = r > 0 ? y[i] / r : 0.0;
            // Θ, Θ' of the harmonics; I1..I5 = ∫k V J', ∫k V J/(kr), ∫k W J/(kr), ∫k W J',
            // ∫k U J.
            const double th[kHarm] = {1.0, cs, sn, cs * cs - sn * sn, 2.0 * sn * cs};
            const double dth[kHarm] = {0.0, -sn, cs, -2.0 * (2.0 * sn * cs),
                                       2.0 * (cs * cs - sn * sn)};
            double I[kHarm][5] = {};
            const double* kr_t = &krem[tix[i] * nk * kHarm * 3];
            for (std::size_t ik = 0; ik < nk; ++ik) {
                const double k = plan.rule.k[ik], wk = plan.rule.w[ik] * k;
                double j0 = std::cyl_bessel_j(0.0, k * r), j1, j2, j3;
                detail::bessel_123(k * r, j1, j2, j3);
                const double dj[3] = {-j1, 0.5 * (j0 - j2), 0.5 * (j1 - j3)};
                const double jo[3] = {0.0, 0.5 * (j0 + j2), 0.25 * (j1 + j3)};
                const double jm[3] = {j0, j1, j2};
                for (std::size_t h = 0; h < kHarm; ++h) {
                    const std::size_t m = (h + 1) / 2;
                    const double* K = kr_t + (ik * kHarm + h) * 3;
                    I[h][0] += wk * K[1] * dj[m];
                    I[h][1] += wk * K[1] * jo[m];
                    I[h][2] += wk * K[2] * jo[m];
                    I[h][3] += wk * K[2] * dj[m];
                    I[h][4] += wk * K[0] * jm[m];
                }
            }
            double ur = 0.0, up = 0.0, uz = 0.0;
            for (std::size_t h = 0; h < kHarm; ++h) {
                ur += I[h][0] * th[h] + I[h][2] * dth[h];
                up += I[h][1] * dth[h] - I[h][3] * th[h];
                uz -= I[h][4] * th[h];  // the solver's U is down
            }
            double* u = &out[3 * i];
            u[0] = ur * cs - up * sn;
            u[1] = ur * sn + up * cs;
            u[2] = uz;
            if (sub) {
                const std::array<double, 4> pot = {potency[0], potency[1], potency[2], potency[3]};
                const auto f2 = dc3d0(2.0 / 3.0, x[i], y[i], 0.0, depth, dip, pot);  // r = 1/2
                const auto f4 = dc3d0(0.8, x[i], y[i], 0.0, depth, dip, pot);        // r = 1/4
                const double Gt = G[tix[i]];
                for (int c = 0; c < 3; ++c) {
                    const double B = 4.0 * (f2.u[c] - f4.u[c]), A = f2.u[c] - 0.5 * B;
                    u[c] += A + Gt * B;
                }
            }
        }
    });
}

}  // namespace viscoann
