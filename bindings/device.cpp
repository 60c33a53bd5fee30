// Bindings for viscoann/device.hpp and the build configuration.
#include "viscoann/device.hpp"

#include "bind.hpp"
#include "viscoann/config.hpp"

namespace py = pybind11;

void bind_device(py::module_& m) {
    m.attr("__version__") = VISCOANN_VERSION;
    m.attr("built_with_cuda") = static_cast<bool>(VISCOANN_HAVE_CUDA);
    m.def("cuda_available", &viscoann::cuda_available,
          "True when this build has the CUDA engine and a GPU is present.");
    m.def("cuda_device_name", &viscoann::cuda_device_name, "Name of CUDA device 0, or ''.");
}
