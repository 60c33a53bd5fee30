// Private: the C API's layered model from its per-layer columns, shared by its sections.
#pragma once

#include <cstddef>

#include "viscoann/layered.hpp"

namespace viscoann::detail {

/// n_layers layers over a half-space from columns of n_layers + 1 entries each (the last: the
/// half-space); throws std::invalid_argument on a null column (the model validates the rest).
EarthModel c_model(std::size_t n_layers, const double* thickness, const double* lam,
                   const double* mu_M, const double* eta_M, const double* mu_K,
                   const double* eta_K);

}  // namespace viscoann::detail
