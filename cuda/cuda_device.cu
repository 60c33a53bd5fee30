// CUDA runtime queries behind viscoann::cuda_available(); a machine without a GPU gets 0.
#include <cuda_runtime.h>

#include "cuda_device.hpp"

namespace viscoann::detail {

int cuda_device_count() noexcept {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        cudaGetLastError();  // clear the sticky "no driver / no device" error
        return 0;
    }
    return n;
}

std::string cuda_device_name(int index) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, index) != cudaSuccess) return {};
    return prop.name;
}

}  // namespace viscoann::detail
