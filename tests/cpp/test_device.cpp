// Device selection and the C API status strings.
#include <cstring>
#include <stdexcept>

#include "check.hpp"
#include "viscoann.h"
#include "viscoann/device.hpp"

int main() {
    CHECK(viscoann::parse_device("cpu") == viscoann::Device::cpu);
    CHECK(viscoann::parse_device("cuda") == viscoann::Device::cuda);
    CHECK_THROWS(viscoann::parse_device("tpu"), std::invalid_argument, "'tpu'");
#if !VISCOANN_HAVE_CUDA
    CHECK(!viscoann::cuda_available());
#endif
    CHECK(viscoann_cuda_available() == (viscoann::cuda_available() ? 1 : 0));
    CHECK(std::strcmp(viscoann_version(), VISCOANN_VERSION) == 0);
    CHECK(std::strcmp(viscoann_status_string(VISCOANN_OK), "ok") == 0);
    CHECK(std::strcmp(viscoann_status_string(VISCOANN_FORMAT_ERROR), "ok") != 0);
    return check::report();
}
