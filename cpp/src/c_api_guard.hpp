// Private: the one exception-to-status translation used by every C API function.
#pragma once

#include <new>
#include <stdexcept>
#include <string>

#include "viscoann.h"
#include "viscoann/errors.hpp"

namespace viscoann::detail {

/// Error message of the last failed C call on this thread.
std::string& c_last_error();

template <class Fn>
viscoann_status c_guard(Fn&& fn) noexcept {
    try {
        c_last_error().clear();
        fn();
        return VISCOANN_OK;
    } catch (const std::invalid_argument& e) {
        c_last_error() = e.what();
        return VISCOANN_INVALID_ARGUMENT;
    } catch (const FormatError& e) {
        c_last_error() = e.what();
        return VISCOANN_FORMAT_ERROR;
    } catch (const IoError& e) {
        c_last_error() = e.what();
        return VISCOANN_IO_ERROR;
    } catch (const Unavailable& e) {
        c_last_error() = e.what();
        return VISCOANN_UNAVAILABLE;
    } catch (const std::bad_alloc&) {
        c_last_error() = "out of memory";
        return VISCOANN_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        c_last_error() = e.what();
        return VISCOANN_INTERNAL_ERROR;
    } catch (...) {
        c_last_error() = "unknown error";
        return VISCOANN_INTERNAL_ERROR;
    }
}

}  // namespace viscoann::detail
