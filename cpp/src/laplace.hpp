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

/// Nodes and weights that invert at many times: f(times[i]) ~= sum over e in [begin[i],
/// begin[i + 1]) of Im(weight[e] K(s[node[e]])), the step response L^{-1}[K(s)/s] (with
/// `velocity` L^{-1}[K(s)]); times equal to 0 have no entries (callers use the unrelaxed K).
/// Times within a factor kWindow of each other, at least kWindowMin of them, share one
/// hyperbolic contour of kWindowNodes nodes (Weideman & Trefethen 2007's contour for a time
/// interval, parameters fitted by us to ~1e-11 on a decade); other times, and every time when
/// the Talbot rule has more than 20 nodes (a request for more accuracy), get their own
/// Talbot nodes.
struct TimeRule {
    std::vector<std::complex<double>> s;
    std::vector<std::size_t> begin, node;
    std::vector<std::complex<double>> weight;
};
inline constexpr double kWindow = 10.0;
inline constexpr std::size_t kWindowMin = 3, kWindowNodes = 24;
TimeRule time_rule(const std::vector<double>& times, const TalbotRule& tr, bool velocity);

}  // namespace viscoann::detail
