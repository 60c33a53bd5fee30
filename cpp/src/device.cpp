// Device selection: the CUDA queries are forwarded to cuda/ only when it was built.
#include "viscoann/device.hpp"

#include <stdexcept>

#if VISCOANN_HAVE_CUDA
#include "cuda_device.hpp"
#endif

namespace viscoann {

bool cuda_available() noexcept {
#if VISCOANN_HAVE_CUDA
    return detail::cuda_device_count() > 0;
#else
    return false;
#endif
}

std::string cuda_device_name() {
#if VISCOANN_HAVE_CUDA
    return cuda_available() ? detail::cuda_device_name(0) : std::string();
#else
    return {};
#endif
}

Device parse_device(const std::string& name) {
    if (name == "cpu") return Device::cpu;
    if (name == "cuda") return Device::cuda;
    throw std::invalid_argument("device = '" + name + "' is not one of 'cpu', 'cuda'");
}

}  // namespace viscoann
