// AVX2 + FMA instantiation of the fused MLP kernel: 8 points per vector, 4 vectors per block,
// 2 x 4 accumulator tiles (the 16 ymm registers hold accumulators, inputs and weights).
// GCC 12 flags _mm256_undefined_*() inside its own gather intrinsics as (maybe-)uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include "fma_peak.hpp"
#include "mlp_cpu_kernel.hpp"

namespace viscoann::detail {

namespace {

struct V256 {
    static constexpr int lanes = 8;
    __m256 r;
    static V256 load(const float* p) noexcept { return {_mm256_load_ps(p)}; }
    static void store(float* p, V256 a) noexcept { _mm256_store_ps(p, a.r); }
    // float(p[j * stride]) for the 8 lanes j, by two 4-double gathers; flags gets a nonzero
    // bit for a lane that is NaN or inf, or (when `positive`) not > 0.
    static V256 load_strided(const double* p, std::size_t stride, bool positive,
                             unsigned& flags) noexcept {
        const __m128i idx =
            _mm_mullo_epi32(_mm_setr_epi32(0, 1, 2, 3), _mm_set1_epi32(static_cast<int>(stride)));
        const __m256d lo = _mm256_i32gather_pd(p, idx, 8);
        const __m256d hi = _mm256_i32gather_pd(p + 4 * stride, idx, 8);
        const __m256d z = _mm256_setzero_pd();
        // x - x is NaN exactly for NaN and inf.
        __m256d bad = _mm256_or_pd(_mm256_cmp_pd(_mm256_sub_pd(lo, lo), z, _CMP_NEQ_UQ),
                                   _mm256_cmp_pd(_mm256_sub_pd(hi, hi), z, _CMP_NEQ_UQ));
        if (positive)
            bad = _mm256_or_pd(bad, _mm256_or_pd(_mm256_cmp_pd(lo, z, _CMP_NGT_UQ),
                                                 _mm256_cmp_pd(hi, z, _CMP_NGT_UQ)));
        flags |= static_cast<unsigned>(_mm256_movemask_pd(bad));
        return {_mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(lo)),
                                     _mm256_cvtpd_ps(hi), 1)};
    }
    static V256 set1(float x) noexcept { return {_mm256_set1_ps(x)}; }
    static V256 add(V256 a, V256 b) noexcept { return {_mm256_add_ps(a.r, b.r)}; }
    static V256 sub(V256 a, V256 b) noexcept { return {_mm256_sub_ps(a.r, b.r)}; }
    static V256 mul(V256 a, V256 b) noexcept { return {_mm256_mul_ps(a.r, b.r)}; }
    static V256 sqrt(V256 a) noexcept { return {_mm256_sqrt_ps(a.r)}; }
    static V256 fmadd(V256 a, V256 b, V256 c) noexcept { return {_mm256_fmadd_ps(a.r, b.r, c.r)}; }
    static V256 fnmadd(V256 a, V256 b, V256 c) noexcept {
        return {_mm256_fnmadd_ps(a.r, b.r, c.r)};
    }
    static V256 min(V256 a, V256 b) noexcept { return {_mm256_min_ps(a.r, b.r)}; }
    static V256 max(V256 a, V256 b) noexcept { return {_mm256_max_ps(a.r, b.r)}; }
    static V256 clamp_abs(V256 a, V256 c) noexcept {
        return {_mm256_min_ps(_mm256_max_ps(a.r, _mm256_sub_ps(_mm256_setzero_ps(), c.r)), c.r)};
    }
    // rcp (relative error < 1.5 2^-12), y0 = a r0, one Newton step on the quotient:
    // y = y0 + r0 (a - b y0), relative error ~2^-23.
    static V256 div(V256 a, V256 b) noexcept {
        const __m256 r0 = _mm256_rcp_ps(b.r);
        const __m256 y0 = _mm256_mul_ps(a.r, r0);
        return {_mm256_fmadd_ps(r0, _mm256_fnmadd_ps(b.r, y0, a.r), y0)};
    }
    // As the AVX-512 log2, with exponent and mantissa taken from the bits (normal x > 0).
    static V256 log2(V256 a) noexcept {
        const __m256i bits = _mm256_castps_si256(a.r);
        __m256 e = _mm256_cvtepi32_ps(
            _mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127)));
        __m256 m = _mm256_castsi256_ps(_mm256_or_si256(
            _mm256_and_si256(bits, _mm256_set1_epi32(0x7fffff)), _mm256_set1_epi32(0x3f800000)));
        const __m256 big = _mm256_cmp_ps(m, _mm256_set1_ps(1.41421356f), _CMP_GT_OQ);
        m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
        e = _mm256_add_ps(e, _mm256_and_ps(big, _mm256_set1_ps(1.0f)));
        const __m256 s = _mm256_div_ps(_mm256_sub_ps(m, _mm256_set1_ps(1.0f)),
                                       _mm256_add_ps(m, _mm256_set1_ps(1.0f)));
        const __m256 s2 = _mm256_mul_ps(s, s);
        __m256 p = _mm256_set1_ps(1.0f / 9.0f);
        p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(1.0f / 7.0f));
        p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(1.0f / 5.0f));
        p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(1.0f / 3.0f));
        p = _mm256_fmadd_ps(p, s2, _mm256_set1_ps(1.0f));
        return {_mm256_fmadd_ps(_mm256_mul_ps(s, p), _mm256_set1_ps(2.88539008177792681f), e)};
    }
};

}  // namespace

CpuKernel mlp_cpu_kernel_avx2() noexcept {
    return {&cpu::run_range<V256, 4, 2>, 4 * V256::lanes, &cpu::tanh_array<V256>};
}

}  // namespace viscoann::detail

namespace viscoann::detail {

float fma_loop_avx2(long iters) noexcept {
    __m256 a[fma_loop_chains];
    for (int c = 0; c < fma_loop_chains; ++c) a[c] = _mm256_set1_ps(1.0f + 1e-3f * float(c));
    const __m256 m = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (long k = 0; k < iters; ++k)
        for (int c = 0; c < fma_loop_chains; ++c) a[c] = _mm256_fmadd_ps(a[c], m, b);
    __m256 s = a[0];
    for (int c = 1; c < fma_loop_chains; ++c) s = _mm256_add_ps(s, a[c]);
    float out[8];
    _mm256_storeu_ps(out, s);
    return out[0] + out[1] + out[2] + out[3] + out[4] + out[5] + out[6] + out[7];
}

}  // namespace viscoann::detail
