// Surface kernels of a point source in a layered half-space, per wavenumber k and Laplace
// variable s: the static P-SV and SH systems (correspondence principle) solved by the
// global-matrix method. In every layer the solutions are written with exponentials normalised
// at the layer's own top (e^{-k(z-z_top)}) or bottom (e^{-k(z_bot-z)}), so no entry exceeds
// O(1 + kh) e^0 and the system stays well conditioned at any k h (no e^{+kh} growth as in raw
// propagator matrices).
//
// State vector per order m (Takeuchi & Saito style, z down): U (vertical), V, W (horizontal
// spheroidal / toroidal), P = sigma_zz / k, Q = sigma_z,S / k, R = sigma_z,T / k (all / mu_ref).
// Homogeneous-layer solutions: grad of e^{-+kz} Y and the Papkovich solution
// 4(1-nu) psi e_z - grad((z - z0) psi). The source enters as the jump of (U, V, P, Q) and
// (W, R) at its depth (sources.hpp).
#include "propagator.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace viscoann::detail {

namespace {

Stack::Sub make_sub(double h, std::size_t layer) { return Stack::Sub{h, layer}; }

// P-SV solution values (rows U, V, P, Q) of the 4 solutions at decaying offset xi (E =
// e^{-xi}) and growing offset eta (F = e^{-eta}); E, F passed to avoid recomputing exp.
struct PsvCols {
    cplx v[4][4];  // v[row][col]
};
inline PsvCols psv_values(const Moduli& m, double xi, double E, double eta, double F) {
    const cplx mu = m.mu, lam = m.lam;
    const cplx lm = lam + mu;
    const cplx c = (lam + 3.0 * mu) / lm, g = (lam + 2.0 * mu) / lm, r = mu / lm;
    const cplx mu2 = 2.0 * mu;
    PsvCols p;
    // sol1: grad e^{-kz}; sol2: Papkovich with e^{-kz}
    p.v[0][0] = -E;
    p.v[1][0] = E;
    p.v[2][0] = mu2 * E;
    p.v[3][0] = -mu2 * E;
    p.v[0][1] = (c + xi) * E;
    p.v[1][1] = -xi * E;
    p.v[2][1] = -mu2 * E * (g + xi);
    p.v[3][1] = mu2 * E * (r + xi);
    // sol3: grad e^{+kz}; sol4: Papkovich with e^{+kz}
    p.v[0][2] = F;
    p.v[1][2] = F;
    p.v[2][2] = mu2 * F;
    p.v[3][2] = mu2 * F;
    p.v[0][3] = (c + eta) * F;
    p.v[1][3] = eta * F;
    p.v[2][3] = mu2 * F * (g + eta);
    p.v[3][3] = mu2 * F * (r + eta);
    return p;
}

// z-derivatives (down) / k of the U and V rows of the 4 solutions (psv_values' arguments):
// dE/dz = -k E, dF/dz = k F, d xi/dz = k, d eta/dz = -k.
inline void psv_derivatives(const Moduli& m, double xi, double E, double eta, double F, cplx dU[4],
                            cplx dV[4]) {
    const cplx c = (m.lam + 3.0 * m.mu) / (m.lam + m.mu);
    dU[0] = E, dV[0] = -E;
    dU[1] = (1.0 - c - xi) * E, dV[1] = (xi - 1.0) * E;
    dU[2] = F, dV[2] = F;
    dU[3] = (c + eta - 1.0) * F, dV[3] = (eta - 1.0) * F;
}

// Fills the P-SV matrix entries of the sub-layers accepted by `take(model_layer)`.
template <class Set, class Take>
void fill_psv(const Stack& st, const Moduli* mod, const double* eh, double k, Set&& set,
              Take&& take) {
    const std::size_t L = st.subs.size();
    for (std::size_t i = 0; i < L; ++i) {
        const auto& sub = st.subs[i];
        if (!take(sub.layer)) continue;
        const double kh = k * sub.h;
        const PsvCols top = psv_values(mod[sub.layer], 0.0, 1.0, kh, eh[i]);
        const PsvCols bot = psv_values(mod[sub.layer], kh, eh[i], 0.0, 1.0);
        for (std::size_t c = 0; c < 4; ++c) {
            const std::size_t col = 4 * i + c;
            if (i == 0) {
                set(0, col, top.v[2][c]);
                set(1, col, top.v[3][c]);
            } else {
                for (std::size_t r = 0; r < 4; ++r) set(2 + 4 * (i - 1) + r, col, -top.v[r][c]);
            }
            for (std::size_t r = 0; r < 4; ++r) set(2 + 4 * i + r, col, bot.v[r][c]);
        }
    }
    if (take(st.halfspace)) {
        const PsvCols top = psv_values(mod[st.halfspace], 0.0, 1.0, 0.0, 1.0);
        for (std::size_t c = 0; c < 2; ++c)
            for (std::size_t r = 0; r < 4; ++r) set(2 + 4 * (L - 1) + r, 4 * L + c, -top.v[r][c]);
    }
}

// SH: W = c1 E + c2 F, R = mu (-c1 E + c2 F).
template <class Set, class Take>
void fill_sh(const Stack& st, const Moduli* mod, const double* eh, Set&& set, Take&& take) {
    const std::size_t L = st.subs.size();
    for (std::size_t i = 0; i < L; ++i) {
        const auto& sub = st.subs[i];
        if (!take(sub.layer)) continue;
        const cplx mu = mod[sub.layer].mu;
        if (i == 0) {
            set(0, 0, -mu);
            set(0, 1, mu * eh[0]);
        } else {
            const std::size_t b = 1 + 2 * (i - 1);
            set(b, 2 * i, -1.0);
            set(b, 2 * i + 1, -eh[i]);
            set(b + 1, 2 * i, mu);
            set(b + 1, 2 * i + 1, -mu * eh[i]);
        }
        const std::size_t b = 1 + 2 * i;
        set(b, 2 * i, eh[i]);
        set(b, 2 * i + 1, 1.0);
        set(b + 1, 2 * i, -mu * eh[i]);
        set(b + 1, 2 * i + 1, mu);
    }
    if (take(st.halfspace)) {
        const std::size_t b = 1 + 2 * (L - 1);
        set(b, 2 * L, -1.0);
        set(b + 1, 2 * L, mod[st.halfspace].mu);
    }
}

// Row of the Q (P-SV) and R (SH) jump at the source interface; U, V, P precede Q, W precedes R.
std::size_t psv_source_row(const Stack& st) { return 2 + 4 * (st.source_iface - 1) + 3; }
std::size_t sh_source_row(const Stack& st) { return 1 + 2 * (st.source_iface - 1) + 1; }

// LU with partial pivoting of the n x n row-major matrix a, in place; the diagonal keeps the
// pivots' reciprocals (solves then multiply). Pivots by |re| + |im|: a hypot per entry was a
// tenth of the tables' build, and any norm serves partial pivoting. A tiny pivot means a
// singular system, which a physical elastic model never gives.
void lu_factor(std::size_t n, cplx* a, std::size_t* piv) noexcept {
    const auto mag = [](cplx z) { return std::fabs(z.real()) + std::fabs(z.imag()); };
    for (std::size_t j = 0; j < n; ++j) {
        std::size_t p = j;
        double best = mag(a[j * n + j]);
        for (std::size_t i = j + 1; i < n; ++i) {
            const double v = mag(a[i * n + j]);
            if (v > best) best = v, p = i;
        }
        piv[j] = p;
        if (p != j)
            for (std::size_t c = 0; c < n; ++c) std::swap(a[j * n + c], a[p * n + c]);
        const cplx d = a[j * n + j], inv = std::conj(d) / std::norm(d);
        a[j * n + j] = inv;
        for (std::size_t i = j + 1; i < n; ++i) {
            const cplx f = a[i * n + j] * inv;
            a[i * n + j] = f;
            if (f == cplx(0.0)) continue;
            for (std::size_t c = j + 1; c < n; ++c) a[i * n + c] -= f * a[j * n + c];
        }
    }
}

// Solves with the factors for the m right-hand sides of b (n x m, row-major), in place.
void lu_solve(std::size_t n, const cplx* a, const std::size_t* piv, std::size_t m,
              cplx* b) noexcept {
    // The multipliers moved with later row swaps, so every swap is applied first.
    for (std::size_t j = 0; j < n; ++j)
        if (piv[j] != j) std::swap_ranges(b + j * m, b + (j + 1) * m, b + piv[j] * m);
    for (std::size_t j = 0; j < n; ++j)
        for (std::size_t i = j + 1; i < n; ++i) {
            const cplx f = a[i * n + j];
            for (std::size_t q = 0; q < m; ++q) b[i * m + q] -= f * b[j * m + q];
        }
    for (std::size_t j = n; j-- > 0;) {
        for (std::size_t c = j + 1; c < n; ++c) {
            const cplx f = a[j * n + c];
            for (std::size_t q = 0; q < m; ++q) b[j * m + q] -= f * b[c * m + q];
        }
        for (std::size_t q = 0; q < m; ++q) b[j * m + q] *= a[j * n + j];
    }
}

void sub_exponentials(const Stack& st, double k, double* eh) {
    for (std::size_t i = 0; i < st.subs.size(); ++i) eh[i] = std::exp(-k * st.subs[i].h);
}

// Surface U, V from sub-layer 0's four coefficients.
void surface_psv(const Stack& st, const Moduli* mod, const double* eh, double k, const cplx* x,
                 cplx& U, cplx& V) {
    const PsvCols top = psv_values(mod[st.subs[0].layer], 0.0, 1.0, k * st.subs[0].h, eh[0]);
    U = V = 0.0;
    for (std::size_t c = 0; c < 4; ++c) {
        U += top.v[0][c] * x[c];
        V += top.v[1][c] * x[c];
    }
}

}  // namespace

Stack Stack::build(const EarthModel& model, double depth) {
    if (!(std::isfinite(depth) && depth > 0))
        throw std::invalid_argument("depth = " + std::to_string(depth) +
                                    " is invalid; allowed: finite > 0 m (below the surface)");
    Stack st;
    st.halfspace = model.layers.size();
    st.source_layer = model.layer_at(depth);
    double top = 0.0;
    for (std::size_t i = 0; i < model.layers.size(); ++i) {
        const double h = model.layers[i].thickness, bot = top + h;
        if (depth > top && depth < bot) {
            st.subs.push_back(make_sub(depth - top, i));
            st.source_iface = st.subs.size();
            st.subs.push_back(make_sub(bot - depth, i));
        } else {
            st.subs.push_back(make_sub(h, i));
            if (depth == bot) st.source_iface = st.subs.size();
        }
        top = bot;
    }
    if (depth > top) {
        st.subs.push_back(make_sub(depth - top, st.halfspace));
        st.source_iface = st.subs.size();
    }
    return st;
}

void solve_dense_many(const Stack& st, const Moduli* mod, double k, DenseWork& w,
                      std::size_t n_jumps, const SourceJump* jumps, std::vector<cplx>& x_psv,
                      std::vector<cplx>& x_sh) {
    const std::size_t L = st.subs.size(), m = n_jumps;
    std::vector<double> eh(L);
    sub_exponentials(st, k, eh.data());
    auto all = [](std::size_t) { return true; };
    // One factorisation per part, its right-hand sides as the columns of b, then per jump.
    const auto part = [&](std::size_t n, std::size_t row0, std::size_t nj, auto&& fill,
                          auto&& jump_of, std::vector<cplx>& x) {
        w.a.assign(n * n, 0.0);
        w.b.assign(n * m, 0.0);
        w.piv.resize(n);
        fill([&](std::size_t r, std::size_t c, cplx v) { w.a[r * n + c] = v; }, all);
        for (std::size_t j = 0; j < m; ++j)
            for (std::size_t q = 0; q < nj; ++q)
                w.b[(row0 + q) * m + j] = -jump_of(jumps[j])[q];  // y_above - y_below = -[y]
        lu_factor(n, w.a.data(), w.piv.data());
        lu_solve(n, w.a.data(), w.piv.data(), m, w.b.data());
        x.resize(m * n);
        for (std::size_t j = 0; j < m; ++j)
            for (std::size_t i = 0; i < n; ++i) x[j * n + i] = w.b[i * m + j];
    };
    part(
        st.n_psv(), psv_source_row(st) - 3, 4,
        [&](auto&& set, auto&& take) { fill_psv(st, mod, eh.data(), k, set, take); },
        [](const SourceJump& j) { return j.psv; }, x_psv);
    part(
        st.n_sh(), sh_source_row(st) - 1, 2,
        [&](auto&& set, auto&& take) { fill_sh(st, mod, eh.data(), set, take); },
        [](const SourceJump& j) { return j.sh; }, x_sh);
}

void solve_dense_full(const Stack& st, const Moduli* mod, double k, DenseWork& w,
                      const SourceJump& jj, std::vector<cplx>& x_psv, std::vector<cplx>& x_sh) {
    solve_dense_many(st, mod, k, w, 1, &jj, x_psv, x_sh);
}

SurfaceKernel solve_dense(const Stack& st, const Moduli* mod, double k, DenseWork& w,
                          const SourceJump& jj) {
    std::vector<cplx> xp, xs;
    solve_dense_full(st, mod, k, w, jj, xp, xs);
    std::vector<double> eh(st.subs.size());
    sub_exponentials(st, k, eh.data());
    SurfaceKernel out;
    surface_psv(st, mod, eh.data(), k, xp.data(), out.U, out.V);
    out.W = xs[0] + eh[0] * xs[1];
    return out;
}

void sub_coefficients(const Stack& st, std::size_t sub, const cplx* xp, const cplx* xs, cplx psv[4],
                      cplx sh[2]) noexcept {
    const std::size_t L = st.subs.size();
    for (std::size_t c = 0; c < 4; ++c) psv[c] = (sub < L || c < 2) ? xp[4 * sub + c] : 0.0;
    sh[0] = xs[2 * sub];
    sh[1] = sub < L ? xs[2 * sub + 1] : 0.0;
}

Receiver locate(const Stack& st, double z) noexcept {
    Receiver r;
    double top = 0.0;
    for (std::size_t i = 0; i < st.subs.size(); ++i) {
        if (z <= top + st.subs[i].h) {
            r.sub = i, r.off = z - top;
            return r;
        }
        top += st.subs[i].h;
    }
    r.sub = st.subs.size(), r.off = z - top;
    return r;
}

DepthState state_at(const Stack& st, const Receiver& r, const Moduli& m, double k, const cplx* psv,
                    const cplx* sh) noexcept {
    DepthState s;
    states_at(st, r, m, k, 1, psv, 0, sh, 0, &s);
    return s;
}

void states_at(const Stack& st, const Receiver& r, const Moduli& m, double k, std::size_t n,
               const cplx* psv, std::size_t psv_stride, const cplx* sh, std::size_t sh_stride,
               DepthState* out) noexcept {
    const bool half = r.sub >= st.subs.size();
    const double xi = k * r.off, E = std::exp(-xi);
    const double eta = half ? 0.0 : k * (st.subs[r.sub].h - r.off);
    const double F = half ? 0.0 : std::exp(-eta);
    const PsvCols v = psv_values(m, xi, E, eta, F);
    cplx dU[4], dV[4];
    psv_derivatives(m, xi, E, eta, F, dU, dV);
    const std::size_t nc = half ? 2 : 4;
    for (std::size_t e = 0; e < n; ++e) {
        const cplx* pe = psv + e * psv_stride;
        const cplx* he = sh + e * sh_stride;
        DepthState s{0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
        for (std::size_t c = 0; c < nc; ++c) {
            s.U += v.v[0][c] * pe[c];
            s.V += v.v[1][c] * pe[c];
            s.Uz += dU[c] * pe[c];
            s.Vz += dV[c] * pe[c];
        }
        // SH: W = c1 E + c2 F, dW/dz / k = -c1 E + c2 F.
        s.W = he[0] * E + (half ? 0.0 : he[1] * F);
        s.Wz = -he[0] * E + (half ? 0.0 : he[1] * F);
        out[e] = s;
    }
}

void FastKernel::prepare(const Stack& st, const Moduli* unrelaxed, const std::vector<char>& viscous,
                         double k, const std::vector<std::size_t>& out_subs) {
    stack_ = &st;
    out_subs_ = out_subs;
    k_ = k;
    viscous_ = viscous;
    const std::size_t L = st.subs.size();
    eh_.resize(L);
    sub_exponentials(st, k, eh_.data());
    auto is_visc = [&](std::size_t layer) { return viscous_[layer] != 0; };
    auto all = [](std::size_t) { return true; };
    std::size_t scratch = 0;

    // Output columns: the surface sub-layer's, then those of the receivers' sub-layers.
    std::vector<std::size_t> out_psv = {0, 1, 2, 3}, out_sh = {0, 1};
    for (std::size_t q : out_subs) {
        for (std::size_t c = 0; c < (q < L ? 4u : 2u); ++c) out_psv.push_back(4 * q + c);
        for (std::size_t c = 0; c < (q < L ? 2u : 1u); ++c) out_sh.push_back(2 * q + c);
    }
    auto setup = [&](Part& p, std::size_t n, const std::vector<std::size_t>& out_cols,
                     std::size_t src_row0, std::size_t n_src, auto&& fill) {
        p.n = n;
        p.n_src = n_src;
        p.row_pos.assign(n, -1);
        p.col_pos.assign(n, -1);
        p.vrows.clear();
        p.vcols.clear();
        // Viscous columns and the rows they touch.
        fill(
            [&](std::size_t r, std::size_t c, cplx) {
                if (p.col_pos[c] < 0) p.col_pos[c] = 0, p.vcols.push_back(c);
                if (p.row_pos[r] < 0) p.row_pos[r] = 0, p.vrows.push_back(r);
            },
            is_visc);
        std::sort(p.vcols.begin(), p.vcols.end());
        std::sort(p.vrows.begin(), p.vrows.end());
        for (std::size_t i = 0; i < p.vcols.size(); ++i) p.col_pos[p.vcols[i]] = int(i);
        for (std::size_t i = 0; i < p.vrows.size(); ++i) p.row_pos[p.vrows[i]] = int(i);
        const std::size_t nv = p.vcols.size(), nr = p.vrows.size();
        p.c0.assign(nr * nv, 0.0);
        fill([&](std::size_t r, std::size_t c,
                 cplx v) { p.c0[p.row_pos[r] * nv + p.col_pos[c]] = v; },
             is_visc);
        // Needed unknowns: the viscous columns first, then the surface layer's columns.
        p.need = p.vcols;
        for (std::size_t c : out_cols)
            if (p.col_pos[c] < 0 && std::find(p.need.begin(), p.need.end(), c) == p.need.end())
                p.need.push_back(c);
        p.need_pos.assign(n, -1);
        for (std::size_t i = 0; i < p.need.size(); ++i) p.need_pos[p.need[i]] = int(i);
        // Factor the unrelaxed system; solve for unit right-hand sides on the source rows and
        // on the rows the viscous columns touch (one solve, a column each).
        const std::size_t nn = p.need.size(), m = n_src + nr;
        std::vector<cplx> a(n * n, 0.0), b(n * m, 0.0);
        std::vector<std::size_t> piv(n);
        fill([&](std::size_t r, std::size_t c, cplx v) { a[r * n + c] = v; }, all);
        lu_factor(n, a.data(), piv.data());
        for (std::size_t q = 0; q < n_src; ++q) b[(src_row0 + q) * m + q] = 1.0;
        for (std::size_t q = 0; q < nr; ++q) b[p.vrows[q] * m + n_src + q] = 1.0;
        lu_solve(n, a.data(), piv.data(), m, b.data());
        p.z_need.assign(nn * n_src, 0.0);
        p.minv_need.assign(nn * nr, 0.0);
        for (std::size_t i = 0; i < nn; ++i) {
            const cplx* row = &b[p.need[i] * m];
            std::copy(row, row + n_src, &p.z_need[i * n_src]);
            std::copy(row + n_src, row + m, &p.minv_need[i * nr]);
        }
        scratch = std::max(scratch, nr * nv + nv * nv + (nv + nr + 2 * nn) * n_src);
    };
    setup(psv_, st.n_psv(), out_psv, psv_source_row(st) - 3, 4,
          [&](auto&& set, auto&& take) { fill_psv(st, unrelaxed, eh_.data(), k, set, take); });
    setup(sh_, st.n_sh(), out_sh, sh_source_row(st) - 1, 2,
          [&](auto&& set, auto&& take) { fill_sh(st, unrelaxed, eh_.data(), set, take); });
    scratch_.assign(scratch, 0.0);
    piv_.assign(std::max(psv_.vcols.size(), sh_.vcols.size()) + 1, 0);
}

SurfaceKernel FastKernel::eval(const Moduli* mod, const SourceJump& jump) const noexcept {
    SurfaceKernel out;
    eval_many(mod, 1, &jump, &out);
    return out;
}

template <class EmitPsv, class EmitSh>
void FastKernel::solve(const Moduli* mod, std::size_t n_jumps, const SourceJump* jumps,
                       EmitPsv&& emit_psv, EmitSh&& emit_sh) const noexcept {
    const Stack& st = *stack_;
    auto is_visc = [&](std::size_t layer) { return viscous_[layer] != 0; };
    // The unit sources' solutions X = Z - Minv[need, rows] C (I + Minv[v, rows] C)^{-1} Z[v]
    // (Z = M0^{-1} on the source rows, the viscous columns Z's first nv rows); a source
    // f = -[y] is then x_need = -X f. I + Minv C is factored once.
    auto solve_part = [&](const Part& p, auto&& fill, auto&& src_of, auto&& emit) {
        const std::size_t nv = p.vcols.size(), nr = p.vrows.size(), nn = p.need.size();
        const std::size_t ns = p.n_src;
        const cplx* X = p.z_need.data();
        if (nv > 0) {
            cplx* C = scratch_.data();
            cplx* A = C + nr * nv;
            cplx* W = A + nv * nv;
            cplx* CW = W + nv * ns;
            cplx* Xv = CW + nr * ns;
            for (std::size_t i = 0; i < nr * nv; ++i) C[i] = -p.c0[i];
            fill([&](std::size_t r, std::size_t c,
                     cplx v) { C[p.row_pos[r] * nv + p.col_pos[c]] += v; },
                 is_visc);
            // A = I + Minv[v, rows] C ; the viscous columns are the first nv entries of need.
            // (Products as sums of rows: the inner loops run along contiguous rows.)
            const auto mul_add = [](std::size_t n1, std::size_t n2, std::size_t n3, double sign,
                                    const cplx* a, const cplx* b, cplx* out) {
                for (std::size_t i = 0; i < n1; ++i)
                    for (std::size_t q = 0; q < n2; ++q) {
                        const cplx f = sign * a[i * n2 + q];
                        for (std::size_t j = 0; j < n3; ++j) out[i * n3 + j] += f * b[q * n3 + j];
                    }
            };
            std::fill(A, A + nv * nv, 0.0);
            for (std::size_t i = 0; i < nv; ++i) A[i * nv + i] = 1.0;
            mul_add(nv, nr, nv, 1.0, p.minv_need.data(), C, A);
            lu_factor(nv, A, piv_.data());
            std::copy(X, X + nv * ns, W);
            lu_solve(nv, A, piv_.data(), ns, W);
            std::fill(CW, CW + nr * ns, 0.0);
            mul_add(nr, nv, ns, 1.0, C, W, CW);
            std::copy(X, X + nn * ns, Xv);
            mul_add(nn, nr, ns, -1.0, p.minv_need.data(), CW, Xv);
            X = Xv;
        }
        cplx* x_need = scratch_.data() + nr * nv + nv * nv + (nv + nr + nn) * ns;
        for (std::size_t jn = 0; jn < n_jumps; ++jn) {
            const cplx* f = src_of(jumps[jn]);
            for (std::size_t i = 0; i < nn; ++i) {
                cplx acc = 0.0;
                for (std::size_t q = 0; q < ns; ++q)
                    if (f[q] != cplx(0.0)) acc -= f[q] * X[i * ns + q];
                x_need[i] = acc;
            }
            emit(jn, x_need);
        }
    };
    solve_part(
        psv_, [&](auto&& set, auto&& take) { fill_psv(st, mod, eh_.data(), k_, set, take); },
        [](const SourceJump& j) { return j.psv; }, emit_psv);
    solve_part(
        sh_, [&](auto&& set, auto&& take) { fill_sh(st, mod, eh_.data(), set, take); },
        [](const SourceJump& j) { return j.sh; }, emit_sh);
}

void FastKernel::eval_many(const Moduli* mod, std::size_t n_jumps, const SourceJump* jumps,
                           SurfaceKernel* out) const noexcept {
    const Stack& st = *stack_;
    solve(
        mod, n_jumps, jumps,
        [&](std::size_t jn, const cplx* x_need) {
            cplx xs[4];
            for (std::size_t c = 0; c < 4; ++c) xs[c] = x_need[psv_.need_pos[c]];
            surface_psv(st, mod, eh_.data(), k_, xs, out[jn].U, out[jn].V);
        },
        [&](std::size_t jn, const cplx* x_need) {
            out[jn].W = x_need[sh_.need_pos[0]] + eh_[0] * x_need[sh_.need_pos[1]];
        });
}

void FastKernel::eval_coeffs(const Moduli* mod, std::size_t n_jumps, const SourceJump* jumps,
                             cplx* psv, cplx* sh) const noexcept {
    const std::size_t L = stack_->subs.size(), nq = out_subs_.size();
    solve(
        mod, n_jumps, jumps,
        [&](std::size_t jn, const cplx* x_need) {
            for (std::size_t q = 0; q < nq; ++q)
                for (std::size_t c = 0; c < 4; ++c) {
                    const std::size_t s = out_subs_[q];
                    const int pos = (s < L || c < 2) ? psv_.need_pos[4 * s + c] : -1;
                    psv[(jn * nq + q) * 4 + c] = pos < 0 ? cplx(0.0) : x_need[pos];
                }
        },
        [&](std::size_t jn, const cplx* x_need) {
            for (std::size_t q = 0; q < nq; ++q)
                for (std::size_t c = 0; c < 2; ++c) {
                    const std::size_t s = out_subs_[q];
                    const int pos = (s < L || c < 1) ? sh_.need_pos[2 * s + c] : -1;
                    sh[(jn * nq + q) * 2 + c] = pos < 0 ? cplx(0.0) : x_need[pos];
                }
        });
}

}  // namespace viscoann::detail
