// Private: the fused MLP kernel, written once over a SIMD vector type V and instantiated per
// ISA (mlp_cpu.cpp, mlp_cpu_avx2.cpp, mlp_cpu_avx512.cpp). Points sit in SIMD lanes
// (structure of arrays); a block of K vectors of points goes through every layer while its
// activations stay in L1 and each OB x K tile of accumulators stays in registers.
//
// V provides: lanes, load/store (aligned), load_strided (float64 rows, checked), set1, add, sub,
// mul, fmadd(a, b, c) = a*b + c, fnmadd(a, b, c) = c - a*b, min, max, clamp_abs(x, c) = x clamped
// to [-c, c] (c > 0), div (a / b to ~1 ulp, b > 0), log2 (x > 0, normal), sqrt (IEEE).
//
// Rows: the n_in columns of X (m.in_scale.size(), not m.widths.front(): the radial geometry
// has one feature fewer than inputs) load into rows 0..n_in-1 of a [n][BP] buffer. In the
// radial geometry row 1 becomes the feature r (from the raw x, y of rows 0, 1) and the layers
// start at row 1 (first_feature_row), so nothing is copied.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mlp_cpu.hpp"
#include "mlp_math.hpp"
#include "mlp_model.hpp"

namespace viscoann::detail::cpu {

// tanh(x) = x P(x^2) / Q(x^2) for |x| <= 8.75 (P, Q of degree 4, Q(0) = 1), x clamped to
// +-8.75 beyond (1 - tanh 8.75 = 5e-8). Minimax for the relative error of tanh(x)/x on
// [0, 8.75] (linear-programming fit, differential correction): 8.4e-8 in exact arithmetic.
// All coefficients are positive, so neither polynomial cancels in float; the quotient is a
// reciprocal estimate refined by one Newton step on the quotient itself (V::div). Measured
// over every finite float against std::tanh (bench/RESULTS.md): max absolute and relative
// error 3.84e-7 (AVX2, AVX-512), 4.14e-7 (portable path, no FMA); test_mlp_cpu asserts
// <= 4.5e-7. 13 vector operations + one reciprocal (the exp-based form needed 24).
inline constexpr float tanh_rational_clamp = 8.75f;

template <class V>
inline V tanh(V x) noexcept {
    const V xc = V::clamp_abs(x, V::set1(tanh_rational_clamp));
    const V s = V::mul(xc, xc);
    V p = V::fmadd(V::set1(1.196724573e-08f), s, V::set1(1.967429911e-05f));
    p = V::fmadd(p, s, V::set1(3.441868828e-03f));
    p = V::fmadd(p, s, V::set1(1.333686060e-01f));
    p = V::fmadd(p, s, V::set1(9.999999285e-01f));
    V q = V::fmadd(V::set1(7.227984071e-07f), s, V::set1(3.195575694e-04f));
    q = V::fmadd(q, s, V::set1(2.567591915e-02f));
    q = V::fmadd(q, s, V::set1(4.667019285e-01f));
    q = V::fmadd(q, s, V::set1(1.0f));
    return V::div(V::mul(p, xc), q);
}

template <class V, Activation A>
inline V activate(V x) noexcept {
    if constexpr (A == Activation::tanh) return tanh(x);
    if constexpr (A == Activation::relu) return V::max(x, V::set1(0.0f));
    if constexpr (A == Activation::sigmoid)  // sigmoid(x) = (1 + tanh(x/2)) / 2
        return V::fmadd(V::set1(0.5f), tanh(V::mul(x, V::set1(0.5f))), V::set1(0.5f));
    return x;
}

// One tile: outputs [o, o+OB) for the K vectors of the block; in/out are [width][BP] buffers.
// The activation is a template argument so it runs on the accumulators still in registers.
// fan_in >= 1. Telling the compiler the loop has no zero-trip path keeps the accumulators in
// registers: with a plain for loop GCC 12 kept them in a stack array, ~60 extra moves per tile (a
// tile fully unrolled for a compile-time fan_in of 20 measured no faster than this loop).
template <class V, int K, int OB, Activation A>
inline void layer_tile(const float* __restrict w, const float* __restrict b, int fan_in, int o,
                       const float* __restrict in, float* __restrict out, std::size_t bp) noexcept {
    V acc[OB][K];
    for (int r = 0; r < OB; ++r) {
        const V bias = V::set1(b[o + r]);
        for (int k = 0; k < K; ++k) acc[r][k] = bias;
    }
    const float* wo = w + static_cast<std::size_t>(o) * fan_in;
    if (fan_in < 1) __builtin_unreachable();  // no zero-trip path (see above)
#pragma GCC unroll 2                          // a little less loop overhead per 20-FMA step
    for (int i = 0; i < fan_in; ++i) {
        V h[K];
        for (int k = 0; k < K; ++k)
            h[k] = V::load(in + static_cast<std::size_t>(i) * bp + k * V::lanes);
        for (int r = 0; r < OB; ++r) {
            const V wv = V::set1(wo[static_cast<std::size_t>(r) * fan_in + i]);
            for (int k = 0; k < K; ++k) acc[r][k] = V::fmadd(wv, h[k], acc[r][k]);
        }
    }
    for (int r = 0; r < OB; ++r)
        for (int k = 0; k < K; ++k)
            V::store(out + static_cast<std::size_t>(o + r) * bp + k * V::lanes,
                     activate<V, A>(acc[r][k]));
}

template <class V, int K, int OB, Activation A>
inline void layer_rows(const float* w, const float* b, int fan_in, int fan_out, const float* in,
                       float* out, std::size_t bp) noexcept {
    // Every activation runs on the accumulators still in registers (the rational tanh is
    // short enough; a second pass over L1 measured slower on AVX-512 and AVX2).
    int o = 0;
    for (; o + OB <= fan_out; o += OB) layer_tile<V, K, OB, A>(w, b, fan_in, o, in, out, bp);
    // Remainder rows, one tile of the exact size.
    switch (fan_out - o) {
        case 1:
            layer_tile<V, K, 1, A>(w, b, fan_in, o, in, out, bp);
            break;
        case 2:
            if constexpr (OB > 2) layer_tile<V, K, 2, A>(w, b, fan_in, o, in, out, bp);
            break;
        case 3:
            if constexpr (OB > 3) layer_tile<V, K, 3, A>(w, b, fan_in, o, in, out, bp);
            break;
        case 4:
            if constexpr (OB > 4) layer_tile<V, K, 4, A>(w, b, fan_in, o, in, out, bp);
            break;
        default:
            break;
    }
}

template <class V, int K, int OB>
inline void layer(const MlpModel& m, std::size_t l, const float* in, float* out,
                  std::size_t bp) noexcept {
    const int fan_in = m.widths[l], fan_out = m.widths[l + 1];
    const float* w = m.weights.data() + m.weight_offset[l];
    const float* b = m.biases.data() + m.bias_offset[l];
    switch (m.activations[l]) {
        case Activation::tanh:
            layer_rows<V, K, OB, Activation::tanh>(w, b, fan_in, fan_out, in, out, bp);
            break;
        case Activation::relu:
            layer_rows<V, K, OB, Activation::relu>(w, b, fan_in, fan_out, in, out, bp);
            break;
        case Activation::sigmoid:
            layer_rows<V, K, OB, Activation::sigmoid>(w, b, fan_in, fan_out, in, out, bp);
            break;
        case Activation::identity:
            layer_rows<V, K, OB, Activation::identity>(w, b, fan_in, fan_out, in, out, bp);
            break;
    }
}

static inline std::size_t first_feature_row(const MlpModel& m) noexcept {
    return m.geometry == Geometry::radial_strike_slip ? 1 : 0;
}

// Row 1 of buf[n_in][BP] = z_r = r_scale * hypot(x, y) + r_offset from the raw x, y of rows
// 0, 1 (radial geometry).
template <class V, int K>
[[gnu::noinline]] void radial_feature_row(const MlpModel& m, float* buf) noexcept {
    constexpr std::size_t bp = static_cast<std::size_t>(K) * V::lanes;
    const V s = V::set1(static_cast<float>(m.r_scale));
    const V c = V::set1(static_cast<float>(m.r_offset));
    for (int k = 0; k < K; ++k) {
        const V x = V::load(buf + k * V::lanes), y = V::load(buf + bp + k * V::lanes);
        const V r = V::sqrt(V::add(V::mul(x, x), V::mul(y, y)));
        V::store(buf + bp + k * V::lanes, V::fmadd(s, r, c));
    }
}

// log10 where the model asks for it (the shift is already added), then the affine map, on the
// rows buf[n_in][BP] in place; in the radial geometry rows 0, 1 (x, y) give row 1 = z_r.
template <class V, int K>
inline void transform_inputs(const MlpModel& m, float* buf) noexcept {
    constexpr std::size_t bp = static_cast<std::size_t>(K) * V::lanes;
    const std::size_t n_in = m.in_scale.size();
    std::size_t first = 0;
    if (m.geometry == Geometry::radial_strike_slip) {
        radial_feature_row<V, K>(m, buf);
        first = 2;
    }
    for (std::size_t i = first; i < n_in; ++i) {
        float* row = buf + i * bp;
        const bool lg = m.in_log10[i] != 0;
        const V s = V::set1(static_cast<float>(m.in_scale[i]));
        const V c = V::set1(static_cast<float>(m.in_offset[i]));
        for (int k = 0; k < K; ++k) {
            V v = V::load(row + k * V::lanes);
            if (lg) v = V::mul(V::log2(v), V::set1(0.301029995663981195f));
            V::store(row + k * V::lanes, V::fmadd(s, v, c));
        }
    }
}

// Row i of column i of `src` (np points, row stride n_in) as float(x + shift), the shift
// added in double (x near -shift keeps its digits). False when some x + shift is not > 0.
// Out of line, as the radial steps below: inlined, they grew run_range enough that GCC 12
// stopped inlining the layer tiles and tanh into it (portable path 3.1 -> 1.4 M points/s).
// static (as VISCOANN_HD): each ISA-flagged unit keeps its own copy.
[[gnu::noinline]] static bool load_shifted_column(const double* src, std::size_t n_in,
                                                  std::size_t i, double shift, std::size_t np,
                                                  float* row) noexcept {
    bool ok = true;
    for (std::size_t p = 0; p < np; ++p) {
        const double v = src[p * n_in + i] + shift;
        ok &= v > 0.0;  // false for NaN
        row[p] = static_cast<float>(v);
    }
    return ok;
}

// Loads points [p0, p0+np) into buf[n_in][BP] as float after log10 and the affine map:
// a contiguous (vectorisable) double -> float pass into `stage`, then an L1 transpose.
// Padding lanes get 1.0 (harmless for log10). Records the first bad value in `bad`. The
// path for partial blocks and blocks with a bad value; out of line (see load_shifted_column).
template <class V, int K>
[[gnu::noinline]] void load_inputs_checked(const MlpModel& m, const double* X, std::size_t p0,
                                           std::size_t np, float* buf, float* stage,
                                           BadInput& bad) noexcept {
    constexpr std::size_t bp = static_cast<std::size_t>(K) * V::lanes;
    const std::size_t n_in = m.in_scale.size();
    const double* src = X + p0 * n_in;
    const std::size_t count = np * n_in;
    // Integer test of the exponent field (all ones: NaN or inf), so the loop vectorises.
    std::uint64_t nonfinite = 0;
    for (std::size_t k = 0; k < count; ++k) {
        std::uint64_t u;
        std::memcpy(&u, src + k, sizeof u);
        nonfinite |=
            static_cast<std::uint64_t>((u & 0x7ff0000000000000ull) == 0x7ff0000000000000ull);
        stage[k] = static_cast<float>(src[k]);
    }
    const bool finite = nonfinite == 0;
    for (std::size_t i = 0; i < n_in; ++i) {
        float* row = buf + i * bp;
        for (std::size_t p = 0; p < np; ++p) row[p] = stage[p * n_in + i];
        for (std::size_t p = np; p < bp; ++p) row[p] = 1.0f;
    }
    bool positive = true;
    for (std::size_t i = 0; i < n_in; ++i)
        if (m.in_log10[i]) {
            if (m.in_shift[i] != 0.0)
                positive &= load_shifted_column(src, n_in, i, m.in_shift[i], np, buf + i * bp);
            else
                for (std::size_t p = 0; p < np; ++p) positive &= src[p * n_in + i] > 0.0;
        }
    if (!finite || !positive) {  // rare: find the first offender, keep the math finite
        for (std::size_t p = 0; p < np && bad.row == SIZE_MAX; ++p)
            for (std::size_t i = 0; i < n_in; ++i) {
                const double v = src[p * n_in + i];
                if (!(v - v == 0.0) || (m.in_log10[i] && !(v + m.in_shift[i] > 0.0))) {
                    bad.row = p0 + p;
                    bad.col = i;
                    bad.value = v;
                    break;
                }
            }
        for (std::size_t k = 0; k < n_in * bp; ++k) buf[k] = 1.0f;
    }
    transform_inputs<V, K>(m, buf);
}

// Loads points [p0, p0+np) into buf[n_in][BP] (see load_inputs_checked). A full block of
// valid values goes through strided vector loads of the float64 rows (gathers), checked in
// vector form, with no staging pass; anything else takes load_inputs_checked, so both give
// bit-identical rows.
template <class V, int K>
inline void load_inputs(const MlpModel& m, const double* X, std::size_t p0, std::size_t np,
                        float* buf, float* stage, BadInput& bad) noexcept {
    constexpr std::size_t bp = static_cast<std::size_t>(K) * V::lanes;
    const std::size_t n_in = m.in_scale.size();
    if (np == bp) {
        const double* src = X + p0 * n_in;
        unsigned flags = 0;
        for (std::size_t i = 0; i < n_in; ++i) {
            const bool shifted = m.in_shift[i] != 0.0;  // then the positivity is checked below
            for (int k = 0; k < K; ++k)
                V::store(buf + i * bp + k * V::lanes,
                         V::load_strided(src + static_cast<std::size_t>(k) * V::lanes * n_in + i,
                                         n_in, m.in_log10[i] != 0 && !shifted, flags));
            if (shifted && !load_shifted_column(src, n_in, i, m.in_shift[i], bp, buf + i * bp))
                flags |= 1u;
        }
        if (flags == 0) {
            transform_inputs<V, K>(m, buf);
            return;
        }
    }
    load_inputs_checked<V, K>(m, X, p0, np, buf, stage, bad);
}

// store_outputs of the radial geometry: the scaled outputs (g_r, g_phi, g_z) turned into
// (ux, uy, uz) in float64, then the exact elastic part (if add_elastic); n_out = 3, x, y =
// inputs 0, 1. Staged
// in u[3][np] so the rotation loop vectorises over points (bp <= 64 points per block).
template <class T>
[[gnu::noinline]] static void store_outputs_radial(const MlpModel& m, const double* X,
                                                   std::size_t p0, std::size_t np, const float* y,
                                                   std::size_t bp, T* out,
                                                   bool add_elastic) noexcept {
    constexpr std::size_t max_bp = 64;  // run_range asserts bp <= 64
    const std::size_t n_in = m.in_scale.size();
    const double* __restrict xs = X + p0 * n_in;
    const float* __restrict y0 = y;
    const float* __restrict y1 = y + bp;
    const float* __restrict y2 = y + 2 * bp;
    const double s0 = m.out_scale[0], s1 = m.out_scale[1], s2 = m.out_scale[2];
    const double o0 = m.out_offset[0], o1 = m.out_offset[1], o2 = m.out_offset[2];
    alignas(64) double u[3][max_bp];
    for (std::size_t p = 0; p < np; ++p) {
        const double g[3] = {s0 * static_cast<double>(y0[p]) + o0,
                             s1 * static_cast<double>(y1[p]) + o1,
                             s2 * static_cast<double>(y2[p]) + o2};
        double r[3];
        canonical_from_radial(xs[p * n_in], xs[p * n_in + 1], g, r);
        u[0][p] = r[0];
        u[1][p] = r[1];
        u[2][p] = r[2];
    }
    if (add_elastic && m.elastic == ElasticPart::okada_point_strike_slip) {
        for (std::size_t p = 0; p < np; ++p) {
            const double* x = xs + p * n_in;
            double e[3];
            okada_point_strike_slip(x[m.elastic_inputs[0]], x[m.elastic_inputs[1]],
                                    x[m.elastic_inputs[2]], e);
            for (std::size_t j = 0; j < 3; ++j) u[j][p] += e[j];
        }
    }
    T* dst = out + p0 * 3;
    for (std::size_t p = 0; p < np; ++p)
        for (std::size_t j = 0; j < 3; ++j) dst[p * 3 + j] = static_cast<T>(u[j][p]);
}

// Writes the last layer's rows y[n_out][BP] as out (n, n_out) row-major after the output
// transform, then adds the exact elastic part when the model has one and add_elastic.
template <class T>
inline void store_outputs(const MlpModel& m, const double* X, std::size_t p0, std::size_t np,
                          const float* y, std::size_t bp, T* out, bool add_elastic) noexcept {
    if (m.geometry == Geometry::radial_strike_slip)
        return store_outputs_radial(m, X, p0, np, y, bp, out, add_elastic);
    const std::size_t n_out = m.widths.back(), n_in = m.in_scale.size();
    T* dst = out + p0 * n_out;
    for (std::size_t j = 0; j < n_out; ++j) {
        const double s = m.out_scale[j], o = m.out_offset[j];
        const float* row = y + j * bp;
        for (std::size_t p = 0; p < np; ++p)
            dst[p * n_out + j] = static_cast<T>(s * static_cast<double>(row[p]) + o);
    }
    if (add_elastic && m.elastic == ElasticPart::okada_point_strike_slip) {
        for (std::size_t p = 0; p < np; ++p) {
            const double* x = X + (p0 + p) * n_in;
            double u[3];
            okada_point_strike_slip(x[m.elastic_inputs[0]], x[m.elastic_inputs[1]],
                                    x[m.elastic_inputs[2]], u);
            for (std::size_t j = 0; j < 3; ++j)
                dst[p * n_out + j] = static_cast<T>(static_cast<double>(dst[p * n_out + j]) + u[j]);
        }
    }
}

template <class V, int K, int OB>
void run_range(const MlpModel& m, const double* X, std::size_t begin, std::size_t end, void* out,
               bool out_f64, bool add_elastic, float* scratch, BadInput& bad) noexcept {
    constexpr std::size_t bp = static_cast<std::size_t>(K) * V::lanes;
    static_assert(bp <= 64, "store_outputs_radial stages at most 64 points per block");
    // Not m.max_layer_width(): inline non-template code in an ISA-flagged TU could be the
    // copy the linker keeps for every caller (see VISCOANN_HD in host_device.hpp).
    const std::size_t n_in = m.in_scale.size(), n_out = m.widths.back();
    std::size_t maxw = n_in;  // the input rows of the radial geometry outnumber widths[0]
    for (int w : m.widths) maxw = std::max(maxw, static_cast<std::size_t>(w));
    float* a = scratch;
    float* z = scratch + maxw * bp;
    float* stage = z + maxw * bp;  // n_in x bp floats, used only while loading inputs
    const std::size_t first_row = first_feature_row(m);
    const std::size_t n_layers = m.widths.size() - 1;
    const std::size_t osz = out_f64 ? sizeof(double) : sizeof(float);
    for (std::size_t p0 = begin; p0 < end; p0 += bp) {
        const std::size_t np = std::min(bp, end - p0);
        // The next block's inputs and outputs are fetched while this one computes, a share
        // after each layer: a block reads and writes ~4.6 KB at once, a burst the hardware
        // prefetchers miss. On 1 M points (6x20, per core) ~22 M points/s without, and
        // spreading the prefetches measured ~10% faster than issuing them all at once.
        const char* xs = reinterpret_cast<const char*>(X + (p0 + bp) * n_in);
        const char* os = static_cast<const char*>(out) + (p0 + bp) * n_out * osz;
        const std::size_t nn = p0 + bp < end ? std::min(bp, end - p0 - bp) : 0;
        const std::size_t xlines = (nn * n_in * sizeof(double) + 63) / 64;
        const std::size_t olines = (nn * n_out * osz + 63) / 64;
        load_inputs<V, K>(m, X, p0, np, a, stage, bad);
        const float* cur = a + first_row * bp;
        for (std::size_t l = 0; l < n_layers; ++l) {
            float* nxt = (l & 1) ? a : z;
            for (std::size_t c = xlines * l / n_layers; c < xlines * (l + 1) / n_layers; ++c)
                __builtin_prefetch(xs + 64 * c, 0, 3);
            for (std::size_t c = olines * l / n_layers; c < olines * (l + 1) / n_layers; ++c)
                __builtin_prefetch(os + 64 * c, 1, 3);
            layer<V, K, OB>(m, l, cur, nxt, bp);
            cur = nxt;
        }
        if (out_f64)
            store_outputs(m, X, p0, np, cur, bp, static_cast<double*>(out), add_elastic);
        else
            store_outputs(m, X, p0, np, cur, bp, static_cast<float*>(out), add_elastic);
    }
}

template <class V>
void tanh_array(const float* x, float* y, std::size_t n) noexcept {
    for (std::size_t k = 0; k + V::lanes <= n; k += V::lanes) {
        alignas(64) float buf[V::lanes];
        for (int j = 0; j < V::lanes; ++j) buf[j] = x[k + j];
        V::store(buf, tanh(V::load(buf)));
        for (int j = 0; j < V::lanes; ++j) y[k + j] = buf[j];
    }
}

}  // namespace viscoann::detail::cpu
