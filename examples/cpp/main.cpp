// A C++ program using the installed viscoann (find_package(viscoann), viscoann::viscoann).
#include <cstdio>

#include "viscoann/config.hpp"
#include "viscoann/device.hpp"

int main() {
    std::printf("viscoann %s, CUDA GPU available: %d\n", VISCOANN_VERSION,
                viscoann::cuda_available() ? 1 : 0);
    return 0;
}
