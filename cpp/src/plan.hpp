// Private: the solver's prologue, shared by its entry points: input validation (before any
// work), the distinct times and radii of scattered samples, and the wavenumber/radius plan.
#pragma once

#include <cstddef>
#include <vector>

#include "hankel.hpp"
#include "viscoann/greens.hpp"

namespace viscoann::detail {

/// Throws std::invalid_argument "name[i] = v is invalid; allowed: finite (>= 0)".
void require_finite(const char* name, std::size_t n, const double* v, bool nonneg);
/// Throws std::invalid_argument naming t[i] unless finite and >= 0 [s] (> 0 with o.velocity:
/// the step's velocity is a delta at t = 0).
void require_times(const char* name, std::size_t n, const double* t, const GreensOptions& o);
/// Throws std::invalid_argument unless depth is finite and > 0 [m].
void require_depth(double depth);
/// Throws std::invalid_argument naming the field unless the options are valid (threads >= 0;
/// the refinements > 0; talbot_nodes is checked by talbot_rule).
void require_options(const GreensOptions& o);

/// Depth scale D [m] of the remainder's decay e^{-kD} for a source at `depth`.
double decay_depth(const EarthModel& model, double depth) noexcept;

/// Resolution shared by every (depth, viscosity) of one call.
struct Plan {
    WavenumberRule rule;
    double D = 0.0, r_max = 0.0, h = 0.0;  ///< decay depth, largest radius, table spacing [m]
    double dk = 0.0;                       ///< the rule's panel width (beyond the graded one)
};
Plan make_plan(double D, double r_max, const GreensOptions& o);
/// How many of `plan`'s wavenumbers (a prefix) a receiver of decay depth D >= plan.D needs:
/// the whole panels up to its own k_max, if they are as fine as its own plan's (then the
/// prefix resolves at least as finely over at least the same range); else all of them.
std::size_t wavenumbers_for(const Plan& plan, double D, const GreensOptions& o);
/// Radii j h of the radial tables, covering [0, r_max] with the cubic stencil's margin.
std::vector<double> table_radii(const Plan& plan);

/// Scattered samples (x[i], y[i], t[i]) reduced to what the stages use.
struct Samples {
    std::vector<double> times;       ///< distinct times, ascending
    std::vector<std::size_t> tix;    ///< times[tix[i]] == t[i]
    std::vector<double> r;           ///< hypot(x[i], y[i])
    std::vector<std::size_t> order;  ///< sample indices sorted by r (equal radii adjacent)
    /// order[radius_start[g] .. radius_start[g + 1]) share the g-th distinct radius.
    std::vector<std::size_t> radius_start;
    double r_max = 0.0;
};
/// Validates the model, depth, x, y, t (>= 0) and the options, then groups the samples.
Samples scattered_samples(const EarthModel& model, double depth, std::size_t n, const double* x,
                          const double* y, const double* t, const GreensOptions& o);

}  // namespace viscoann::detail
