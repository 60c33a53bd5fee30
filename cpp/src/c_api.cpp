// C API: every function is a call to the C++ API wrapped in detail::c_guard.
#include "viscoann.h"

#include <string>

#include "c_api_guard.hpp"
#include "viscoann/config.hpp"
#include "viscoann/device.hpp"

namespace viscoann::detail {
std::string& c_last_error() {
    thread_local std::string message;
    return message;
}
}  // namespace viscoann::detail

using viscoann::detail::c_guard;

extern "C" {

const char* viscoann_status_string(viscoann_status status) {
    switch (status) {
        case VISCOANN_OK: return "ok";
        case VISCOANN_INVALID_ARGUMENT: return "invalid argument";
        case VISCOANN_IO_ERROR: return "i/o error";
        case VISCOANN_FORMAT_ERROR: return "malformed or unsupported file";
        case VISCOANN_UNAVAILABLE: return "unavailable";
        case VISCOANN_OUT_OF_MEMORY: return "out of memory";
        case VISCOANN_INTERNAL_ERROR: return "internal error";
    }
    return "unknown status";
}

const char* viscoann_last_error(void) { return viscoann::detail::c_last_error().c_str(); }

const char* viscoann_version(void) { return VISCOANN_VERSION; }

int viscoann_cuda_available(void) { return viscoann::cuda_available() ? 1 : 0; }

}  // extern "C"
