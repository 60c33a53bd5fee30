// AVX-512 instantiation of the fused MLP kernel: 16 points per vector, 4 vectors per block,
// 4 x 4 accumulator tiles (16 of the 32 zmm registers).
// GCC 12 flags _mm512_undefined_*() inside its own intrinsics as (maybe-)uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>

#include "fma_peak.hpp"
#include "mlp_cpu_kernel.hpp"

namespace viscoann::detail {

namespace {

struct V512 {
    static constexpr int lanes = 16;
    __m512 r;
    static V512 load(const float* p) noexcept { return {_mm512_load_ps(p)}; }
    static void store(float* p, V512 a) noexcept { _mm512_store_ps(p, a.r); }
    // float(p[j * stride]) for the 16 lanes j, by two 8-double gathers; flags gets a nonzero
    // bit for a lane that is NaN or inf, or (when `positive`) not > 0.
    static V512 load_strided(const double* p, std::size_t stride, bool positive,
                             unsigned& flags) noexcept {
        const __m256i idx = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                               _mm256_set1_epi32(static_cast<int>(stride)));
        const __m512d lo = _mm512_i32gather_pd(idx, p, 8);
        const __m512d hi = _mm512_i32gather_pd(idx, p + 8 * stride, 8);
        // fpclass 0x99: quiet NaN, +inf, -inf, signalling NaN.
        unsigned bad = _mm512_fpclass_pd_mask(lo, 0x99) | _mm512_fpclass_pd_mask(hi, 0x99);
        if (positive)
            bad |= _mm512_cmp_pd_mask(lo, _mm512_setzero_pd(), _CMP_NGT_UQ) |
                   _mm512_cmp_pd_mask(hi, _mm512_setzero_pd(), _CMP_NGT_UQ);
        flags |= bad;
        return {_mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo)), _mm512_cvtpd_ps(hi),
                                   1)};
    }
    static V512 set1(float x) noexcept { return {_mm512_set1_ps(x)}; }
    static V512 add(V512 a, V512 b) noexcept { return {_mm512_add_ps(a.r, b.r)}; }
    static V512 sub(V512 a, V512 b) noexcept { return {_mm512_sub_ps(a.r, b.r)}; }
    static V512 mul(V512 a, V512 b) noexcept { return {_mm512_mul_ps(a.r, b.r)}; }
    static V512 sqrt(V512 a) noexcept { return {_mm512_sqrt_ps(a.r)}; }
    static V512 fmadd(V512 a, V512 b, V512 c) noexcept { return {_mm512_fmadd_ps(a.r, b.r, c.r)}; }
    static V512 fnmadd(V512 a, V512 b, V512 c) noexcept {
        return {_mm512_fnmadd_ps(a.r, b.r, c.r)};
    }
    static V512 min(V512 a, V512 b) noexcept { return {_mm512_min_ps(a.r, b.r)}; }
    static V512 max(V512 a, V512 b) noexcept { return {_mm512_max_ps(a.r, b.r)}; }
    // vrangeps: the smaller of |a|, |c| with the sign of a, one instruction.
    static V512 clamp_abs(V512 a, V512 c) noexcept { return {_mm512_range_ps(a.r, c.r, 0x2)}; }
    // rcp14 (relative error < 2^-14), y0 = a r0, then one Newton step on the quotient,
    // y = y0 + r0 (a - b y0): relative error ~2^-28 before the final rounding.
    static V512 div(V512 a, V512 b) noexcept {
        const __m512 r0 = _mm512_rcp14_ps(b.r);
        const __m512 y0 = _mm512_mul_ps(a.r, r0);
        return {_mm512_fmadd_ps(r0, _mm512_fnmadd_ps(b.r, y0, a.r), y0)};
    }
    // log2 x = e + log2 m, m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s = (m-1)/(m+1),
    // |s| <= 0.172, series to s^9 (remainder 2 s^11 / 11 < 1e-9).
    static V512 log2(V512 a) noexcept {
        __m512 m = _mm512_getmant_ps(a.r, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero);
        __m512 e = _mm512_getexp_ps(a.r);
        const __mmask16 big = _mm512_cmp_ps_mask(m, _mm512_set1_ps(1.41421356f), _CMP_GT_OQ);
        m = _mm512_mask_mul_ps(m, big, m, _mm512_set1_ps(0.5f));
        e = _mm512_mask_add_ps(e, big, e, _mm512_set1_ps(1.0f));
        const __m512 s = _mm512_div_ps(_mm512_sub_ps(m, _mm512_set1_ps(1.0f)),
                                       _mm512_add_ps(m, _mm512_set1_ps(1.0f)));
        const __m512 s2 = _mm512_mul_ps(s, s);
        __m512 p = _mm512_set1_ps(1.0f / 9.0f);
        p = _mm512_fmadd_ps(p, s2, _mm512_set1_ps(1.0f / 7.0f));
        p = _mm512_fmadd_ps(p, s2, _mm512_set1_ps(1.0f / 5.0f));
        p = _mm512_fmadd_ps(p, s2, _mm512_set1_ps(1.0f / 3.0f));
        p = _mm512_fmadd_ps(p, s2, _mm512_set1_ps(1.0f));
        // 2 s p / ln 2
        return {_mm512_fmadd_ps(_mm512_mul_ps(s, p), _mm512_set1_ps(2.88539008177792681f), e)};
    }
};

}  // namespace

CpuKernel mlp_cpu_kernel_avx512() noexcept {
    return {&cpu::run_range<V512, 4, 5>, 4 * V512::lanes, &cpu::tanh_array<V512>};
}

}  // namespace viscoann::detail

namespace viscoann::detail {

float fma_loop_avx512(long iters) noexcept {
    __m512 a[fma_loop_chains];
    for (int c = 0; c < fma_loop_chains; ++c) a[c] = _mm512_set1_ps(1.0f + 1e-3f * float(c));
    const __m512 m = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (long k = 0; k < iters; ++k)
        for (int c = 0; c < fma_loop_chains; ++c) a[c] = _mm512_fmadd_ps(a[c], m, b);
    __m512 s = a[0];
    for (int c = 1; c < fma_loop_chains; ++c) s = _mm512_add_ps(s, a[c]);
    return _mm512_reduce_add_ps(s);
}

}  // namespace viscoann::detail
