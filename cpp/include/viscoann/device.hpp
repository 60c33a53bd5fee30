// Where an engine runs: the CPU always, a CUDA GPU when this build has CUDA and one is present.
#pragma once

#include <string>

#include "viscoann/config.hpp"

namespace viscoann {

enum class Device { cpu, cuda };

/// True when this build has the CUDA engine and a usable GPU is present. Never throws; the
/// first call initialises the CUDA runtime (nothing touches the GPU at load time).
VISCOANN_API bool cuda_available() noexcept;

/// Name of CUDA device 0, or "" when `cuda_available()` is false.
VISCOANN_API std::string cuda_device_name();

/// Parses "cpu" / "cuda"; throws std::invalid_argument naming the value otherwise.
VISCOANN_API Device parse_device(const std::string& name);

}  // namespace viscoann
