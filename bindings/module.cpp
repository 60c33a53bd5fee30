// The extension viscoann._core: one bind_* call per public header, nothing else.
#include <pybind11/pybind11.h>

#include "bind.hpp"

PYBIND11_MODULE(_core, m) {
    m.doc() = "viscoann native core (C++); use the viscoann package, not this module";
    bind_device(m);
    bind_okada(m);
    bind_greens(m);
    bind_traction(m);
    bind_errors(m);
    bind_surrogate(m);
    bind_kernel(m);
}
