// Bindings for viscoann/kernel.hpp: numpy <-> pointers, GIL released.
#include "viscoann/kernel.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "bind.hpp"

namespace py = pybind11;
using viscoann::KernelQuantity;
using viscoann::NeuralKernel;

namespace {

struct Models {
    BindArr eta_M, eta_K, H;
    viscoann::KernelModels view() const {
        return {static_cast<std::size_t>(H.size()), eta_M.data(), eta_K.data(), H.data()};
    }
};

Models models_of(BindArr eta_M, BindArr eta_K, BindArr H) {
    if (eta_M.ndim() > 1 || eta_K.ndim() > 1 || H.ndim() > 1 || eta_M.size() != H.size() ||
        eta_K.size() != H.size())
        throw std::invalid_argument("eta_M, eta_K and H must be 1-D of one length (the models)");
    return {std::move(eta_M), std::move(eta_K), std::move(H)};
}

std::vector<KernelQuantity> quantities_of(const std::vector<std::string>& names) {
    std::vector<KernelQuantity> q;
    for (const auto& s : names) q.push_back(viscoann::parse_kernel_quantity(s));
    return q;
}

void check_times(const BindArr& t) {
    if (t.ndim() > 1) throw std::invalid_argument("times must be 1-D");
}

struct Sources {
    std::vector<viscoann::PotencyTensor> p;
    std::size_t n = 0;
};

Sources sources_of(const BindArr& tensors, const BindArr& x, const BindArr& y) {
    if (tensors.ndim() != 2 || tensors.shape(1) != 6)
        throw std::invalid_argument("tensors must have shape (m, 6): xx, yy, zz, xy, xz, yz");
    if (x.ndim() != 2 || y.ndim() != 2 || x.shape(0) != tensors.shape(0) ||
        y.shape(0) != x.shape(0) || y.shape(1) != x.shape(1))
        throw std::invalid_argument("x and y must have shape (m, S): offsets from each source");
    Sources s;
    s.n = static_cast<std::size_t>(x.shape(1));
    const double* d = tensors.data();
    for (py::ssize_t q = 0; q < tensors.shape(0); ++q, d += 6)
        s.p.push_back({d[0], d[1], d[2], d[3], d[4], d[5]});
    return s;
}

// A zeroed (E, Q, T, S, 3) field: the evaluations add into it.
py::array_t<double> zero_field(py::ssize_t E, std::size_t Q, py::ssize_t T, std::size_t S) {
    py::array_t<double> out(
        {E, static_cast<py::ssize_t>(Q), T, static_cast<py::ssize_t>(S), py::ssize_t{3}});
    std::fill_n(out.mutable_data(), out.size(), 0.0);
    return out;
}

// remainder / displacement: (E, Q, T, S, 3) (the count outside the family: out_of_domain).
py::array_t<double> field(const NeuralKernel& k, bool full, double depth, BindArr eta_M,
                          BindArr eta_K, BindArr H, BindArr times, BindArr tensors, BindArr x,
                          BindArr y, const std::vector<std::string>& names, int threads) {
    const Models e = models_of(std::move(eta_M), std::move(eta_K), std::move(H));
    check_times(times);
    const auto q = quantities_of(names);
    const Sources s = sources_of(tensors, x, y);
    const auto T = times.size();
    py::array_t<double> out = zero_field(e.H.size(), q.size(), T, s.n);
    double* po = out.mutable_data();
    {
        py::gil_scoped_release release;
        const auto fn = full ? &NeuralKernel::displacement : &NeuralKernel::remainder;
        (k.*fn)(depth, e.view(), static_cast<std::size_t>(T), times.data(), s.p.size(), s.p.data(),
                s.n, x.data(), y.data(), q.size(), q.data(), po, threads);
    }
    return out;
}

}  // namespace

void bind_kernel(py::module_& m) {
    const auto field_args = [](bool full) {
        return std::string(full ? "Full field (lid's Okada on the rows of 'u' plus the layered "
                                  "remainder)"
                                : "Layered remainder (field minus the lid's Okada)") +
               " (E, Q, T, S, 3) of m point sources at one depth [m], potency tensors (m, 6) = "
               "(xx, yy, zz, xy, xz, yz) [m^3], summed at S points whose offsets from each "
               "source are x, y (m, S) [m], for models (eta_M, eta_K, H) (E,), times (T,) and "
               "quantities ('u', 'v', 'd_log10_eta_M', 'd_log10_eta_K', 'd_H'); out_of_domain() "
               "counts the (model, time) pairs outside the family.";
    };
    py::class_<NeuralKernel>(m, "Kernel")
        .def_static("load", &NeuralKernel::load, py::arg("path"),
                    py::call_guard<py::gil_scoped_release>())
        .def_static("from_bytes",
                    [](const py::bytes& b) {
                        const std::string s = b;
                        py::gil_scoped_release release;
                        return NeuralKernel::from_bytes(s.data(), s.size());
                    })
        .def_property_readonly("info",
                               [](const NeuralKernel& k) {
                                   const auto i = k.info();
                                   py::dict d;
                                   d["n_modes"] = i.n_modes;
                                   d["n_r"] = i.n_r;
                                   d["rho_spacing"] = i.rho_spacing;
                                   d["mu_M"] = i.mu_M;
                                   d["mu_K"] = i.mu_K;
                                   d["H"] = py::make_tuple(i.H_lo, i.H_hi);
                                   d["depth_margin"] = i.depth_margin;
                                   d["eta_M"] = py::make_tuple(i.eta_M_lo, i.eta_M_hi);
                                   d["eta_K"] = py::make_tuple(i.eta_K_lo, i.eta_K_hi);
                                   d["maxwell"] = i.maxwell;
                                   d["r_max"] = i.r_max;
                                   d["t_max"] = i.t_max;
                                   return d;
                               })
        .def_property_readonly("metadata_json", &NeuralKernel::metadata_json)
        .def(
            "remainder",
            [](const NeuralKernel& k, double depth, BindArr eta_M, BindArr eta_K, BindArr H,
               BindArr times, BindArr tensors, BindArr x, BindArr y,
               const std::vector<std::string>& quantities, int threads) {
                return field(k, false, depth, std::move(eta_M), std::move(eta_K), std::move(H),
                             std::move(times), std::move(tensors), std::move(x), std::move(y),
                             quantities, threads);
            },
            py::arg("depth"), py::arg("eta_M"), py::arg("eta_K"), py::arg("H"), py::arg("times"),
            py::arg("tensors"), py::arg("x"), py::arg("y"),
            py::arg("quantities") = std::vector<std::string>{"u"}, py::arg("threads") = 0,
            field_args(false).c_str())
        .def(
            "remainder_depths",
            [](const NeuralKernel& k, BindArr depths,
               py::array_t<std::size_t, py::array::c_style | py::array::forcecast> start,
               BindArr eta_M, BindArr eta_K, BindArr H, BindArr times, BindArr tensors, BindArr x,
               BindArr y, const std::vector<std::string>& quantities, int threads) {
                const Models e = models_of(std::move(eta_M), std::move(eta_K), std::move(H));
                check_times(times);
                const auto q = quantities_of(quantities);
                const Sources s = sources_of(tensors, x, y);
                const auto nd = static_cast<std::size_t>(depths.size());
                if (depths.ndim() != 1 || start.ndim() != 1 ||
                    static_cast<std::size_t>(start.size()) != nd + 1)
                    throw std::invalid_argument(
                        "depths must be 1-D (nd) and start 1-D (nd + 1): the sources of depth g "
                        "are start[g] .. start[g + 1] - 1");
                if (nd > 0 && start.at(nd) != s.p.size())
                    throw std::invalid_argument("start[-1] = " + std::to_string(start.at(nd)) +
                                                " is invalid; allowed: the number of sources, " +
                                                std::to_string(s.p.size()));
                const auto T = times.size();
                py::array_t<double> out = zero_field(e.H.size(), q.size(), T, s.n);
                double* po = out.mutable_data();
                {
                    py::gil_scoped_release release;
                    k.remainder_depths(nd, depths.data(), start.data(), e.view(),
                                       static_cast<std::size_t>(T), times.data(), s.p.data(), s.n,
                                       x.data(), y.data(), q.size(), q.data(), po, threads);
                }
                return out;
            },
            py::arg("depths"), py::arg("start"), py::arg("eta_M"), py::arg("eta_K"), py::arg("H"),
            py::arg("times"), py::arg("tensors"), py::arg("x"), py::arg("y"),
            py::arg("quantities") = std::vector<std::string>{"u"}, py::arg("threads") = 0,
            "remainder() of sources at several depths, summed: (E, Q, T, S, 3). Sources "
            "start[g] .. start[g + 1] - 1 (rows of tensors, x, y) lie at depths[g]; every "
            "(depth, model, time) row passes the net in one batch.")
        .def(
            "displacement",
            [](const NeuralKernel& k, double depth, BindArr eta_M, BindArr eta_K, BindArr H,
               BindArr times, BindArr tensors, BindArr x, BindArr y,
               const std::vector<std::string>& quantities, int threads) {
                return field(k, true, depth, std::move(eta_M), std::move(eta_K), std::move(H),
                             std::move(times), std::move(tensors), std::move(x), std::move(y),
                             quantities, threads);
            },
            py::arg("depth"), py::arg("eta_M"), py::arg("eta_K"), py::arg("H"), py::arg("times"),
            py::arg("tensors"), py::arg("x"), py::arg("y"),
            py::arg("quantities") = std::vector<std::string>{"u"}, py::arg("threads") = 0,
            field_args(true).c_str())
        .def(
            "coefficients",
            [](const NeuralKernel& k, double depth, BindArr eta_M, BindArr eta_K, BindArr H,
               BindArr times, const std::vector<std::string>& quantities, int threads) {
                const Models e = models_of(std::move(eta_M), std::move(eta_K), std::move(H));
                check_times(times);
                const auto q = quantities_of(quantities);
                const auto K = static_cast<py::ssize_t>(k.info().n_modes);
                py::array_t<double> out({e.H.size(), static_cast<py::ssize_t>(q.size()),
                                         times.size(), py::ssize_t{10}, K});
                double* po = out.mutable_data();
                {
                    py::gil_scoped_release release;
                    k.coefficients(depth, e.view(), static_cast<std::size_t>(times.size()),
                                   times.data(), q.size(), q.data(), po, threads);
                }
                return out;
            },
            py::arg("depth"), py::arg("eta_M"), py::arg("eta_K"), py::arg("H"), py::arg("times"),
            py::arg("quantities") = std::vector<std::string>{"u"}, py::arg("threads") = 0,
            "Coefficients (E, Q, T, 10, K) of g (w included).")
        .def(
            "samples",
            [](const NeuralKernel& k, BindArr depth, BindArr eta_M, BindArr eta_K, BindArr H,
               BindArr t, BindArr tensors, BindArr x, BindArr y, int threads) {
                const Models e = models_of(std::move(eta_M), std::move(eta_K), std::move(H));
                const auto n = e.H.size();
                if (depth.ndim() != 1 || t.ndim() != 1 || x.ndim() != 1 || y.ndim() != 1 ||
                    depth.size() != n || t.size() != n || x.size() != n || y.size() != n)
                    throw std::invalid_argument(
                        "depth, eta_M, eta_K, H, t, x and y must be 1-D of one length (the "
                        "samples)");
                if (tensors.ndim() != 2 || tensors.shape(0) != n || tensors.shape(1) != 6)
                    throw std::invalid_argument(
                        "tensors must have shape (n, 6): xx, yy, zz, xy, xz, yz per sample");
                std::vector<viscoann::PotencyTensor> p;
                const double* d = tensors.data();
                for (py::ssize_t q = 0; q < n; ++q, d += 6)
                    p.push_back({d[0], d[1], d[2], d[3], d[4], d[5]});
                py::array_t<double> out({n, py::ssize_t{3}});
                {
                    py::gil_scoped_release release;
                    k.samples(static_cast<std::size_t>(n), depth.data(), e.view(), t.data(),
                              p.data(), x.data(), y.data(), out.mutable_data(), threads);
                }
                return out;
            },
            py::arg("depth"), py::arg("eta_M"), py::arg("eta_K"), py::arg("H"), py::arg("t"),
            py::arg("tensors"), py::arg("x"), py::arg("y"), py::arg("threads") = 0,
            "Layered remainder (n, 3) [m] of n scattered samples, each its own point source "
            "(depth, potency tensor (n, 6)), model (eta_M, eta_K, H), time t and offset (x, y).")
        .def(
            "out_of_domain",
            [](const NeuralKernel& k, double depth, BindArr eta_M, BindArr eta_K, BindArr H,
               BindArr times) {
                const Models e = models_of(std::move(eta_M), std::move(eta_K), std::move(H));
                check_times(times);
                return k.out_of_domain(depth, e.view(), static_cast<std::size_t>(times.size()),
                                       times.data());
            },
            py::arg("depth"), py::arg("eta_M"), py::arg("eta_K"), py::arg("H"), py::arg("times"),
            "Number of (model, time) pairs outside the kernel's family.");
    m.def(
        "basis_synthesis",
        [](BindArr basis, double r_spacing, BindArr C, BindArr tensors, BindArr x, BindArr y,
           int threads) {
            if (basis.ndim() != 3 || basis.shape(0) != 10)
                throw std::invalid_argument("basis must have shape (10, K, n_r)");
            const auto K = static_cast<std::size_t>(basis.shape(1));
            const auto n_r = static_cast<std::size_t>(basis.shape(2));
            if (C.ndim() != 3 || C.shape(1) != 10 || static_cast<std::size_t>(C.shape(2)) != K)
                throw std::invalid_argument("C must have shape (R, 10, K) with the basis's K");
            const Sources s = sources_of(tensors, x, y);
            py::array_t<double> out({C.shape(0), static_cast<py::ssize_t>(s.n), py::ssize_t{3}});
            double* po = out.mutable_data();
            std::fill(po, po + out.size(), 0.0);
            {
                py::gil_scoped_release release;
                viscoann::basis_synthesis(
                    basis.data(), K, n_r, r_spacing, static_cast<std::size_t>(C.shape(0)), C.data(),
                    s.p.size(), s.p.data(), s.n, x.data(), y.data(), po, threads);
            }
            return out;
        },
        py::arg("basis"), py::arg("r_spacing"), py::arg("C"), py::arg("tensors"), py::arg("x"),
        py::arg("y"), py::arg("threads") = 0,
        "Field (R, S, 3) of radial functions g_f = sum_k C[row, f, k] psi_fk(r) on a tabulated "
        "basis (10, K, n_r) at radii j r_spacing, for point sources (m, 6) at offsets x, y "
        "(m, S) [m], summed over the sources.");
}
