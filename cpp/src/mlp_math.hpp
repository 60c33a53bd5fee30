// Private: scalar math shared by the CPU and CUDA engines (activations, transforms). The
// azimuthal factors and the exact elastic part (docs/design.md) are the sources' conventions
// (sources.hpp); VISCOANN_HD marks functions callable on host and device.
#pragma once

#include <cmath>

#include "host_device.hpp"
#include "sources.hpp"

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

/// Output transform of one value: u = scale * y + offset.
VISCOANN_HD double transform_output(float y, double scale, double offset) {
    return scale * static_cast<double>(y) + offset;
}

/// The exact elastic part "okada_point_strike_slip": the canonical source's Okada field at
/// `depth` [m] for lambda = mu (mu/(lambda+mu) = 1/2), u [m per m^3].
VISCOANN_HD void okada_point_strike_slip(double x, double y, double depth, double u[3]) {
    okada_canonical_field(x, y, depth, 0.5, u);
}

}  // namespace viscoann::detail
