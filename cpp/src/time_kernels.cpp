// The remainder's time kernels: s-independent preparation (unrelaxed factorisation, the
// homogeneous kernels a + r b from two elastic solves), the moduli at every Talbot node, and
// the inversion to time per wavenumber of the layered kernel minus the homogeneous one.
#include "time_kernels.hpp"

#include <array>

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
             const GreensOptions& o) {
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
            p.fast[i].prepare(p.stack, p.unrelaxed.data(), p.viscous, plan.rule.k[i]);
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
