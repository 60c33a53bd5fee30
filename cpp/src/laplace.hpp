// Private: numerical inverse Laplace transform on Talbot's contour with the parameters of
// Weideman & Trefethen (2007, Math. Comp. 76, 1341), error ~ e^{-1.358 N}.
#pragma once

#include <complex>
#include <vector>

namespace viscoann::detail {

/// Step response of a Laplace-domain transfer function K(s): the time function
/// f(t) = L^{-1}[K(s)/s](t) ~= sum_j Im(weight[j] * K(node[j] / t)) for t > 0, using the
/// N/2 nodes of the upper half of the contour (K real on the real axis, conj-symmetric).
struct TalbotRule {
    std::vector<std::complex<double>> node;    ///< z_j (s = z_j / t)
    std::vector<std::complex<double>> weight;  ///< (2/N) e^{z_j} z'_j / z_j
};

/// Rule with n nodes on the whole contour (n even, 4 <= n <= 200); throws otherwise.
TalbotRule talbot_rule(int n);

}  // namespace viscoann::detail
