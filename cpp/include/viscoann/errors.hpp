// Exceptions of the viscoann C++ API besides std::invalid_argument (bad argument values).
// Python sees FormatError as viscoann.FormatError (a ValueError), IoError as OSError and
// Unavailable as RuntimeError; the C API maps them to viscoann_status codes.
#pragma once

#include <stdexcept>

#include "viscoann/config.hpp"

namespace viscoann {

/// A malformed or unsupported file (e.g. a model file); the message names the problem.
struct VISCOANN_API FormatError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
/// A file that cannot be opened or read.
struct VISCOANN_API IoError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
/// A device or feature this build or machine does not have (e.g. device "cuda").
struct VISCOANN_API Unavailable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace viscoann
