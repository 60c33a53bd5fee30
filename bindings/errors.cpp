// Bindings for viscoann/errors.hpp: FormatError -> viscoann.FormatError (a ValueError),
// IoError -> OSError; Unavailable stays a RuntimeError (pybind11's std::runtime_error).
#include "viscoann/errors.hpp"

#include "bind.hpp"

namespace py = pybind11;

void bind_errors(py::module_& m) {
    py::register_exception<viscoann::FormatError>(m, "FormatError", PyExc_ValueError);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const viscoann::IoError& e) {
            PyErr_SetString(PyExc_OSError, e.what());
        }
    });
}
