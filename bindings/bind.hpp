// Declarations of the per-header binding functions called by module.cpp.
#pragma once

#include <pybind11/pybind11.h>

void bind_device(pybind11::module_& m);
void bind_okada(pybind11::module_& m);
void bind_greens(pybind11::module_& m);
void bind_surrogate(pybind11::module_& m);
void bind_errors(pybind11::module_& m);
