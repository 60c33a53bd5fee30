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
        case 1:
            return ::tanhf(x);
        case 2:
            return x > 0.0f ? x : 0.0f;
        case 3:
            return 1.0f / (1.0f + ::expf(-x));
        default:
            return x;
    }
}

/// Input transform of one value: optional log10(v + shift), then the affine map to about
/// [-1, 1].
VISCOANN_HD float transform_input(double v, bool log10_flag, double shift, double scale,
                                  double offset) {
    if (log10_flag) v = ::log10(v + shift);
    return static_cast<float>(scale * v + offset);
}

/// The radial geometry's first feature: z_r = r_scale * hypot(x, y) + r_offset.
VISCOANN_HD float radial_feature(double x, double y, double r_scale, double r_offset) {
    return static_cast<float>(r_scale * ::sqrt(x * x + y * y) + r_offset);
}

/// Azimuthal factors of the canonical vertical strike-slip source (viscoann.exact.from_radial):
/// with c = cos(phi), s = sin(phi) of (x, y), u_r = g_r sin 2phi, u_phi = g_phi cos 2phi,
/// u_z = g_z sin 2phi, rotated to (ux, uy, uz). At r = 0 the field is its r -> 0 limit, 0: an
/// m = 2 field continuous at the epicentre vanishes there (the exact solver's value), so a
/// learned g(0) != 0 must not leak into uy. g and u may alias.
VISCOANN_HD void radial_strike_slip_rotate(double x, double y, const double g[3], double u[3]) {
    const double r = ::sqrt(x * x + y * y);
    // Selects, not branches, so the CPU store loop vectorises over points.
    const bool pos = r > 0.0;
    const double rr = pos ? r : 1.0;
    const double c = pos ? x / rr : 1.0, s = pos ? y / rr : 0.0;
    const double s2 = 2.0 * s * c, c2 = pos ? c * c - s * s : 0.0;
    const double ur = g[0] * s2, up = g[1] * c2, uz = g[2] * s2;
    u[0] = ur * c - up * s;
    u[1] = ur * s + up * c;
    u[2] = uz;
}

/// Output transform of one value: u = scale * y + offset.
VISCOANN_HD double transform_output(float y, double scale, double offset) {
    return scale * static_cast<double>(y) + offset;
}

/// Okada (1985, eqs. 25-30 with cos(dip) = 0) surface displacement of a vertical strike-slip
/// point source at `depth` (> 0, m) per unit potency (m^3), strike along +x, left-lateral
/// positive, lambda = mu (mu/(lambda+mu) = 1/2): u_i = -(3 x y x_i / R^5 + I_i) / (2 pi)
/// with x_i = (x, y, d) and the half-space terms I_1, I_2, I_4 of the vertical-dip case.
VISCOANN_HD void okada_point_strike_slip(double x, double y, double depth, double u[3]) {
    const double d = depth;
    const double r2 = x * x + y * y + d * d;
    const double r = ::sqrt(r2), r3 = r2 * r, rd = r + d;
    const double c = 3.0 * x * y / (r2 * r3);
    const double m = 0.5;  // mu / (lambda + mu)
    const double a = 1.0 / (r * rd * rd), b = (3.0 * r + d) / (r3 * rd * rd * rd);
    const double i1 = m * y * (a - x * x * b);
    const double i2 = m * x * (a - y * y * b);
    const double i4 = -m * x * y * (2.0 * r + d) / (r3 * rd * rd);
    const double k = -1.0 / (2.0 * 3.14159265358979323846);
    u[0] = k * (c * x + i1);
    u[1] = k * (c * y + i2);
    u[2] = k * (c * d + i4);
}

}  // namespace viscoann::detail
