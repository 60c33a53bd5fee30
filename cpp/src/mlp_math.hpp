// Private: scalar math shared by the CPU and CUDA engines (activations, transforms, the exact
// elastic part of DESIGN §8). VISCOANN_HD marks functions callable on host and device.
#pragma once

#include <cmath>

#if defined(__CUDACC__)
#define VISCOANN_HD __host__ __device__ __forceinline__
#else
// static: the ISA-flagged CPU units (mlp_cpu_avx*.cpp) include this header too, and an
// external inline copy built with AVX-512 must never be the one a portable caller links to.
#define VISCOANN_HD static inline
#endif

namespace viscoann::detail {

/// tanh clamp: |x| >= 9 gives tanh(x) = +-1 to float precision (1 - tanh(9) = 3e-8).
inline constexpr float tanh_clamp = 9.0f;

/// Scalar activation by code (Activation enum values of mlp_model.hpp).
VISCOANN_HD float activate(int code, float x) {
    switch (code) {
        case 1: return ::tanhf(x);
        case 2: return x > 0.0f ? x : 0.0f;
        case 3: return 1.0f / (1.0f + ::expf(-x));
        default: return x;
    }
}

/// Input transform of one value: optional log10, then the affine map to about [-1, 1].
VISCOANN_HD float transform_input(double v, bool log10_flag, double scale, double offset) {
    if (log10_flag) v = ::log10(v);
    return static_cast<float>(scale * v + offset);
}

/// Output transform of one value: u = scale * y + offset.
VISCOANN_HD double transform_output(float y, double scale, double offset) {
    return scale * static_cast<double>(y) + offset;
}

/// Okada (1985, eqs. 25-27 with dip 90 deg) surface displacement of a vertical strike-slip
/// point source at `depth` (> 0, m) per unit potency (m^3), strike along +x, left-lateral
/// positive: u = -(3 x q / (2 pi R^5)) (x, y, d) with q = y; the I-terms vanish at dip 90.
VISCOANN_HD void okada_point_strike_slip(double x, double y, double depth, double u[3]) {
    const double r2 = x * x + y * y + depth * depth;
    const double r5 = r2 * r2 * ::sqrt(r2);
    const double c = -3.0 * x * y / (2.0 * 3.14159265358979323846 * r5);
    u[0] = c * x;
    u[1] = c * y;
    u[2] = c * depth;
}

}  // namespace viscoann::detail
