// Bindings for viscoann/traction.hpp: numpy <-> pointers, GIL released.
#include "viscoann/traction.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "bind.hpp"

namespace py = pybind11;
using Idx = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

namespace {

// Patches from rows (east, north, depth, strike, dip, rake, length, width).
std::vector<viscoann::FaultPatch> to_patches(const BindArr& p) {
    if (p.ndim() != 2 || p.shape(1) != 8)
        throw std::invalid_argument(
            "patches must have shape (m, 8): east, north, depth, strike, dip, rake, length, "
            "width");
    std::vector<viscoann::FaultPatch> out(static_cast<std::size_t>(p.shape(0)));
    const double* d = p.data();
    for (std::size_t q = 0; q < out.size(); ++q) {
        const double* r = d + 8 * q;
        out[q] = {r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]};
    }
    return out;
}

std::vector<std::size_t> to_index(const Idx& a, const char* name) {
    if (a.ndim() != 1) throw std::invalid_argument(std::string(name) + " must be 1-D");
    std::vector<std::size_t> out(static_cast<std::size_t>(a.size()));
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (a.data()[i] < 0)
            throw std::invalid_argument(std::string(name) + "[" + std::to_string(i) + "] = " +
                                        std::to_string(a.data()[i]) + " is invalid; allowed: >= 0");
        out[i] = static_cast<std::size_t>(a.data()[i]);
    }
    return out;
}

}  // namespace

void bind_traction(py::module_& m) {
    m.def(
        "patches_at_depth",
        [](BindArr thickness, BindArr lam, BindArr mu_M, BindArr eta_M, BindArr mu_K, BindArr eta_K,
           BindArr patches, BindArr slip, BindArr points, BindArr times, double tol,
           int talbot_nodes, double k_refine, double r_refine, int threads) {
            const auto model = to_model(thickness, lam, mu_M, eta_M, mu_K, eta_K);
            const auto p = to_patches(patches);
            if (slip.ndim() != 2 || slip.shape(1) != 2 ||
                static_cast<std::size_t>(slip.shape(0)) != p.size())
                throw std::invalid_argument("slip must have shape (m, 2): strike-slip, dip-slip");
            if (points.ndim() != 2 || points.shape(1) != 3)
                throw std::invalid_argument("points must have shape (n, 3): east, north, up");
            const auto n = static_cast<std::size_t>(points.shape(0)), ms = p.size();
            std::vector<double> x(n), y(n), z(n);
            for (std::size_t i = 0; i < n; ++i) {
                x[i] = points.data()[3 * i];
                y[i] = points.data()[3 * i + 1];
                z[i] = points.data()[3 * i + 2];
            }
            const auto nt = static_cast<std::size_t>(times.size());
            const auto snt = static_cast<py::ssize_t>(nt), sm = static_cast<py::ssize_t>(ms),
                       sn = static_cast<py::ssize_t>(n);
            py::array_t<double> g({snt, sm, sn, py::ssize_t{3}, py::ssize_t{3}});
            py::array_t<double> st({snt, sm, sn, py::ssize_t{3}, py::ssize_t{3}});
            py::array_t<std::uint8_t> fl({sm, sn});
            const auto o = options(talbot_nodes, k_refine, r_refine, false, threads);
            double *pg = g.mutable_data(), *ps = st.mutable_data();
            std::uint8_t* pf = fl.mutable_data();
            {
                py::gil_scoped_release release;
                viscoann::patches_at_depth(model, ms, p.data(), slip.data(), n, x.data(), y.data(),
                                           z.data(), nt, times.data(), pg, ps, pf, o, tol);
            }
            py::dict d;
            d["grad"] = g;
            d["stress"] = st;
            d["flags"] = fl;
            return d;
        },
        py::arg("thickness"), py::arg("lam"), py::arg("mu_M"), py::arg("eta_M"), py::arg("mu_K"),
        py::arg("eta_K"), py::arg("patches"), py::arg("slip"), py::arg("points"), py::arg("times"),
        py::arg("tol") = 1e-6, py::arg("talbot_nodes") = 20, py::arg("k_refine") = 1.0,
        py::arg("r_refine") = 1.0, py::arg("threads") = 0,
        "Field at depth of m rectangular patches (m, 8) with shear slip (m, 2) [m] at points "
        "(n, 3) ENU [m]: a dict grad, stress (T, m, n, 3, 3) per patch, flags (m, n) (2: on an "
        "edge, NaN there).");
    py::class_<viscoann::TractionKernels>(m, "TractionKernels")
        .def(py::init([](BindArr thickness, BindArr lam, BindArr mu_M, BindArr eta_M, BindArr mu_K,
                         BindArr eta_K, BindArr patches, double tol, int talbot_nodes,
                         double k_refine, double r_refine, int threads) {
                 const auto model = to_model(thickness, lam, mu_M, eta_M, mu_K, eta_K);
                 const auto o = options(talbot_nodes, k_refine, r_refine, false, threads);
                 return std::make_unique<viscoann::TractionKernels>(model, to_patches(patches), o,
                                                                    tol);
             }),
             py::arg("thickness"), py::arg("lam"), py::arg("mu_M"), py::arg("eta_M"),
             py::arg("mu_K"), py::arg("eta_K"), py::arg("patches"), py::arg("tol") = 1e-6,
             py::arg("talbot_nodes") = 20, py::arg("k_refine") = 1.0, py::arg("r_refine") = 1.0,
             py::arg("threads") = 0)
        .def("__len__", &viscoann::TractionKernels::size)
        .def(
            "block",
            [](const viscoann::TractionKernels& k, Idx rows, Idx cols, BindArr times, bool direct) {
                const auto r = to_index(rows, "rows"), c = to_index(cols, "cols");
                const auto nt = static_cast<std::size_t>(times.size());
                py::array_t<double> out({static_cast<py::ssize_t>(nt),
                                         static_cast<py::ssize_t>(r.size()),
                                         static_cast<py::ssize_t>(c.size()), py::ssize_t{3}});
                py::array_t<std::uint8_t> fl(
                    {static_cast<py::ssize_t>(r.size()), static_cast<py::ssize_t>(c.size())});
                double* po = out.mutable_data();
                std::uint8_t* pf = fl.mutable_data();
                {
                    py::gil_scoped_release release;
                    if (direct)
                        k.block_direct(r.size(), r.data(), c.size(), c.data(), nt, times.data(), po,
                                       pf);
                    else
                        k.block(r.size(), r.data(), c.size(), c.data(), nt, times.data(), po, pf);
                }
                return py::make_tuple(out, fl);
            },
            py::arg("rows"), py::arg("cols"), py::arg("times"), py::arg("direct") = false,
            "(traction (T, R, C, 3) [Pa per m of slip], flags (R, C)) of receiver rows and "
            "source cols (viscoann/traction.hpp); direct: without the tables (block_direct).")
        .def_property_readonly("n_panels", &viscoann::TractionKernels::n_panels)
        .def("panel_table_size", &viscoann::TractionKernels::panel_table_size, py::arg("panel"),
             py::arg("n_times"), "The number of values of panel p's tables at n_times times.")
        .def(
            "panel_tables",
            [](const viscoann::TractionKernels& k, std::size_t p, BindArr times) {
                std::vector<double> t;
                {
                    py::gil_scoped_release release;
                    t = k.panel_tables(p, static_cast<std::size_t>(times.size()), times.data());
                }
                py::array_t<double> out(static_cast<py::ssize_t>(t.size()));
                std::copy(t.begin(), t.end(), out.mutable_data());
                return out;
            },
            py::arg("panel"), py::arg("times"),
            "Panel p's radial tables at these times (1-D), built now if the handle lacks them.")
        .def(
            "set_panel_tables",
            [](const viscoann::TractionKernels& k, std::size_t p, BindArr times, BindArr data) {
                py::gil_scoped_release release;
                k.set_panel_tables(p, static_cast<std::size_t>(times.size()), times.data(),
                                   data.data(), static_cast<std::size_t>(data.size()));
            },
            py::arg("panel"), py::arg("times"), py::arg("data"),
            "Gives the handle panel p's tables at these times (as panel_tables returned them).")
        .def(
            "fill_panel_tables",
            [](const viscoann::TractionKernels& k, std::size_t p, BindArr times,
               const py::function& fill) {
                k.fill_panel_tables(p, static_cast<std::size_t>(times.size()), times.data(),
                                    [&](double* data, std::size_t size) {
                                        // A view of the handle's memory, valid during the call.
                                        py::array_t<double> view({static_cast<py::ssize_t>(size)},
                                                                 {sizeof(double)}, data,
                                                                 py::none());
                                        fill(view);
                                    });
            },
            py::arg("panel"), py::arg("times"), py::arg("fill"),
            "set_panel_tables without a copy: fill(view) writes all of panel p's values into a "
            "writable 1-D view of the handle's memory (e.g. an h5py dataset's read_direct); "
            "the view is invalid after the call.");
}
