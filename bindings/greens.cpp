// Bindings for viscoann/greens.hpp and layered.hpp: numpy <-> pointers, GIL released.
#include "viscoann/greens.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <stdexcept>

#include "bind.hpp"

namespace py = pybind11;
using Arr = py::array_t<double, py::array::c_style | py::array::forcecast>;

namespace {

// Model from per-layer columns; the last entry of each is the half-space.
viscoann::EarthModel to_model(const Arr& thickness, const Arr& lam, const Arr& mu_M,
                              const Arr& eta_M, const Arr& mu_K, const Arr& eta_K) {
    const auto n = static_cast<std::size_t>(thickness.size());
    for (const Arr* a : {&lam, &mu_M, &eta_M, &mu_K, &eta_K})
        if (static_cast<std::size_t>(a->size()) != n || n == 0)
            throw std::invalid_argument("model columns must have equal length >= 1");
    viscoann::EarthModel m;
    for (std::size_t i = 0; i < n; ++i) {
        viscoann::Layer l{thickness.data()[i],
                          lam.data()[i],
                          {mu_M.data()[i], eta_M.data()[i], mu_K.data()[i], eta_K.data()[i]}};
        if (i + 1 < n)
            m.layers.push_back(l);
        else
            m.halfspace = l;
    }
    return m;
}

viscoann::GreensOptions options(int talbot_nodes, double k_refine, double r_refine, bool dense,
                                int threads, bool subtract = true) {
    viscoann::GreensOptions o;
    o.subtract_homogeneous = subtract;
    o.talbot_nodes = talbot_nodes;
    o.k_refine = k_refine;
    o.r_refine = r_refine;
    o.dense = dense;
    o.threads = threads;
    return o;
}

}  // namespace

void bind_greens(py::module_& m) {
    m.def(
        "strike_slip_surface",
        [](Arr thickness, Arr lam, Arr mu_M, Arr eta_M, Arr mu_K, Arr eta_K, double depth, Arr x,
           Arr y, Arr t, int talbot_nodes, double k_refine, double r_refine, bool dense,
           int threads, bool subtract_homogeneous) {
            const auto model = to_model(thickness, lam, mu_M, eta_M, mu_K, eta_K);
            const auto n = static_cast<std::size_t>(x.size());
            if (static_cast<std::size_t>(y.size()) != n || static_cast<std::size_t>(t.size()) != n)
                throw std::invalid_argument("x, y, t must have equal length");
            py::array_t<double> out({static_cast<py::ssize_t>(n), py::ssize_t{3}});
            const auto o =
                options(talbot_nodes, k_refine, r_refine, dense, threads, subtract_homogeneous);
            double* po = out.mutable_data();
            {
                py::gil_scoped_release release;
                viscoann::strike_slip_surface(model, depth, n, x.data(), y.data(), t.data(), po, o);
            }
            return out;
        },
        py::arg("thickness"), py::arg("lam"), py::arg("mu_M"), py::arg("eta_M"), py::arg("mu_K"),
        py::arg("eta_K"), py::arg("depth"), py::arg("x"), py::arg("y"), py::arg("t"),
        py::arg("talbot_nodes") = 20, py::arg("k_refine") = 1.0, py::arg("r_refine") = 1.0,
        py::arg("dense") = false, py::arg("threads") = 0, py::arg("subtract_homogeneous") = true,
        "Canonical-source surface displacement (N, 3) in a layered model (see viscoann.exact).");
    m.def(
        "point_source_surface",
        [](Arr thickness, Arr lam, Arr mu_M, Arr eta_M, Arr mu_K, Arr eta_K, double depth,
           double dip, Arr potency, Arr x, Arr y, Arr t, int talbot_nodes, double k_refine,
           double r_refine, bool dense, int threads, bool subtract_homogeneous) {
            const auto model = to_model(thickness, lam, mu_M, eta_M, mu_K, eta_K);
            const auto n = static_cast<std::size_t>(x.size());
            if (static_cast<std::size_t>(y.size()) != n || static_cast<std::size_t>(t.size()) != n)
                throw std::invalid_argument("x, y, t must have equal length");
            if (potency.size() != 4) throw std::invalid_argument("potency must have 4 values");
            py::array_t<double> out({static_cast<py::ssize_t>(n), py::ssize_t{3}});
            const auto o =
                options(talbot_nodes, k_refine, r_refine, dense, threads, subtract_homogeneous);
            double* po = out.mutable_data();
            {
                py::gil_scoped_release release;
                viscoann::point_source_surface(model, depth, dip, potency.data(), n, x.data(),
                                               y.data(), t.data(), po, o);
            }
            return out;
        },
        py::arg("thickness"), py::arg("lam"), py::arg("mu_M"), py::arg("eta_M"), py::arg("mu_K"),
        py::arg("eta_K"), py::arg("depth"), py::arg("dip"), py::arg("potency"), py::arg("x"),
        py::arg("y"), py::arg("t"), py::arg("talbot_nodes") = 20, py::arg("k_refine") = 1.0,
        py::arg("r_refine") = 1.0, py::arg("dense") = false, py::arg("threads") = 0,
        py::arg("subtract_homogeneous") = true,
        "Okada-type point source surface displacement (N, 3) in a layered model.");
    m.def(
        "canonical_grid",
        [](Arr x, Arr y, Arr depths, Arr times, Arr eta_M, Arr eta_K, int talbot_nodes,
           double k_refine, double r_refine, int threads) {
            const auto n = static_cast<std::size_t>(x.size());
            const auto nd = static_cast<std::size_t>(depths.size());
            const auto nt = static_cast<std::size_t>(times.size());
            const auto ne = static_cast<std::size_t>(eta_M.size());
            if (static_cast<std::size_t>(y.size()) != n)
                throw std::invalid_argument("x and y must have equal length");
            if (static_cast<std::size_t>(eta_K.size()) != ne)
                throw std::invalid_argument("eta_M and eta_K must have equal length");
            py::array_t<double> out({static_cast<py::ssize_t>(ne), static_cast<py::ssize_t>(nd),
                                     static_cast<py::ssize_t>(nt), static_cast<py::ssize_t>(n),
                                     py::ssize_t{3}});
            const auto o = options(talbot_nodes, k_refine, r_refine, false, threads);
            viscoann::GreensStageTimes st;
            double* po = out.mutable_data();
            {
                py::gil_scoped_release release;
                viscoann::canonical_grid(n, x.data(), y.data(), nd, depths.data(), nt, times.data(),
                                         ne, eta_M.data(), eta_K.data(), po, o, &st);
            }
            py::dict stages;
            stages["kernels"] = st.kernels;
            stages["transforms"] = st.transforms;
            stages["evaluation"] = st.evaluation;
            return py::make_tuple(out, stages);
        },
        py::arg("x"), py::arg("y"), py::arg("depths"), py::arg("times"), py::arg("eta_M"),
        py::arg("eta_K"), py::arg("talbot_nodes") = 20, py::arg("k_refine") = 1.0,
        py::arg("r_refine") = 1.0, py::arg("threads") = 0,
        "Canonical model on a grid: ((E, D, T, P, 3) array, stage seconds).");
}
