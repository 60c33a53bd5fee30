// The neural kernel's net in float64 with exact forward-mode derivatives (kernel_net.hpp): the
// features and their tangents, the layers (tangents through the same products, times the
// activation's derivative), the output scale, the time factor w = x/(1 + x) and the length
// scale H^-2.
#include "kernel_net.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace viscoann::detail {

namespace {

constexpr double ln10 = 2.302585092994045684;

// The tangent direction a quantity needs (-1: none): t, log10 eta_M, log10 eta_K, H.
int direction(KernelQuantity q) noexcept {
    switch (q) {
        case KernelQuantity::u:
            return -1;
        case KernelQuantity::v:
            return 0;
        case KernelQuantity::d_log10_eta_M:
            return 1;
        case KernelQuantity::d_log10_eta_K:
            return 2;
        case KernelQuantity::d_H:
            return 3;
    }
    return -1;
}

// Columns of a layer formed at once (a multiple of the product's panel).
constexpr std::size_t kChunk = 10 * kGemmCols;

// One point's R rows (the value, then its tangents) of pre-activations z (row stride ldz) to
// h (row stride ldh; h = z allowed), nc columns: the value's activation; the tangents times
// its derivative.
void activate(Activation f, const BasisKernels& k, std::size_t R, std::size_t nc, const double* z,
              std::size_t ldz, double* h, std::size_t ldh) {
    switch (f) {
        case Activation::identity:
            if (h != z)
                for (std::size_t r = 0; r < R; ++r) std::copy_n(z + r * ldz, nc, h + r * ldh);
            return;
        case Activation::tanh:
            k.tanh(nc, z, h);
            for (std::size_t r = 1; r < R; ++r)
                for (std::size_t j = 0; j < nc; ++j)
                    h[r * ldh + j] = (1.0 - h[j] * h[j]) * z[r * ldz + j];
            return;
        case Activation::relu:
            for (std::size_t j = 0; j < nc; ++j) {
                const bool on = z[j] > 0.0;
                for (std::size_t r = 0; r < R; ++r) h[r * ldh + j] = on ? z[r * ldz + j] : 0.0;
            }
            return;
        case Activation::sigmoid:
            for (std::size_t j = 0; j < nc; ++j) {
                const double s = 1.0 / (1.0 + std::exp(-z[j])), ds = s * (1.0 - s);
                h[j] = s;
                for (std::size_t r = 1; r < R; ++r) h[r * ldh + j] = ds * z[r * ldz + j];
            }
            return;
    }
}

}  // namespace

KernelData make_kernel_data(MlpModel model) {
    KernelData d;
    const std::size_t L = model.n_layers();
    for (std::size_t l = 0; l < L; ++l) {
        const auto in = static_cast<std::size_t>(model.widths[l]);
        const auto out = static_cast<std::size_t>(model.widths[l + 1]);
        const std::size_t ld = (out + kGemmCols - 1) / kGemmCols * kGemmCols;
        d.wt_offset.push_back(d.wt.size());
        d.wt_ld.push_back(ld);
        d.bias_offset.push_back(d.bias.size());
        const float* W = &model.weights[model.weight_offset[l]];
        d.wt.resize(d.wt.size() + in * ld, 0.0);
        double* wt = &d.wt[d.wt_offset[l]];
        for (std::size_t i = 0; i < in; ++i)
            for (std::size_t j = 0; j < out; ++j) wt[i * ld + j] = double(W[j * in + i]);
        const float* b = &model.biases[model.bias_offset[l]];
        for (std::size_t j = 0; j < out; ++j) d.bias.push_back(double(b[j]));
    }
    // A product over a column range of the last layer reads up to a panel past its end.
    d.wt.resize(d.wt.size() + kGemmCols, 0.0);
    const KernelGeometry& k = model.kernel;
    d.basis = radius_major(k.basis.data(), k.n_modes, k.n_r, k.rho_spacing);
    d.model = std::move(model);
    return d;
}

const std::vector<std::size_t>& all_functions() {
    static const std::vector<std::size_t> all = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    return all;
}

void kernel_coefficients(const KernelData& d, std::size_t n, const KernelPoint* pts, std::size_t nq,
                         const KernelQuantity* q, const std::vector<std::size_t>& functions,
                         double* out, std::vector<double>& scratch) {
    const MlpModel& m = d.model;
    const KernelGeometry& g = m.kernel;
    const std::size_t n_out = m.n_outputs(), K = g.n_modes;
    // The output columns computed: runs [lo, hi) of consecutive active functions' K columns.
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    for (const std::size_t f : functions) {
        if (!runs.empty() && runs.back().second == f * K)
            runs.back().second += K;
        else
            runs.emplace_back(f * K, (f + 1) * K);
    }
    // Rows per point: the value, then one tangent per direction asked for.
    int row_of[4] = {-1, -1, -1, -1};
    std::size_t R = 1;
    for (std::size_t iq = 0; iq < nq; ++iq) {
        const int dir = direction(q[iq]);
        if (dir >= 0 && row_of[dir] < 0) row_of[dir] = static_cast<int>(R++);
    }
    const auto W = static_cast<std::size_t>(m.max_layer_width());
    const std::size_t rows = n * R;
    scratch.resize(2 * rows * W + 2 * rows * kChunk);
    double* a = scratch.data();
    double* z = a + rows * W;
    const double lo1 = m.domain_lo[1];

    // Features and their tangents (export.py, format 3), point p in rows p R .. p R + R - 1.
    for (std::size_t p = 0; p < n; ++p) {
        const KernelPoint& pt = pts[p];
        const double inv_tM = g.mu_M / pt.eta_M, inv_tK = g.mu_K / pt.eta_K;  // eta_K = inf: 0
        const double tM = pt.t * inv_tM, tK = pt.t * inv_tK;
        const double raw1 = std::log10(tM);
        const bool clamped = raw1 < lo1;
        const double feat[3] = {pt.depth / pt.H, clamped ? lo1 : raw1, std::log1p(tK) / ln10};
        // dq/dp per direction (t; log10 eta_M; log10 eta_K; H).
        const double dq[4][3] = {
            {0.0, clamped ? 0.0 : 1.0 / (pt.t * ln10), inv_tK / ((1.0 + tK) * ln10)},
            {0.0, clamped ? 0.0 : -1.0, 0.0},
            {0.0, 0.0, -tK / (1.0 + tK)},
            {-pt.depth / (pt.H * pt.H), 0.0, 0.0},
        };
        double* ap = a + p * R * W;
        for (std::size_t i = 0; i < 3; ++i) ap[i] = m.in_scale[i] * feat[i] + m.in_offset[i];
        for (int dir = 0; dir < 4; ++dir)
            if (row_of[dir] > 0)
                for (std::size_t i = 0; i < 3; ++i)
                    ap[static_cast<std::size_t>(row_of[dir]) * W + i] = m.in_scale[i] * dq[dir][i];
    }

    // A chunk of columns at a time: its pre-activations for every row (zc, rows x kChunk) stay
    // in L2 while they are formed and activated. The hidden layers but the last are written
    // whole (the next one reads them); the last hidden layer's chunk (hb) goes straight into
    // the output layer's product, so the widest activations never reach memory and the
    // output weights (only the active runs' columns) are read once per batch.
    const BasisKernels kernels = basis_kernels();
    const std::size_t L = m.n_layers();
    double* cur = a;
    double* nxt = z;
    double* zc = z + rows * W;
    double* hb = zc + rows * kChunk;
    // Columns lo .. lo + nc of layer l from cur: zc = bias (value rows) or 0 (tangents: the
    // linear part only) plus cur times the weights, then activated into h (row stride ldh).
    const auto layer_chunk = [&](std::size_t l, std::size_t lo, std::size_t nc, double* h,
                                 std::size_t ldh) {
        const double* b = &d.bias[d.bias_offset[l]];
        for (std::size_t r = 0; r < rows; ++r) {
            if (r % R == 0)
                std::copy_n(b + lo, nc, zc + r * kChunk);
            else
                std::fill_n(zc + r * kChunk, nc, 0.0);
        }
        const auto in = static_cast<std::size_t>(m.widths[l]);
        kernels.gemm(rows, nc, in, cur, W, &d.wt[d.wt_offset[l]] + lo, d.wt_ld[l], zc, kChunk);
        for (std::size_t p = 0; p < n; ++p)
            activate(m.activations[l], kernels, R, nc, zc + p * R * kChunk, kChunk, h + p * R * ldh,
                     ldh);
    };
    for (std::size_t l = 0; l + 2 < L; ++l) {
        const auto nout = static_cast<std::size_t>(m.widths[l + 1]);
        for (std::size_t lo = 0; lo < nout; lo += kChunk)
            layer_chunk(l, lo, std::min(kChunk, nout - lo), nxt + lo, W);
        std::swap(cur, nxt);
    }
    // The output layer into nxt (row stride W), its active runs only.
    const std::size_t lout = L - 1;
    const double* bo = &d.bias[d.bias_offset[lout]];
    const double* wo = &d.wt[d.wt_offset[lout]];
    for (std::size_t r = 0; r < rows; ++r)
        for (const auto& [c0, c1] : runs) {
            if (r % R == 0)
                std::copy(bo + c0, bo + c1, nxt + r * W + c0);
            else
                std::fill(nxt + r * W + c0, nxt + r * W + c1, 0.0);
        }
    if (L >= 2) {
        const std::size_t lh = L - 2;
        const auto nh = static_cast<std::size_t>(m.widths[lh + 1]);
        for (std::size_t k0 = 0; k0 < nh; k0 += kChunk) {
            const std::size_t nc = std::min(kChunk, nh - k0);
            layer_chunk(lh, k0, nc, hb, kChunk);
            for (const auto& [c0, c1] : runs)
                kernels.gemm(rows, c1 - c0, nc, hb, kChunk, wo + k0 * d.wt_ld[lout] + c0,
                             d.wt_ld[lout], nxt + c0, W);
        }
    } else {
        for (const auto& [c0, c1] : runs)
            kernels.gemm(rows, c1 - c0, static_cast<std::size_t>(m.widths[0]), cur, W, wo + c0,
                         d.wt_ld[lout], nxt + c0, W);
    }
    if (m.activations[lout] != Activation::identity)
        for (std::size_t p = 0; p < n; ++p)
            for (const auto& [c0, c1] : runs)
                activate(m.activations[lout], kernels, R, c1 - c0, nxt + p * R * W + c0, W,
                         nxt + p * R * W + c0, W);
    const double* act = nxt;

    // c = out_scale y + out_offset, dc = out_scale dy; g's coefficients s w c with
    // w = x/(1 + x) and s = H^-2. The H direction's -2/H from s is here; the basis's own
    // H-dependence, psi(r/H), is the synthesis's (kernel.cpp).
    for (std::size_t p = 0; p < n; ++p) {
        const KernelPoint& pt = pts[p];
        const double inv_tM = g.mu_M / pt.eta_M, inv_tK = g.mu_K / pt.eta_K;
        const double tM = pt.t * inv_tM, tK = pt.t * inv_tK;
        const double x = tM + tK, w = x / (1.0 + x), dw = 1.0 / ((1.0 + x) * (1.0 + x));
        const double s = 1.0 / (pt.H * pt.H);
        const double dx[4] = {inv_tM + inv_tK, -ln10 * tM, -ln10 * tK, 0.0};
        const double ds[4] = {0.0, 0.0, 0.0, -2.0 / pt.H};  // (ds/dp) / s
        const double* ap = act + p * R * W;
        for (std::size_t iq = 0; iq < nq; ++iq) {
            const int dir = direction(q[iq]);
            double* o = out + (p * nq + iq) * n_out;
            std::fill_n(o, n_out, 0.0);
            const double sw = s * w;
            if (dir < 0) {
                for (const auto& [lo, hi] : runs)
                    for (std::size_t j = lo; j < hi; ++j)
                        o[j] = sw * (m.out_scale[j] * ap[j] + m.out_offset[j]);
                continue;
            }
            const double* da = ap + static_cast<std::size_t>(row_of[dir]) * W;
            const double wx = s * (dw * dx[dir] + w * ds[dir]);
            for (const auto& [lo, hi] : runs)
                for (std::size_t j = lo; j < hi; ++j)
                    o[j] = wx * (m.out_scale[j] * ap[j] + m.out_offset[j]) +
                           sw * m.out_scale[j] * da[j];
        }
    }
}

}  // namespace viscoann::detail
