// Private: point sources at depth on a caller's plan, so that a set of calls over subsets of
// one design (the traction handle's rows and columns) resolves every entry identically.
#pragma once

#include <cstddef>

#include "viscoann/greens.hpp"

namespace viscoann::detail {

/// point_sources_at_depth with the decay depth no larger than D_cap and the largest radius no
/// smaller than r_floor [m] (the plan of the whole design, not of this call's subset).
void point_sources_at_depth_planned(const EarthModel& model, double depth, std::size_t ms,
                                    const PotencyTensor* pt, std::size_t n, const double* x,
                                    const double* y, const double* z, std::size_t nt,
                                    const double* times, double* u, double* grad, double* stress,
                                    const GreensOptions& o, bool homogeneous, double D_cap,
                                    double r_floor);

}  // namespace viscoann::detail
