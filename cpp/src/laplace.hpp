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
/// Times share hyperbolic contours (Weideman & Trefethen 2007's contour for a time interval)
/// of kTimeWindows, each good to ~1e-11 of the unit step over its ratio of times; a time
/// alone gets its own Talbot nodes. The cover of the times by windows and lone times is the
/// one with the fewest nodes. When the Talbot rule has more than 20 nodes (a request for more
/// accuracy) every time gets its own Talbot nodes.
struct TimeRule {
    std::vector<std::complex<double>> s;
    std::vector<std::size_t> begin, node;
    std::vector<std::complex<double>> weight;
};
/// s(u) = mu (1 - sin(a) cosh u) + i mu cos(a) sinh u, u = (j + 1/2) h, j < nodes, mu = mu_t0
/// / t0, for t in [t0, ratio t0]: parameters fitted by us (Nelder-Mead on the largest error of
/// e^{-ct} and 1 - e^{-ct} over c >= 0 and the window's times; 0.9-1.4e-11, t times the
/// velocity's error <= 1.1e-9, sum |weight| <= 15).
struct TimeWindow {
    double ratio;
    std::size_t nodes;
    double mu_t0, a, h;
};
inline constexpr TimeWindow kTimeWindows[] = {{10.0, 24, 2.4405, 0.9902, 0.13229},
                                              {100.0, 38, 0.0761064, 0.828288, 0.174872},
                                              {1e3, 52, 0.00488118, 0.792131, 0.180881},
                                              {1e4, 64, 0.000470815, 0.789355, 0.183388}};
TimeRule time_rule(const std::vector<double>& times, const TalbotRule& tr, bool velocity);

}  // namespace viscoann::detail
