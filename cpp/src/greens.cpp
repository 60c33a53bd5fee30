// The solver's entry points: each runs the prologue (plan.hpp), the remainder's time kernels
// (time_kernels.hpp), the Hankel sums (hankel.hpp) and the assembly here: the homogeneous
// half-space in closed form (Okada, u = A + r(t) B per part) plus the remainder's field with
// the exact azimuthal factors (sources.hpp).
#include "viscoann/greens.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "depth_sources.hpp"
#include "hankel.hpp"
#include "laplace.hpp"
#include "parallel_for.hpp"
#include "plan.hpp"
#include "sources.hpp"
#include "table_kernels.hpp"
#include "time_kernels.hpp"

namespace viscoann {

namespace {

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// The canonical source's radial functions vanish on the axis (the m = 2 field is single
// valued there): exactly 0 at r = 0, whatever the quadrature or the tables give.
inline void zero_on_axis(double r, double g[3]) noexcept {
    if (r == 0.0) g[0] = g[1] = g[2] = 0.0;
}

// Canonical source: the total field at one point from the homogeneous part (with r(t) = Gt)
// and the remainder's radial functions g at radius r.
// (The constant part A is multiplied by G.constant: 0 for velocities.)
inline void assemble_canonical(double x, double y, double r, double d,
                               const detail::HomogeneousFactors& G, std::size_t it, double g[3],
                               double* u, bool homogeneous) noexcept {
    double A[3] = {0.0, 0.0, 0.0}, B[3] = {0.0, 0.0, 0.0}, ug[3];
    if (homogeneous) detail::okada_canonical_parts(x, y, d, A, B);
    zero_on_axis(r, g);
    detail::canonical_from_radial(x, y, g, ug);
    for (int c = 0; c < 3; ++c) u[c] = G.constant * A[c] + G.r[it] * B[c] + ug[c];
}

// For each distinct radius r: fill(row, r), then each(row, i) for every sample i at r (all its
// times); radii split over threads, `row_size` doubles of scratch per thread.
template <class Fill, class Each>
void by_radius(const detail::Samples& s, int threads, std::size_t row_size, Fill&& fill,
               Each&& each) {
    const auto& start = s.radius_start;
    detail::parallel_for(start.size() - 1, threads, 4, [&](std::size_t b, std::size_t e) {
        std::vector<double> row(row_size);
        for (std::size_t gi = b; gi < e; ++gi) {
            fill(row.data(), s.r[s.order[start[gi]]]);
            for (std::size_t q = start[gi]; q < start[gi + 1]; ++q) each(row.data(), s.order[q]);
        }
    });
}

// Few distinct radii: Bessel rows at the samples' own radii (exact, no interpolation); many:
// radial tables on the plan's grid. A Bessel row (three J_n per k, hankel.cpp's bessel_small and
// Hankel's expansion) costs about 1000 table sums per k (measured 830-1100 for 384 wavenumbers).
constexpr double kBesselCostInSums = 1000.0;
bool rows_cheaper(std::size_t n_radii, std::size_t n, std::size_t n_table, std::size_t nt) {
    const double rows = kBesselCostInSums * double(n_radii) + double(n);
    const double tables = kBesselCostInSums * double(n_table) + double(nt * n_table);
    return rows <= tables;
}

}  // namespace

void canonical_displacement(const EarthModel& model, double depth, std::size_t n, const double* x,
                            const double* y, const double* t, double* out, const GreensOptions& o) {
    const detail::Samples s = detail::scattered_samples(model, depth, n, x, y, t, o);
    const auto tr = detail::talbot_rule(o.talbot_nodes);
    if (n == 0) return;
    const bool sub = o.subtract_homogeneous;
    if (model.layers.empty() && sub) {
        // Homogeneous half-space: the remainder vanishes identically, u = A + G(t) B.
        const auto G = detail::homogeneous_factors(model.halfspace, s.times, tr, o.velocity);
        detail::parallel_for(n, o.threads, 256, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i) {
                double g[3] = {0.0, 0.0, 0.0};
                assemble_canonical(x[i], y[i], s.r[i], depth, G, s.tix[i], g, &out[3 * i], true);
            }
        });
        return;
    }
    const detail::Plan plan =
        detail::make_plan(sub ? detail::decay_depth(model, depth) : depth, s.r_max, o);
    detail::Prepared P;
    detail::prepare(P, model, depth, plan, o);
    const auto hk = detail::canonical_homogeneous(depth, plan, sub, o.threads);
    std::vector<double> krem;
    detail::HomogeneousFactors G;
    detail::canonical_time_kernels(P, hk, model, plan, s.times, tr, o, krem, G);
    const auto radii = detail::table_radii(plan);
    const std::size_t nk = plan.rule.k.size(), nt = s.times.size();
    if (rows_cheaper(s.radius_start.size() - 1, n, radii.size(), nt)) {
        // Bessel rows t1, t2, t3 at each distinct radius serve every sample and time there.
        by_radius(
            s, o.threads, 3 * nk,
            [&](double* row, double r) {
                detail::bessel_row(plan.rule, r, row, row + nk, row + 2 * nk);
            },
            [&](const double* row, std::size_t i) {
                double g[3];
                detail::canonical_radial(nk, row, row + nk, row + 2 * nk, &krem[s.tix[i] * nk * 3],
                                         g);
                assemble_canonical(x[i], y[i], s.r[i], depth, G, s.tix[i], g, &out[3 * i], sub);
            });
        return;
    }
    const auto bt = detail::bessel_tables(plan.rule, radii, o.threads);
    std::vector<double> g;
    detail::canonical_radial_tables(bt, krem, nt, o.threads, g);
    detail::parallel_for(n, o.threads, 64, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            double gi[3];
            detail::interpolate_radial(g, bt.n_r, s.tix[i], plan.h, s.r[i], gi);
            assemble_canonical(x[i], y[i], s.r[i], depth, G, s.tix[i], gi, &out[3 * i], sub);
        }
    });
}

void seed_grid(std::size_t n, const double* x, const double* y, std::size_t nd,
               const double* depths, std::size_t nt, const double* times, std::size_t ne,
               const double* eta_M, const double* eta_K, double* out, const GreensOptions& o,
               GreensStageTimes* st) {
    detail::require_options(o);
    detail::require_finite("x", n, x, false);
    detail::require_finite("y", n, y, false);
    detail::require_times("times", nt, times, o);
    std::vector<EarthModel> models;
    for (std::size_t e = 0; e < ne; ++e)
        models.push_back(EarthModel::canonical(eta_M[e], eta_K[e]));
    double D = 1e300, r_max = 0.0;
    for (std::size_t d = 0; d < nd; ++d) {
        detail::require_depth(depths[d]);
        D = std::min(D, detail::decay_depth(EarthModel::canonical(1e19, 1e19), depths[d]));
    }
    const auto tr = detail::talbot_rule(o.talbot_nodes);
    if (n == 0 || nd == 0 || nt == 0 || ne == 0) return;
    GreensOptions o_sub = o;
    o_sub.subtract_homogeneous = true;
    double t0 = now();
    std::vector<double> tv(times, times + nt), rp(n);
    for (std::size_t i = 0; i < n; ++i)
        rp[i] = std::hypot(x[i], y[i]), r_max = std::max(r_max, rp[i]);
    const detail::Plan plan = detail::make_plan(D, r_max, o);
    const auto bt = detail::bessel_tables(plan.rule, detail::table_radii(plan), o.threads);
    GreensStageTimes acc;
    acc.transforms += now() - t0;
    // Interpolation stencils, azimuthal factors and homogeneous parts per point are shared by
    // all times.
    std::vector<std::size_t> j0(n);
    std::vector<double> wts(4 * n), A(3 * n), B(3 * n);
    std::vector<detail::CanonicalFactors> f(n);
    for (std::size_t i = 0; i < n; ++i) {
        j0[i] = detail::cubic_stencil(rp[i], plan.h, bt.n_r, &wts[4 * i]);
        f[i] = detail::canonical_factors(x[i], y[i]);
    }
    std::vector<double> krem, g;
    detail::HomogeneousFactors G;
    for (std::size_t d = 0; d < nd; ++d) {
        t0 = now();
        for (std::size_t i = 0; i < n; ++i)
            detail::okada_canonical_parts(x[i], y[i], depths[d], &A[3 * i], &B[3 * i]);
        acc.evaluation += now() - t0;
        t0 = now();
        const auto hk = detail::canonical_homogeneous(depths[d], plan, true, o.threads);
        acc.kernels += now() - t0;
        detail::Prepared P;
        std::vector<char> prepared_for;
        for (std::size_t e = 0; e < ne; ++e) {
            t0 = now();
            const std::vector<char> flags = {
                0, char(models[e].halfspace.rheology.is_elastic() ? 0 : 1)};
            if (flags != prepared_for)
                detail::prepare(P, models[e], depths[d], plan, o_sub), prepared_for = flags;
            detail::canonical_time_kernels(P, hk, models[e], plan, tv, tr, o, krem, G);
            const double t1 = now();
            acc.kernels += t1 - t0;
            detail::canonical_radial_tables(bt, krem, nt, o.threads, g);
            const double t2 = now();
            acc.transforms += t2 - t1;
            double* base = out + ((e * nd + d) * nt) * n * 3;
            detail::parallel_for(nt * n, o.threads, 256, [&](std::size_t b, std::size_t en) {
                for (std::size_t q = b; q < en; ++q) {
                    const std::size_t it = q / n, i = q % n;
                    const double* w = &wts[4 * i];
                    const double* gg = &g[(it * bt.n_r + j0[i]) * 3];
                    double gi[3], ur[3];
                    for (int c = 0; c < 3; ++c)
                        gi[c] =
                            w[0] * gg[c] + w[1] * gg[3 + c] + w[2] * gg[6 + c] + w[3] * gg[9 + c];
                    zero_on_axis(rp[i], gi);
                    detail::apply_factors(f[i], gi, ur);
                    double* u = base + q * 3;
                    for (int c = 0; c < 3; ++c)
                        u[c] = G.constant * A[3 * i + c] + G.r[it] * B[3 * i + c] + ur[c];
                }
            });
            acc.evaluation += now() - t2;
        }
    }
    if (st)
        st->kernels += acc.kernels, st->transforms += acc.transforms,
            st->evaluation += acc.evaluation;
}

void point_source_displacement(const EarthModel& model, double depth, const PotencyTensor& pt,
                               std::size_t n, const double* x, const double* y, const double* t,
                               double* out, const GreensOptions& o) {
    const double comps[6] = {pt.xx, pt.yy, pt.zz, pt.xy, pt.xz, pt.yz};
    detail::require_finite("potency", 6, comps, false);
    const detail::Samples s = detail::scattered_samples(model, depth, n, x, y, t, o);
    const auto tr = detail::talbot_rule(o.talbot_nodes);
    if (n == 0) return;
    const bool sub = o.subtract_homogeneous;
    const detail::Plan plan =
        detail::make_plan(sub ? detail::decay_depth(model, depth) : depth, s.r_max, o);
    const std::size_t nk = plan.rule.k.size(), H = detail::kHarmonics;
    detail::Prepared P;
    detail::prepare(P, model, depth, plan, o);
    const auto hk = detail::potency_homogeneous(depth, plan, pt, sub, o.threads);
    std::vector<double> krem;
    detail::HomogeneousFactors G;
    detail::potency_time_kernels(P, hk, model, plan, pt, s.times, tr, o, krem, G);

    // Hankel integrals at each distinct radius (its Bessel row serves every sample there),
    // the harmonics' azimuthal factors, the homogeneous part.
    by_radius(
        s, o.threads, 4 * nk,
        [&](double* row, double r) { detail::bessel_0123_row(plan.rule, r, row); },
        [&](const double* row, std::size_t i) {
            double I[detail::kHarmonics][5];
            detail::harmonic_integrals(plan.rule, row, &krem[s.tix[i] * nk * H * 3], I);
            double* u = &out[3 * i];
            detail::from_harmonics(detail::azimuth(x[i], y[i]), I, u);
            if (!sub) return;
            // The homogeneous part in closed form per part (sources.hpp).
            const std::size_t it = s.tix[i];
            double Ad[3], Bd[3], Ai[3], Bi[3];
            detail::potency_homogeneous_parts(pt, x[i], y[i], depth, Ad, Bd, Ai, Bi);
            for (int c = 0; c < 3; ++c)
                u[c] += G.constant * Ad[c] + G.r[it] * Bd[c] + G.kappa[it] * Ai[c] +
                        G.kappa_r[it] * Bi[c];
        });
}

void point_source_displacement(const EarthModel& model, double depth, double dip,
                               const double potency[4], std::size_t n, const double* x,
                               const double* y, const double* t, double* out,
                               const GreensOptions& o) {
    model.validate();
    detail::require_depth(depth);
    if (!(dip >= 0.0 && dip <= 90.0)) {
        std::ostringstream m;
        m << "dip = " << dip << " is invalid; allowed: 0..90 degrees";
        throw std::invalid_argument(m.str());
    }
    detail::require_finite("potency", 4, potency, false);
    const std::size_t src = model.layer_at(depth);
    const Layer& layer = src < model.layers.size() ? model.layers[src] : model.halfspace;
    point_source_displacement(model, depth,
                              detail::okada_potency(dip, potency, layer.rheology.mu_M, layer.lam),
                              n, x, y, t, out, o);
}

ElementaryTables elementary_tables(const EarthModel& model, double depth, double r_max,
                                   std::size_t n_times, const double* times, const GreensOptions& o,
                                   double spacing) {
    model.validate();
    detail::require_depth(depth);
    detail::require_options(o);
    detail::require_times("times", n_times, times, o);
    if (!(std::isfinite(r_max) && r_max >= 0)) {
        std::ostringstream m;
        m << "r_max = " << r_max << " is invalid; allowed: finite >= 0 m";
        throw std::invalid_argument(m.str());
    }
    if (!(std::isfinite(spacing) && spacing >= 0)) {
        std::ostringstream m;
        m << "spacing = " << spacing << " is invalid; allowed: finite > 0 m, or 0";
        throw std::invalid_argument(m.str());
    }
    const auto tr = detail::talbot_rule(o.talbot_nodes);
    ElementaryTables t;
    t.depth = depth;
    t.times.assign(times, times + n_times);
    // The remainder is subtracted always: the homogeneous part is added back in closed form.
    detail::Plan plan = detail::make_plan(detail::decay_depth(model, depth), r_max, o);
    // Below the first layer the remainder carries much of the homogeneous near field once the
    // source layer relaxes (layered minus a relaxed half-space): half the spacing keeps the
    // cubic interpolation at ~2e-7 of the field (measured; 2.4e-6 at D/40).
    if (model.layer_at(depth) > 0) plan.h *= 0.5;
    if (spacing > 0) plan.h = spacing;
    const auto radii = detail::table_radii(plan);
    t.h = plan.h;
    t.n_r = radii.size();
    detail::HomogeneousFactors G;
    std::vector<double> krem;
    constexpr std::size_t E = detail::kElementary, F = detail::kRadialFunctions;
    const std::size_t nk = plan.rule.k.size(), nt = n_times;
    if (model.layers.empty()) {
        // Homogeneous half-space: the remainder vanishes identically.
        G = detail::homogeneous_factors(model.halfspace, t.times, tr, o.velocity);
        t.g.assign(nt * t.n_r * F, 0.0);
    } else {
        detail::Prepared P;
        detail::prepare(P, model, depth, plan, o);
        const auto hk = detail::elementary_homogeneous(depth, plan, true, o.threads);
        detail::elementary_time_kernels(P, hk, model, plan, t.times, tr, o, krem, G);
        t.g.assign(nt * t.n_r * F, 0.0);
        // The kernels as the radial sums' terms (table_kernels.hpp), then blocks of radii:
        // one Bessel row per radius serves every time there.
        constexpr std::size_t RB = detail::kRadialBlock, Q = detail::kTerms;
        std::vector<double> kt(nt * nk * Q);
        for (std::size_t i = 0; i < nt * nk; ++i)
            for (std::size_t q = 0; q < Q; ++q)
                kt[i * Q + q] = detail::kTermScale[q] * krem[i * E * 3 + detail::kTermK[q]];
        const auto kernels = detail::table_kernels();
        const std::size_t n_blocks = (t.n_r + RB - 1) / RB;
        detail::parallel_for(n_blocks, o.threads, 1, [&](std::size_t b, std::size_t e) {
            constexpr std::size_t BR = detail::kElementaryRow;
            std::vector<double> row(4 * nk), B(BR * nk), Bt(BR * nk * RB), acc(nt * F * RB);
            for (std::size_t blk = b; blk < e; ++blk) {
                const std::size_t j0 = blk * RB, n_in = std::min(RB, t.n_r - j0);
                for (std::size_t jj = 0; jj < RB; ++jj) {
                    // A short last block repeats its last radius (computed, not stored).
                    detail::bessel_0123_row(plan.rule, radii[j0 + std::min(jj, n_in - 1)],
                                            row.data());
                    detail::elementary_row(plan.rule, row.data(), B.data());
                    for (std::size_t i = 0; i < BR * nk; ++i) Bt[i * RB + jj] = B[i];
                }
                kernels.radial(nk, nt, Bt.data(), kt.data(), acc.data());
                for (std::size_t it = 0; it < nt; ++it)
                    for (std::size_t jj = 0; jj < n_in; ++jj)
                        for (std::size_t f = 0; f < F; ++f)
                            t.g[(it * t.n_r + j0 + jj) * F + f] = acc[(it * F + f) * RB + jj];
            }
        });
    }
    t.r = G.r, t.kappa = G.kappa, t.kappa_r = G.kappa_r, t.constant = G.constant;
    return t;
}

void tables_displacement(const ElementaryTables& t, std::size_t m, const PotencyTensor* p,
                         std::size_t n, const double* x, const double* y, double* out,
                         bool homogeneous, int threads) {
    if (t.g.size() != t.times.size() * t.n_r * detail::kRadialFunctions)
        throw std::invalid_argument("tables: inconsistent sizes (n_r >= 4, g (n_t, n_r, 10))");
    const double* g = t.g.data();
    const double one = 1.0;
    tables_displacement_mixed(t, 1, &g, &one, m, p, n, x, y, out, homogeneous, threads);
}

void tables_displacement_mixed(const ElementaryTables& t, std::size_t n_tables,
                               const double* const* g, const double* weights, std::size_t m,
                               const PotencyTensor* p, std::size_t n, const double* x,
                               const double* y, double* out, bool homogeneous, int threads) {
    constexpr std::size_t F = detail::kRadialFunctions;
    if (n_tables < 1 || !g || !weights)
        throw std::invalid_argument("tables: n_tables >= 1 tables and weights are required");
    detail::require_finite("weights", n_tables, weights, false);
    const std::size_t nt = t.times.size();
    for (std::size_t q = 0; q < m; ++q) {
        const double comps[6] = {p[q].xx, p[q].yy, p[q].zz, p[q].xy, p[q].xz, p[q].yz};
        detail::require_finite("potency", 6, comps, false);
    }
    detail::require_finite("x", m * n, x, false);
    detail::require_finite("y", m * n, y, false);
    if (threads < 0) throw std::invalid_argument("threads < 0 is invalid; allowed: >= 0");
    if (t.n_r < 4 || !(t.h > 0) || t.r.size() != nt || t.kappa.size() != nt ||
        t.kappa_r.size() != nt)
        throw std::invalid_argument("tables: inconsistent sizes (n_r >= 4, g (n_t, n_r, 10))");
    const double r_top = double(t.n_r - 3) * t.h;  // the cubic stencil's last full interval
    for (std::size_t i = 0; i < m * n; ++i)
        if (!(std::hypot(x[i], y[i]) <= r_top)) {
            std::ostringstream msg;
            msg << "x[" << i << "], y[" << i << "] = " << x[i] << ", " << y[i]
                << " is invalid: radius beyond the tables; allowed: <= " << r_top << " m";
            throw std::invalid_argument(msg.str());
        }
    // Radius-major copy, gr[(j F + f) nt + it]: a pair's four stencil radii are one contiguous
    // run of 4 F nt values, and the synthesis kernel runs along times. Kept per calling thread
    // (a reference, so the workers' lambdas see the caller's): a fresh buffer of this size is
    // mapped and page-faulted anew by every call (measured: most of a call's fixed cost).
    // The tables combine here, in the same pass.
    // Beyond 64 MB a call's own buffer (so no thread holds that much after it returns).
    thread_local std::vector<double> kept;
    std::vector<double> own;
    const std::size_t size = nt * t.n_r * F;
    std::vector<double>& gr = size <= (std::size_t{8} << 20) ? kept : own;
    gr.resize(size);
    detail::parallel_for(t.n_r, threads, 64, [&](std::size_t j0, std::size_t j1) {
        for (std::size_t it = 0; it < nt; ++it)
            for (std::size_t j = j0; j < j1; ++j)
                for (std::size_t f = 0; f < F; ++f) {
                    const std::size_t at = (it * t.n_r + j) * F + f;
                    double v = weights[0] * g[0][at];
                    for (std::size_t k = 1; k < n_tables; ++k) v += weights[k] * g[k][at];
                    gr[(j * F + f) * nt + it] = v;
                }
    });
    const auto kernels = detail::table_kernels();
    // Threads over blocks of points, each owning its outputs. The loop reads far more table than
    // it writes, so a block's (source, point) pairs of every source run in order of radius:
    // pairs on the same stencil then read its rows from L1, not from L3 each.
    constexpr std::size_t block = 256;
    detail::parallel_for(n, threads, 64, [&](std::size_t b, std::size_t e) {
        std::vector<double> u(block * 3 * nt), w, C;
        std::vector<std::size_t> j0, order;
        for (std::size_t b0 = b; b0 < e; b0 += block) {
            const std::size_t nb = std::min(block, e - b0), np = m * nb;
            std::fill(u.begin(), u.begin() + nb * 3 * nt, 0.0);
            w.resize(4 * np), C.resize(3 * F * np), j0.resize(np), order.resize(np);
            for (std::size_t q = 0; q < m; ++q) {
                const double* xq = x + q * n + b0;
                const double* yq = y + q * n + b0;
                for (std::size_t i = 0; i < nb; ++i) {
                    const std::size_t k = q * nb + i;
                    j0[k] = detail::cubic_stencil(std::hypot(xq[i], yq[i]), t.h, t.n_r, &w[4 * k]);
                    // The synthesis is linear in g: its coefficients from unit radial functions
                    // (sources.hpp stays the one owner of the azimuthal factors).
                    const detail::Azimuth a = detail::azimuth(xq[i], yq[i]);
                    for (std::size_t f = 0; f < F; ++f) {
                        double unit[F] = {}, uf[3];
                        unit[f] = 1.0;
                        detail::elementary_synthesis(a, p[q], unit, uf);
                        for (int c = 0; c < 3; ++c) C[(k * 3 + c) * F + f] = uf[c];
                    }
                    if (!homogeneous) continue;
                    double Ad[3] = {}, Bd[3] = {}, Ai[3] = {}, Bi[3] = {};
                    detail::potency_homogeneous_parts(p[q], xq[i], yq[i], t.depth, Ad, Bd, Ai, Bi);
                    double* ui = &u[i * 3 * nt];
                    for (int c = 0; c < 3; ++c)
                        for (std::size_t it = 0; it < nt; ++it)
                            ui[c * nt + it] += t.constant * Ad[c] + t.r[it] * Bd[c] +
                                               t.kappa[it] * Ai[c] + t.kappa_r[it] * Bi[c];
                }
            }
            std::iota(order.begin(), order.end(), std::size_t{0});
            std::sort(order.begin(), order.end(),
                      [&](std::size_t i, std::size_t k) { return j0[i] < j0[k]; });
            for (const std::size_t k : order) {
                const double* rows[4];
                for (std::size_t s = 0; s < 4; ++s) rows[s] = &gr[(j0[k] + s) * F * nt];
                kernels.synthesis(nt, nt, rows, &w[4 * k],
                                  reinterpret_cast<const double (*)[F]>(&C[k * 3 * F]),
                                  &u[(k % nb) * 3 * nt]);
            }
            for (std::size_t i = 0; i < nb; ++i)
                for (std::size_t it = 0; it < nt; ++it)
                    for (int c = 0; c < 3; ++c)
                        out[(it * n + b0 + i) * 3 + c] = u[(i * 3 + c) * nt + it];
        }
    });
}

void point_sources_at_depth(const EarthModel& model, double depth, std::size_t ms,
                            const PotencyTensor* pt, std::size_t n, const double* x,
                            const double* y, const double* z, std::size_t nt, const double* times,
                            double* u, double* grad, double* stress, const GreensOptions& o,
                            bool homogeneous) {
    detail::point_sources_at_depth_planned(model, depth, ms, pt, n, x, y, z, nt, times, u, grad,
                                           stress, o, homogeneous, 1e300, 0.0);
}

void detail::point_sources_at_depth_planned(const EarthModel& model, double depth, std::size_t ms,
                                            const PotencyTensor* pt, std::size_t n, const double* x,
                                            const double* y, const double* z, std::size_t nt,
                                            const double* times, double* u, double* grad,
                                            double* stress, const GreensOptions& o,
                                            bool homogeneous, double D_cap, double r_floor) {
    model.validate();
    detail::require_depth(depth);
    detail::require_options(o);
    for (std::size_t q = 0; q < ms; ++q) {
        const double comps[6] = {pt[q].xx, pt[q].yy, pt[q].zz, pt[q].xy, pt[q].xz, pt[q].yz};
        detail::require_finite("potency", 6, comps, false);
    }
    detail::require_finite("x", ms * n, x, false);
    detail::require_finite("y", ms * n, y, false);
    detail::require_finite("z", n, z, false);
    detail::require_finite("times", nt, times, true);
    if (o.velocity)
        throw std::invalid_argument(
            "velocity = true is invalid at depth; allowed: false (displacement, strain, stress)");
    for (std::size_t i = 0; i < n; ++i)
        if (z[i] > 0.0) {
            std::ostringstream m;
            m << "z[" << i << "] = " << z[i]
              << " is invalid: the receiver is above the free surface; allowed: <= 0 m";
            throw std::invalid_argument(m.str());
        }
    for (std::size_t q = 0; q < ms; ++q)
        for (std::size_t i = 0; i < n; ++i)
            if (homogeneous && x[q * n + i] == 0.0 && y[q * n + i] == 0.0 && -z[i] == depth) {
                std::ostringstream m;
                m << "receiver " << i << " (x, y, z = 0, 0, " << z[i] << " from source " << q
                  << ") is invalid: it is on the source point, where the field is singular; "
                     "allowed: any other point";
                throw std::invalid_argument(m.str());
            }
    const auto tr = detail::talbot_rule(o.talbot_nodes);
    if (n == 0 || nt == 0 || ms == 0) return;
    // Distinct receiver depths (down) share their time kernels.
    std::vector<double> zd(n);
    for (std::size_t i = 0; i < n; ++i) zd[i] = -z[i] + 0.0;
    std::vector<double> zs = zd;
    std::sort(zs.begin(), zs.end());
    zs.erase(std::unique(zs.begin(), zs.end()), zs.end());
    double D = D_cap, r_max = r_floor;
    for (double zz : zs) D = std::min(D, detail::decay_depth_between(model, depth, zz));
    for (std::size_t i = 0; i < ms * n; ++i) r_max = std::max(r_max, std::hypot(x[i], y[i]));
    const detail::Plan plan = detail::make_plan(D, r_max, o);
    const std::vector<double> tv(times, times + nt);
    detail::DepthKernels dk;
    detail::depth_time_kernels(model, depth, zs, plan, tv, tr, o, dk);
    constexpr std::size_t E = detail::kElementary, NC = detail::kDepthComponents;
    constexpr std::size_t NB = detail::kHomogeneousBasis;
    const std::size_t nk = plan.rule.k.size(), nz = zs.size();
    const bool layered = !model.layers.empty();
    detail::parallel_for(ms * n, o.threads, 1, [&](std::size_t b, std::size_t e) {
        std::vector<double> row(5 * nk);
        for (std::size_t qi = b; qi < e; ++qi) {
            const std::size_t q = qi / n, i = qi % n;
            const double xi = x[qi], yi = y[qi];
            const std::size_t iz =
                std::size_t(std::lower_bound(zs.begin(), zs.end(), zd[i]) - zs.begin());
            if (layered) detail::bessel_04_row(plan.rule, std::hypot(xi, yi), row.data());
            const detail::Azimuth az = detail::azimuth(xi, yi);
            double hb[NB][12] = {};
            if (homogeneous) detail::potency_homogeneous_basis(pt[q], xi, yi, z[i], depth, hb);
            for (std::size_t it = 0; it < nt; ++it) {
                double R[E][detail::kDepthRadial] = {}, ur[3] = {}, gr[9] = {}, sr[9] = {};
                if (layered) {
                    detail::depth_radial(plan.rule, row.data(),
                                         &dk.krem[((it * nz + iz) * nk) * E * NC], R);
                    detail::depth_synthesis(az, pt[q], R, ur, gr, sr);
                }
                const auto &f = dk.f[it], &mf = dk.mu_f[it], &lf = dk.lam_f[it];
                const std::size_t o_ = (it * ms + q) * n + i;
                for (int c = 0; c < 3; ++c) {
                    double h = 0.0;
                    for (std::size_t j = 0; j < NB; ++j) h += f[j] * hb[j][c];
                    if (u) u[3 * o_ + c] = ur[c] + h;
                }
                for (int c = 0; c < 9; ++c) {
                    double h = 0.0;
                    for (std::size_t j = 0; j < NB; ++j) h += f[j] * hb[j][3 + c];
                    if (grad) grad[9 * o_ + c] = gr[c] + h;
                }
                if (!stress) continue;
                for (int a = 0; a < 3; ++a)
                    for (int c = 0; c < 3; ++c) {
                        double h = 0.0;
                        for (std::size_t j = 0; j < NB; ++j) {
                            const double* g = &hb[j][3];
                            h += mf[j] * (g[3 * a + c] + g[3 * c + a]) +
                                 (a == c ? lf[j] * (g[0] + g[4] + g[8]) : 0.0);
                        }
                        stress[9 * o_ + 3 * a + c] = dk.mu_ref * sr[3 * a + c] + h;
                    }
            }
        }
    });
}

void point_source_at_depth(const EarthModel& model, double depth, const PotencyTensor& pt,
                           std::size_t n, const double* x, const double* y, const double* z,
                           std::size_t nt, const double* times, double* u, double* grad,
                           double* stress, const GreensOptions& o) {
    point_sources_at_depth(model, depth, 1, &pt, n, x, y, z, nt, times, u, grad, stress, o);
}

void homogeneous_depth_factors(const Layer& layer, std::size_t nt, const double* times, double* f,
                               double* mu_f, double* lam_f, const GreensOptions& o) {
    EarthModel m;
    m.halfspace = layer;
    m.validate();
    detail::require_finite("times", nt, times, true);
    const auto tr = detail::talbot_rule(o.talbot_nodes);
    detail::DepthKernels dk;
    detail::depth_factors(layer, std::vector<double>(times, times + nt), tr, dk);
    constexpr std::size_t NB = detail::kHomogeneousBasis;
    for (std::size_t it = 0; it < nt; ++it)
        for (std::size_t j = 0; j < NB; ++j)
            f[it * NB + j] = dk.f[it][j], mu_f[it * NB + j] = dk.mu_f[it][j],
                        lam_f[it * NB + j] = dk.lam_f[it][j];
}

void canonical_from_radial(std::size_t n, const double* x, const double* y, std::size_t n_sets,
                           const double* g, double* u) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const detail::CanonicalFactors f = detail::canonical_factors(x[i], y[i]);
        for (std::size_t j = 0; j < n_sets; ++j)
            detail::apply_factors(f, &g[(j * n + i) * 3], &u[(j * n + i) * 3]);
    }
}

}  // namespace viscoann
