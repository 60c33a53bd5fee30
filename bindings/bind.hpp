// Declarations of the per-header binding functions called by module.cpp.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "viscoann/greens.hpp"

void bind_device(pybind11::module_& m);
void bind_okada(pybind11::module_& m);
void bind_greens(pybind11::module_& m);
void bind_surrogate(pybind11::module_& m);
void bind_errors(pybind11::module_& m);
void bind_traction(pybind11::module_& m);
void bind_kernel(pybind11::module_& m);

// Shared by the solver's bindings (defined in greens.cpp).
using BindArr = pybind11::array_t<double, pybind11::array::c_style | pybind11::array::forcecast>;
/// Model from per-layer columns (thickness, lam, mu_M, eta_M, mu_K, eta_K); half-space last.
viscoann::EarthModel to_model(const BindArr& thickness, const BindArr& lam, const BindArr& mu_M,
                              const BindArr& eta_M, const BindArr& mu_K, const BindArr& eta_K);
viscoann::GreensOptions options(int talbot_nodes, double k_refine, double r_refine, bool dense,
                                int threads, bool subtract = true, bool velocity = false);
