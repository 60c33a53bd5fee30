// Private: CUDA runtime queries, callable from plain C++ (no CUDA types cross this header).
#pragma once

#include <string>

namespace viscoann::detail {

/// Number of usable CUDA devices; 0 when the driver or a GPU is missing (never throws).
int cuda_device_count() noexcept;
/// Name of device `index`.
std::string cuda_device_name(int index);

}  // namespace viscoann::detail
