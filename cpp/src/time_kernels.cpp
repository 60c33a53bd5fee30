// The remainder's time kernels: s-independent preparation (unrelaxed factorisation, the
// homogeneous kernels a + r b from two elastic solves), the moduli at every Talbot node, and
// the inversion to time per wavenumber of the layered kernel minus the homogeneous one.
#include "time_kernels.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "parallel_for.hpp"

namespace viscoann::detail {

namespace {

std::vector<const Layer*> layer_list(const EarthModel& m) {
    std::vector<const Layer*> v;
    for (const auto& l : m.layers) v.push_back(&l);
    v.push_back(&m.halfspace);
    return v;
}

cplx ratio_r(const Moduli& m) { return m.mu / (m.lam + m.mu); }
cplx ratio_kappa(const Moduli& m) { return (m.lam + 2.0 * m.mu / 3.0) / m.mu; }

// The homogeneous half-space of any material: the kernel per unit M/μ is affine in
// r = μ/(λ + μ) (as Okada's surface field), so two elastic solves, at r = 1/2 and r = 1/4,
// give a and b. jumps(moduli) returns the n source jumps at those moduli.
template <class Jumps>
HomogeneousKernels homogeneous(double depth, const Plan& plan, std::size_t n, bool subtract,
                               int threads, Jumps&& jumps) {
    const std::size_t nk = plan.rule.k.size();
    HomogeneousKernels hk;
    hk.a.assign(nk * n, SurfaceKernel{0.0, 0.0, 0.0});
    hk.b = hk.a;
    if (!subtract) return hk;
    EarthModel hom;
    hom.halfspace = Layer{0.0, 1.0, Rheology::elastic(1.0)};
    const Stack hstack = Stack::build(hom, depth);
    const Moduli half{1.0, 1.0}, quarter{1.0, 3.0};  // r = 1/2 and r = 1/4
    const std::vector<SourceJump> j2 = jumps(half), j4 = jumps(quarter);
    parallel_for(nk, threads, 8, [&](std::size_t b, std::size_t e) {
        DenseWork w;
        for (std::size_t ik = b; ik < e; ++ik)
            for (std::size_t q = 0; q < n; ++q) {
                const double k = plan.rule.k[ik];
                const auto k2 = solve_dense(hstack, &half, k, w, j2[q]);
                const auto k4 = solve_dense(hstack, &quarter, k, w, j4[q]);
                SurfaceKernel& B = hk.b[ik * n + q];
                B = {4.0 * (k2.U - k4.U), 4.0 * (k2.V - k4.V), 4.0 * (k2.W - k4.W)};
                hk.a[ik * n + q] = {k2.U - 0.5 * B.U, k2.V - 0.5 * B.V, k2.W - 0.5 * B.W};
            }
    });
    return hk;
}

// Moduli of every layer at every node of the time rule, scaled by mu_ref:
// mods[q nl + l].
void node_moduli(const Prepared& p, const std::vector<const Layer*>& layers, const TimeRule& rule,
                 std::vector<Moduli>& mods) {
    const std::size_t nl = layers.size(), nq = rule.s.size();
    mods.assign(nq * nl, Moduli{});
    for (std::size_t q = 0; q < nq; ++q)
        for (std::size_t l = 0; l < nl; ++l) {
            const Moduli m = layers[l]->moduli(rule.s[q]);
            mods[q * nl + l] = {m.mu / p.mu_ref, m.lam / p.mu_ref};
        }
}

// The time rule of one call and the moduli at its nodes.
struct Nodes {
    TimeRule rule;
    std::vector<Moduli> mods;
    std::size_t nl = 0;
};
Nodes nodes_for(const Prepared& p, const EarthModel& model, const std::vector<double>& times,
                const TalbotRule& tr, bool velocity) {
    Nodes n;
    const auto layers = layer_list(model);
    n.nl = layers.size();
    n.rule = time_rule(times, tr, velocity);
    node_moduli(p, layers, n.rule, n.mods);
    return n;
}

// krem[(it nk + ik) NC + c] = L^{-1}[R_c(s)/s](times[it]) per wavenumber (the rule's
// velocity: L^{-1}[R_c(s)]), from remainder(ik, moduli, node, work, R) giving the NC
// remainder components at node q of the rule (q = its node count: the unrelaxed moduli, for
// t = 0). Each node is solved once per wavenumber, whichever times share it.
template <std::size_t NC, class Remainder>
void invert_in_time(const Prepared& p, const Plan& plan, const std::vector<double>& times,
                    const Nodes& nodes, int threads, std::vector<double>& krem,
                    Remainder&& remainder) {
    const TimeRule& rule = nodes.rule;
    const std::size_t nt = times.size(), nq = rule.s.size(), nl = nodes.nl;
    const std::size_t nk = plan.rule.k.size();
    krem.assign(nt * nk * NC, 0.0);
    parallel_for(nk, threads, 8, [&](std::size_t b, std::size_t e) {
        DenseWork w;
        std::vector<std::array<cplx, NC>> R(nq + 1);
        for (std::size_t ik = b; ik < e; ++ik) {
            for (std::size_t q = 0; q < nq; ++q) remainder(ik, &nodes.mods[q * nl], q, w, R[q]);
            bool unrelaxed = false;
            for (std::size_t it = 0; it < nt; ++it) {
                double* out = &krem[(it * nk + ik) * NC];
                if (times[it] == 0.0) {
                    if (!unrelaxed) remainder(ik, p.unrelaxed.data(), nq, w, R[nq]);
                    unrelaxed = true;
                    for (std::size_t c = 0; c < NC; ++c) out[c] = R[nq][c].real();
                    continue;
                }
                for (std::size_t x = rule.begin[it]; x < rule.begin[it + 1]; ++x) {
                    const auto& Rq = R[rule.node[x]];
                    const cplx wx = rule.weight[x];
                    for (std::size_t c = 0; c < NC; ++c) out[c] += std::imag(wx * Rq[c]);
                }
            }
        }
    });
}

}  // namespace

HomogeneousFactors homogeneous_factors(const Layer& source, const std::vector<double>& times,
                                       const TalbotRule& tr, bool velocity) {
    const std::size_t nt = times.size();
    HomogeneousFactors g;
    g.constant = velocity ? 0.0 : 1.0;
    g.r.assign(nt, 0.0);
    g.kappa.assign(nt, 0.0);
    g.kappa_r.assign(nt, 0.0);
    const TimeRule rule = time_rule(times, tr, velocity);
    std::vector<std::array<cplx, 3>> f(rule.s.size());
    for (std::size_t q = 0; q < rule.s.size(); ++q) {
        const Moduli m = source.moduli(rule.s[q]);
        f[q] = {ratio_r(m), ratio_kappa(m), ratio_kappa(m) * ratio_r(m)};
    }
    for (std::size_t it = 0; it < nt; ++it) {
        if (times[it] == 0.0) {
            const Moduli m = source.unrelaxed();
            g.r[it] = ratio_r(m).real();
            g.kappa[it] = ratio_kappa(m).real();
            g.kappa_r[it] = (ratio_kappa(m) * ratio_r(m)).real();
            continue;
        }
        for (std::size_t x = rule.begin[it]; x < rule.begin[it + 1]; ++x) {
            const auto& v = f[rule.node[x]];
            const cplx w = rule.weight[x];
            g.r[it] += std::imag(w * v[0]);
            g.kappa[it] += std::imag(w * v[1]);
            g.kappa_r[it] += std::imag(w * v[2]);
        }
    }
    return g;
}

void prepare(Prepared& p, const EarthModel& model, double depth, const Plan& plan,
             const GreensOptions& o, const std::vector<std::size_t>& out_subs) {
    p.stack = Stack::build(model, depth);
    const auto layers = layer_list(model);
    p.mu_ref = layers[p.stack.source_layer]->rheology.mu_M;
    p.viscous.resize(layers.size());
    p.unrelaxed.resize(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        p.viscous[i] = layers[i]->rheology.is_elastic() ? 0 : 1;
        const Moduli m = layers[i]->unrelaxed();
        p.unrelaxed[i] = {m.mu / p.mu_ref, m.lam / p.mu_ref};
    }
    p.fast.clear();
    if (o.dense) return;
    const std::size_t nk = plan.rule.k.size();
    p.fast.resize(nk);
    parallel_for(nk, o.threads, 8, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i)
            p.fast[i].prepare(p.stack, p.unrelaxed.data(), p.viscous, plan.rule.k[i], out_subs);
    });
}

HomogeneousKernels canonical_homogeneous(double depth, const Plan& plan, bool subtract,
                                         int threads) {
    return homogeneous(depth, plan, 1, subtract, threads, [](const Moduli& m) {
        return std::vector<SourceJump>{canonical_jump(m.mu)};
    });
}

HomogeneousKernels potency_homogeneous(double depth, const Plan& plan, const PotencyTensor& pt,
                                       bool subtract, int threads) {
    // M/μ = 2 P_dev + (K/μ) tr(P) I: the two parts, each a moment tensor per unit μ.
    const double tr3 = (pt.xx + pt.yy + pt.zz) / 3.0;
    const MomentTensor dev{2.0 * (pt.xx - tr3), 2.0 * (pt.yy - tr3), 2.0 * (pt.zz - tr3),
                           2.0 * pt.xy,         2.0 * pt.xz,         2.0 * pt.yz};
    const MomentTensor iso{3.0 * tr3, 3.0 * tr3, 3.0 * tr3, 0.0, 0.0, 0.0};
    return homogeneous(depth, plan, 2 * kHarmonics, subtract, threads, [&](const Moduli& m) {
        const auto jd = harmonic_jumps(dev, m), ji = harmonic_jumps(iso, m);
        std::vector<SourceJump> j(2 * kHarmonics);
        for (std::size_t h = 0; h < kHarmonics; ++h) j[2 * h] = jd[h], j[2 * h + 1] = ji[h];
        return j;
    });
}

void canonical_time_kernels(const Prepared& p, const HomogeneousKernels& hk,
                            const EarthModel& model, const Plan& plan,
                            const std::vector<double>& times, const TalbotRule& tr,
                            const GreensOptions& o, std::vector<double>& krem,
                            HomogeneousFactors& g) {
    const std::size_t src = p.stack.source_layer;
    g = homogeneous_factors(*layer_list(model)[src], times, tr, o.velocity);
    invert_in_time<3>(
        p, plan, times, nodes_for(p, model, times, tr, o.velocity), o.threads, krem,
        [&](std::size_t ik, const Moduli* m, std::size_t, DenseWork& w, std::array<cplx, 3>& R) {
            const double k = plan.rule.k[ik];
            const SourceJump jump = canonical_jump(m[src].mu);
            const SurfaceKernel kl =
                o.dense ? solve_dense(p.stack, m, k, w, jump) : p.fast[ik].eval(m, jump);
            const cplx r = ratio_r(m[src]);
            const SurfaceKernel &a = hk.a[ik], &b = hk.b[ik];
            const cplx U = kl.U - (a.U + r * b.U);
            const cplx V = kl.V - (a.V + r * b.V);
            const cplx W = kl.W - (a.W + r * b.W);
            R = {U, V - W, V + W};
        });
}

namespace {

// The elementary sources' jumps at moduli m: each source's P-SV and SH harmonics in one jump
// (the two systems decouple), see elementary_homogeneous.
std::array<SourceJump, kElementary> elementary_jumps(
    const std::array<MomentTensor, kElementary>& mt, const Moduli& m) {
    std::array<SourceJump, kElementary> j;
    for (std::size_t e = 0; e < kElementary; ++e) {
        const auto h = harmonic_jumps(mt[e], m);
        // E0, E1: m = 0; E2: P-SV of cos φ (1), SH of sin φ (2); E3: P-SV of sin 2φ (4), SH of
        // cos 2φ (3).
        const std::size_t psv = e < 2 ? 0 : (e == 2 ? 1 : 4), sh = e < 2 ? 0 : (e == 2 ? 2 : 3);
        for (int c = 0; c < 4; ++c) j[e].psv[c] = h[psv].psv[c];
        for (int c = 0; c < 2; ++c) j[e].sh[c] = h[sh].sh[c];
    }
    return j;
}

}  // namespace

HomogeneousKernels elementary_homogeneous(double depth, const Plan& plan, bool subtract,
                                          int threads) {
    // Per source the parts of potency_homogeneous: deviatoric 2 P_dev, isotropic tr(P) I (per
    // unit μ, the latter times K/μ(s) at each node).
    std::array<MomentTensor, kElementary> dev, iso;
    for (std::size_t e = 0; e < kElementary; ++e) {
        const PotencyTensor pt = elementary_tensor(e);
        const double tr3 = (pt.xx + pt.yy + pt.zz) / 3.0;
        dev[e] = {2.0 * (pt.xx - tr3), 2.0 * (pt.yy - tr3), 2.0 * (pt.zz - tr3),
                  2.0 * pt.xy,         2.0 * pt.xz,         2.0 * pt.yz};
        iso[e] = {3.0 * tr3, 3.0 * tr3, 3.0 * tr3, 0.0, 0.0, 0.0};
    }
    return homogeneous(depth, plan, 2 * kElementary, subtract, threads, [&](const Moduli& m) {
        const auto jd = elementary_jumps(dev, m), ji = elementary_jumps(iso, m);
        std::vector<SourceJump> j(2 * kElementary);
        for (std::size_t e = 0; e < kElementary; ++e) j[2 * e] = jd[e], j[2 * e + 1] = ji[e];
        return j;
    });
}

void elementary_time_kernels(const Prepared& p, const HomogeneousKernels& hk,
                             const EarthModel& model, const Plan& plan,
                             const std::vector<double>& times, const TalbotRule& tr,
                             const GreensOptions& o, std::vector<double>& krem,
                             HomogeneousFactors& g) {
    constexpr std::size_t E = kElementary;
    const std::size_t src = p.stack.source_layer;
    // The jumps and ratios depend on s only: once per Talbot node, not per wavenumber (they
    // cost most of their divisions otherwise).
    struct AtNode {
        std::array<SourceJump, E> jumps;
        cplx r, kappa;
    };
    const Nodes nodes = nodes_for(p, model, times, tr, o.velocity);
    const std::size_t nq = nodes.rule.s.size();
    std::vector<AtNode> at(nq + 1);
    for (std::size_t q = 0; q <= nq; ++q) {
        const Moduli& m = q < nq ? nodes.mods[q * nodes.nl + src] : p.unrelaxed[src];
        std::array<MomentTensor, E> mt;
        for (std::size_t e = 0; e < E; ++e)
            mt[e] = moment_tensor(elementary_tensor(e), m.mu, m.lam);
        at[q] = {elementary_jumps(mt, m), ratio_r(m), ratio_kappa(m)};
    }
    g = homogeneous_factors(*layer_list(model)[src], times, tr, o.velocity);
    invert_in_time<3 * E>(
        p, plan, times, nodes, o.threads, krem,
        [&](std::size_t ik, const Moduli* m, std::size_t node, DenseWork& w,
            std::array<cplx, 3 * E>& R) {
            const double k = plan.rule.k[ik];
            const AtNode& a = at[node];
            SurfaceKernel kl[E];
            if (o.dense) {
                for (std::size_t e = 0; e < E; ++e)
                    kl[e] = solve_dense(p.stack, m, k, w, a.jumps[e]);
            } else {
                p.fast[ik].eval_many(m, E, a.jumps.data(), kl);
            }
            const cplx r = a.r, kappa = a.kappa;
            for (std::size_t e = 0; e < E; ++e) {
                const SurfaceKernel &ad = hk.a[(ik * E + e) * 2], &bd = hk.b[(ik * E + e) * 2];
                const SurfaceKernel &ai = hk.a[(ik * E + e) * 2 + 1],
                                    &bi = hk.b[(ik * E + e) * 2 + 1];
                R[3 * e] = kl[e].U - (ad.U + r * bd.U) - kappa * (ai.U + r * bi.U);
                R[3 * e + 1] = kl[e].V - (ad.V + r * bd.V) - kappa * (ai.V + r * bi.V);
                R[3 * e + 2] = kl[e].W - (ad.W + r * bd.W) - kappa * (ai.W + r * bi.W);
            }
        });
}

void potency_time_kernels(const Prepared& p, const HomogeneousKernels& hk, const EarthModel& model,
                          const Plan& plan, const PotencyTensor& pt,
                          const std::vector<double>& times, const TalbotRule& tr,
                          const GreensOptions& o, std::vector<double>& krem,
                          HomogeneousFactors& g) {
    constexpr std::size_t H = kHarmonics;
    const std::size_t src = p.stack.source_layer;
    g = homogeneous_factors(*layer_list(model)[src], times, tr, o.velocity);
    invert_in_time<3 * H>(
        p, plan, times, nodes_for(p, model, times, tr, o.velocity), o.threads, krem,
        [&](std::size_t ik, const Moduli* m, std::size_t, DenseWork& w,
            std::array<cplx, 3 * H>& R) {
            const double k = plan.rule.k[ik];
            const auto jumps = harmonic_jumps(moment_tensor(pt, m[src].mu, m[src].lam), m[src]);
            SurfaceKernel kl[H];
            if (o.dense) {
                for (std::size_t h = 0; h < H; ++h) kl[h] = solve_dense(p.stack, m, k, w, jumps[h]);
            } else {
                p.fast[ik].eval_many(m, H, jumps.data(), kl);
            }
            const cplx r = ratio_r(m[src]), kappa = ratio_kappa(m[src]);
            for (std::size_t h = 0; h < H; ++h) {
                const SurfaceKernel &ad = hk.a[(ik * H + h) * 2], &bd = hk.b[(ik * H + h) * 2];
                const SurfaceKernel &ai = hk.a[(ik * H + h) * 2 + 1],
                                    &bi = hk.b[(ik * H + h) * 2 + 1];
                R[3 * h] = kl[h].U - (ad.U + r * bd.U) - kappa * (ai.U + r * bi.U);
                R[3 * h + 1] = kl[h].V - (ad.V + r * bd.V) - kappa * (ai.V + r * bi.V);
                R[3 * h + 2] = kl[h].W - (ad.W + r * bd.W) - kappa * (ai.W + r * bi.W);
            }
        });
}

}  // namespace viscoann::detail

namespace viscoann::detail {

double decay_depth_between(const EarthModel& model, double depth, double z) noexcept {
    const std::size_t nl = model.layers.size();
    const double floor = 1e-6 * std::max(depth, 1.0);
    if (nl == 0) return std::max(depth + z, floor);  // no remainder: any scale
    const std::size_t ls = model.layer_at(depth), lr = model.layer_at(z);
    if (ls != lr) return std::max(std::fabs(z - depth), floor);
    const double top = ls == 0 ? 0.0 : model.interface_depth(ls - 1);
    double D = 1e300;
    if (ls < nl) D = std::min(D, 2.0 * model.interface_depth(ls) - depth - z);
    if (top > 0.0) D = std::min(D, depth + z - 2.0 * top);
    return std::max(D, floor);
}

namespace {
void basis_f(const Moduli& m, cplx f[kHomogeneousBasis]) {
    const cplx a = (m.lam + m.mu) / (m.lam + 2.0 * m.mu), kap = ratio_kappa(m);
    f[0] = 1.0, f[1] = a, f[2] = 1.0 / a, f[3] = kap, f[4] = kap * a, f[5] = kap / a;
}
}  // namespace

void depth_factors(const Layer& src_layer, const std::vector<double>& times, const TalbotRule& tr,
                   DepthKernels& out) {
    constexpr std::size_t NB = kHomogeneousBasis;
    const std::size_t nt = times.size();
    out.f.assign(nt, {});
    out.mu_f.assign(nt, {});
    out.lam_f.assign(nt, {});
    const TimeRule rule = time_rule(times, tr, false);
    for (std::size_t it = 0; it < nt; ++it) {
        cplx f[NB];
        if (times[it] == 0.0) {
            const Moduli m = src_layer.unrelaxed();
            basis_f(m, f);
            for (std::size_t b = 0; b < NB; ++b)
                out.f[it][b] = f[b].real(), out.mu_f[it][b] = (m.mu * f[b]).real(),
                out.lam_f[it][b] = (m.lam * f[b]).real();
            continue;
        }
        for (std::size_t x = rule.begin[it]; x < rule.begin[it + 1]; ++x) {
            const Moduli m = src_layer.moduli(rule.s[rule.node[x]]);
            const cplx w = rule.weight[x];
            basis_f(m, f);
            for (std::size_t b = 0; b < NB; ++b) {
                out.f[it][b] += std::imag(w * f[b]);
                out.mu_f[it][b] += std::imag(w * m.mu * f[b]);
                out.lam_f[it][b] += std::imag(w * m.lam * f[b]);
            }
        }
    }
}

namespace {

// out[q] += a x[q] + b y[q]: the inversion's sums over Laplace nodes, most of the time of the
// depth kernels (AVX-512 and AVX2 clones beside the baseline, picked by the loader).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void add_weighted(std::size_t n, double a, const double* __restrict x, double b,
                  const double* __restrict y, double* __restrict out) noexcept {
    for (std::size_t q = 0; q < n; ++q) out[q] += a * x[q] + b * y[q];
}

}  // namespace

void depth_time_kernels(const EarthModel& model, double depth, const std::vector<double>& zr,
                        const Plan& plan, const std::vector<double>& times, const TalbotRule& tr,
                        const GreensOptions& o, DepthKernels& out, bool stress_only,
                        const std::size_t* nk_of) {
    constexpr std::size_t E = kElementary, NC = kDepthComponents, NB = kHomogeneousBasis;
    const auto layers = layer_list(model);
    const std::size_t nl = layers.size(), nt = times.size();
    const std::size_t nk = plan.rule.k.size(), nz = zr.size();
    const Layer& src_layer = *layers[model.layer_at(depth)];
    // Components kept: all, or the stress's (c0 .. NC - 1).
    const std::size_t c0 = stress_only ? NC - kStressComponents : 0, nc = NC - c0;
    out.z = zr;
    out.nc = nc;
    depth_factors(src_layer, times, tr, out);
    const std::size_t n_krem = nt * nz * nk * E * nc;
    if (model.layers.empty()) {  // homogeneous half-space: no remainder
        out.krem.assign(n_krem, 0.0);
        return;
    }
    // Every value a reader may take is written below, so no fill (nor a copy when it grows):
    // a table's build calls this per depth and band, on GBs.
    if (out.krem.capacity() < n_krem) std::vector<double>().swap(out.krem);
    out.krem.resize(n_krem);

    Prepared p;
    Stack st = Stack::build(model, depth);
    std::vector<Receiver> rec(nz);
    std::vector<std::size_t> subs, qof(nz);
    for (std::size_t iz = 0; iz < nz; ++iz) {
        rec[iz] = locate(st, zr[iz]);
        auto it = std::find(subs.begin(), subs.end(), rec[iz].sub);
        qof[iz] = std::size_t(it - subs.begin());
        if (it == subs.end()) subs.push_back(rec[iz].sub);
    }
    prepare(p, model, depth, plan, o, subs);
    const std::size_t nq = subs.size();
    out.mu_ref = p.mu_ref;
    const auto active = [&](std::size_t ik, std::size_t iz) { return !nk_of || ik < nk_of[iz]; };

    // The homogeneous half-space's kernels per (k, receiver, source): hb[... NB][6], the
    // coefficients of (1, α, 1/α) per part, from elastic solves at α = 1/2, 2/3, 4/5.
    std::array<MomentTensor, E> dev, iso;
    for (std::size_t e = 0; e < E; ++e) {
        const PotencyTensor pt = elementary_tensor(e);
        const double tr3 = (pt.xx + pt.yy + pt.zz) / 3.0;
        dev[e] = {2.0 * (pt.xx - tr3), 2.0 * (pt.yy - tr3), 2.0 * (pt.zz - tr3),
                  2.0 * pt.xy,         2.0 * pt.xz,         2.0 * pt.yz};
        iso[e] = {3.0 * tr3, 3.0 * tr3, 3.0 * tr3, 0.0, 0.0, 0.0};
    }
    EarthModel hom;
    hom.halfspace = Layer{0.0, 1.0, Rheology::elastic(1.0)};
    const Stack hst = Stack::build(hom, depth);
    std::vector<Receiver> hrec(nz);
    for (std::size_t iz = 0; iz < nz; ++iz) hrec[iz] = locate(hst, zr[iz]);
    const double al[3] = {0.5, 2.0 / 3.0, 0.8}, lm[3] = {0.0, 1.0, 3.0};
    // hb[((iz E + e) NB + b) 6 + c] of wavenumber ik (zero for the receivers it does not serve).
    const auto homogeneous = [&](std::size_t ik, DenseWork& w, std::vector<cplx>& xp,
                                 std::vector<cplx>& xs, std::vector<double>& hb) {
        const double k = plan.rule.k[ik];
        std::fill(hb.begin(), hb.end(), 0.0);
        for (int q = 0; q < 3; ++q) {
            const Moduli m{1.0, lm[q]};
            // The 2E sources (deviatoric and isotropic parts) in one solve: jump 2e + part.
            const auto jd = elementary_jumps(dev, m), ji = elementary_jumps(iso, m);
            SourceJump js[2 * E];
            for (std::size_t e = 0; e < E; ++e) js[2 * e] = jd[e], js[2 * e + 1] = ji[e];
            solve_dense_many(hst, &m, k, w, 2 * E, js, xp, xs);
            const std::size_t np = hst.n_psv(), ns = hst.n_sh();
            // α u(α) = c0 + c1 α + c2 α²: u = c1 + c2 α + c0/α (Lagrange).
            const double a1 = al[(q + 1) % 3], a2 = al[(q + 2) % 3];
            const double wq = al[q] / ((al[q] - a1) * (al[q] - a2));
            for (std::size_t iz = 0; iz < nz; ++iz) {
                if (!active(ik, iz)) continue;
                cplx cp[2 * E][4], cs[2 * E][2];
                for (std::size_t j = 0; j < 2 * E; ++j)
                    sub_coefficients(hst, hrec[iz].sub, &xp[j * np], &xs[j * ns], cp[j], cs[j]);
                DepthState d[2 * E];
                states_at(hst, hrec[iz], m, k, 2 * E, cp[0], 4, cs[0], 2, d);
                for (std::size_t j = 0; j < 2 * E; ++j) {
                    const double v[6] = {d[j].U.real(),  d[j].V.real(),  d[j].W.real(),
                                         d[j].Uz.real(), d[j].Vz.real(), d[j].Wz.real()};
                    double* h = &hb[((iz * E + j / 2) * NB + 3 * (j % 2)) * 6];
                    for (int c = 0; c < 6; ++c) {
                        h[c] -= wq * v[c] * (a1 + a2);
                        h[6 + c] += wq * v[c];
                        h[12 + c] += wq * v[c] * a1 * a2;
                    }
                }
            }
        }
    };

    // Per node of the time rule: the moduli of every layer, the elementary jumps, the basis
    // functions; and per node the times it serves (each node is solved once per wavenumber).
    const TimeRule rule = time_rule(times, tr, false);
    const std::size_t nn = rule.s.size();
    std::vector<Moduli> mods;
    node_moduli(p, layers, rule, mods);
    const std::size_t src = p.stack.source_layer;
    std::vector<std::array<SourceJump, E>> jumps(nn + 1);
    for (std::size_t q = 0; q <= nn; ++q) {
        const Moduli& m = q < nn ? mods[q * nl + src] : p.unrelaxed[src];
        std::array<MomentTensor, E> mt;
        for (std::size_t e = 0; e < E; ++e)
            mt[e] = moment_tensor(elementary_tensor(e), m.mu, m.lam);
        jumps[q] = elementary_jumps(mt, m);
    }
    // The homogeneous part is linear in the basis functions, so it is subtracted after the
    // inversion with their time-domain factors (depth_factors, scaled by mu_ref like the
    // moduli here): per (time, set) fb[(it 3 + set) NB + b], set 0 plain, 1 μ-, 2 λ-scaled.
    std::vector<double> fb(nt * 3 * NB);
    for (std::size_t it = 0; it < nt; ++it)
        for (std::size_t b = 0; b < NB; ++b) {
            fb[(it * 3 + 0) * NB + b] = out.f[it][b];
            fb[(it * 3 + 1) * NB + b] = out.mu_f[it][b] / p.mu_ref;
            fb[(it * 3 + 2) * NB + b] = out.lam_f[it][b] / p.mu_ref;
        }
    // serves[q]: (time, weight) pairs of node q; node nn (unrelaxed) serves t = 0 with weight
    // 1 on the real part.
    std::vector<std::vector<std::pair<std::size_t, cplx>>> serves(nn + 1);
    for (std::size_t it = 0; it < nt; ++it) {
        if (times[it] == 0.0) serves[nn].emplace_back(it, cplx(0.0, 0.0));
        for (std::size_t x = rule.begin[it]; x < rule.begin[it + 1]; ++x)
            serves[rule.node[x]].emplace_back(it, rule.weight[x]);
    }
    // Chunks taken in turn: a wavenumber's cost falls with the receivers it serves.
    parallel_chunks(nk, o.threads, 4, [&](const auto& next) {
        DenseWork w;
        std::vector<cplx> cp(E * nq * 4), cs(E * nq * 2), xp, xs;
        // One wavenumber's transforms at every node, (node, iz, e, c) as real and imaginary
        // parts, then its kernels (it, iz, e, c) as the inversion's weighted sums over the
        // nodes, vectorised along (iz, e, c), and copied out once: krem is (times, receivers,
        // wavenumbers, ...), and adding each node's share in place scattered over GBs.
        const std::size_t Q = nz * E * nc;
        std::vector<double> loc(nt * Q), Rre((nn + 1) * Q), Rim((nn + 1) * Q);
        std::vector<double> hb(nz * E * NB * 6);
        std::size_t b = 0, en = 0;
        while (next(b, en))
            for (std::size_t ik = b; ik < en; ++ik) {
                const double k = plan.rule.k[ik];
                // The span [z0, z1) of the receivers this wavenumber serves (zeros for any inside
                // it that it does not: decay depths grow away from the source, so there are none).
                std::size_t z0 = nz, z1 = 0;
                for (std::size_t iz = 0; iz < nz; ++iz)
                    if (active(ik, iz)) z0 = std::min(z0, iz), z1 = iz + 1;
                if (z1 == 0) continue;  // no receiver reads this wavenumber
                homogeneous(ik, w, xp, xs, hb);
                const std::size_t q0 = z0 * E * nc, nq_ = (z1 - z0) * E * nc;
                for (std::size_t node = 0; node <= nn; ++node) {
                    if (serves[node].empty()) continue;
                    const bool t0 = node == nn;
                    const Moduli* m = t0 ? p.unrelaxed.data() : &mods[node * nl];
                    const auto& jn = jumps[node];
                    if (o.dense) {
                        for (std::size_t e = 0; e < E; ++e) {
                            solve_dense_full(p.stack, m, k, w, jn[e], xp, xs);
                            for (std::size_t q = 0; q < nq; ++q)
                                sub_coefficients(p.stack, subs[q], xp.data(), xs.data(),
                                                 &cp[(e * nq + q) * 4], &cs[(e * nq + q) * 2]);
                        }
                    } else {
                        p.fast[ik].eval_coeffs(m, E, jn.data(), cp.data(), cs.data());
                    }
                    for (std::size_t iz = z0; iz < z1; ++iz) {
                        if (!active(ik, iz)) {  // not read; zero, not stale values
                            const std::size_t at_ = node * Q + iz * E * nc;
                            std::fill(&Rre[at_], &Rre[at_ + E * nc], 0.0);
                            std::fill(&Rim[at_], &Rim[at_ + E * nc], 0.0);
                            continue;
                        }
                        const Moduli& mr = m[receiver_layer(p.stack, rec[iz])];
                        const std::size_t q = qof[iz];
                        DepthState ds[E];
                        states_at(p.stack, rec[iz], mr, k, E, &cp[q * 4], nq * 4, &cs[q * 2],
                                  nq * 2, ds);
                        for (std::size_t e = 0; e < E; ++e) {
                            const DepthState& d = ds[e];
                            const cplx L[6] = {d.U, d.V, d.W, d.Uz, d.Vz, d.Wz};
                            cplx R[NC];
                            for (int c = 0; c < 6; ++c) R[c] = L[c], R[6 + c] = mr.mu * L[c];
                            R[12] = mr.lam * (L[3] - L[1]);
                            const std::size_t at_ = node * Q + (iz * E + e) * nc;
                            for (std::size_t c = c0; c < NC; ++c)
                                Rre[at_ + c - c0] = R[c].real(), Rim[at_ + c - c0] = R[c].imag();
                        }
                    }
                }
                std::fill(loc.begin(), loc.end(), 0.0);
                for (std::size_t node = 0; node <= nn; ++node)
                    for (const auto& [it, wx] : serves[node]) {
                        double* oe = &loc[it * Q + q0];
                        const double *re = &Rre[node * Q + q0], *im = &Rim[node * Q + q0];
                        // Im(w R) = w.re R.im + w.im R.re; the unrelaxed node's share is Re R.
                        if (node == nn)
                            add_weighted(nq_, 0.0, im, 1.0, re, oe);
                        else
                            add_weighted(nq_, wx.real(), im, wx.imag(), re, oe);
                    }
                // Minus the homogeneous part: set (c / 6) of the basis's factors times the
                // coefficients of component c % 6 (c = 12: of Uz - V).
                for (std::size_t it = 0; it < nt; ++it)
                    for (std::size_t iz = z0; iz < z1; ++iz)
                        for (std::size_t e = 0; e < E; ++e) {
                            const double* h = &hb[(iz * E + e) * NB * 6];
                            double* dst = &loc[((it * nz + iz) * E + e) * nc];
                            for (std::size_t c = c0; c < NC; ++c) {
                                const double* f = &fb[(it * 3 + c / 6) * NB];
                                double v = 0.0;
                                for (std::size_t bb = 0; bb < NB; ++bb)
                                    v += f[bb] * (c < 12 ? h[bb * 6 + c % 6]
                                                         : h[bb * 6 + 3] - h[bb * 6 + 1]);
                                dst[c - c0] -= v;
                            }
                        }
                for (std::size_t it = 0; it < nt; ++it)
                    for (std::size_t iz = z0; iz < z1; ++iz) {
                        const std::size_t q = it * nz + iz;
                        std::copy(&loc[q * E * nc], &loc[(q + 1) * E * nc],
                                  &out.krem[(q * nk + ik) * E * nc]);
                    }
            }
    });
}

}  // namespace viscoann::detail
