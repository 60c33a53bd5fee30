// Bindings for viscoann/surrogate.hpp: numpy (n, n_in) float64 in, (n, n_out) out, GIL released.
#include "viscoann/surrogate.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <stdexcept>
#include <string>

#include "bind.hpp"

namespace py = pybind11;
using viscoann::Surrogate;

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::size_t rows_of(const Surrogate& s, const Array& X) {
    if (X.ndim() != 2 || static_cast<std::size_t>(X.shape(1)) != s.n_inputs())
        throw std::invalid_argument("X must have shape (n, " + std::to_string(s.n_inputs()) +
                                    "), got ndim " + std::to_string(X.ndim()));
    return static_cast<std::size_t>(X.shape(0));
}

viscoann::InputGrid grid_of(const Array& x, const Array& y, const Array& depths, const Array& times,
                            const Array& eta_M, const Array& eta_K) {
    if (x.ndim() != 1 || y.ndim() != 1 || x.size() != y.size() || eta_M.ndim() != 1 ||
        eta_K.ndim() != 1 || eta_M.size() != eta_K.size() || depths.ndim() != 1 ||
        times.ndim() != 1)
        throw std::invalid_argument(
            "predict_grid needs 1-D x, y of equal length, 1-D depths, times, and "
            "1-D eta_M, eta_K of equal length");
    viscoann::InputGrid g;
    g.x = x.data();
    g.y = y.data();
    g.n_points = static_cast<std::size_t>(x.size());
    g.depths = depths.data();
    g.n_depths = static_cast<std::size_t>(depths.size());
    g.times = times.data();
    g.n_times = static_cast<std::size_t>(times.size());
    g.eta_M = eta_M.data();
    g.eta_K = eta_K.data();
    g.n_etas = static_cast<std::size_t>(eta_M.size());
    return g;
}

viscoann::CudaPrecision parse_precision(const std::string& p) {
    if (p == "fp32") return viscoann::CudaPrecision::fp32;
    if (p == "tensor_fp16") return viscoann::CudaPrecision::tensor_fp16;
    throw std::invalid_argument("precision = '" + p + "' is not one of 'fp32', 'tensor_fp16'");
}

viscoann::PredictOptions options(const std::string& device, int threads, const std::string& isa,
                                 const std::string& precision, bool postseismic) {
    viscoann::PredictOptions o;
    o.postseismic = postseismic;
    o.device = viscoann::parse_device(device);
    o.precision = parse_precision(precision);
    o.threads = threads;
    o.isa = viscoann::parse_cpu_isa(isa);
    return o;
}

}  // namespace

void bind_surrogate(py::module_& m) {
    py::class_<Surrogate>(m, "Surrogate")
        .def_static("load", &Surrogate::load, py::arg("path"),
                    py::call_guard<py::gil_scoped_release>())
        .def_static("from_bytes",
                    [](const py::bytes& b) {
                        const std::string s = b;
                        py::gil_scoped_release release;
                        return Surrogate::from_bytes(s.data(), s.size());
                    })
        .def_property_readonly("n_inputs", &Surrogate::n_inputs)
        .def_property_readonly("n_outputs", &Surrogate::n_outputs)
        .def_property_readonly("widths", &Surrogate::widths)
        .def_property_readonly("activations", &Surrogate::activations)
        .def_property_readonly("input_names", &Surrogate::input_names)
        .def_property_readonly("input_units", &Surrogate::input_units)
        .def_property_readonly("output_names", &Surrogate::output_names)
        .def_property_readonly("output_units", &Surrogate::output_units)
        .def_property_readonly("domain_lower", &Surrogate::domain_lower)
        .def_property_readonly("domain_upper", &Surrogate::domain_upper)
        .def_property_readonly("metadata_json", &Surrogate::metadata_json)
        .def(
            "predict",
            [](const Surrogate& s, const Array& X, const std::string& device, int threads,
               const std::string& isa, bool float32, const std::string& precision,
               bool postseismic) -> py::array {
                const std::size_t n = rows_of(s, X);
                const auto o = options(device, threads, isa, precision, postseismic);
                const std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(n),
                                                     static_cast<py::ssize_t>(s.n_outputs())};
                if (float32) {
                    py::array_t<float> out(shape);
                    float* po = out.mutable_data();
                    py::gil_scoped_release release;
                    s.predict(X.data(), n, po, o);
                    return std::move(out);
                }
                py::array_t<double> out(shape);
                double* po = out.mutable_data();
                py::gil_scoped_release release;
                s.predict(X.data(), n, po, o);
                return std::move(out);
            },
            py::arg("X"), py::arg("device") = "cpu", py::arg("threads") = 0,
            py::arg("isa") = "auto", py::arg("float32") = false, py::arg("precision") = "fp32",
            py::arg("postseismic") = false)
        .def(
            "predict_into",
            [](const Surrogate& s, const Array& X, py::array out, const std::string& device,
               int threads, const std::string& isa, const std::string& precision,
               bool postseismic) {
                const std::size_t n = rows_of(s, X);
                const auto o = options(device, threads, isa, precision, postseismic);
                const bool f64 = py::isinstance<py::array_t<double>>(out);
                if (!(f64 || py::isinstance<py::array_t<float>>(out)) || out.ndim() != 2 ||
                    static_cast<std::size_t>(out.shape(0)) != n ||
                    static_cast<std::size_t>(out.shape(1)) != s.n_outputs() ||
                    !(out.flags() & py::array::c_style) || !out.writeable())
                    throw std::invalid_argument(
                        "out must be a writeable C-contiguous float64 or float32 array of shape (" +
                        std::to_string(n) + ", " + std::to_string(s.n_outputs()) + ")");
                void* po = out.mutable_data();
                py::gil_scoped_release release;
                if (f64)
                    s.predict(X.data(), n, static_cast<double*>(po), o);
                else
                    s.predict(X.data(), n, static_cast<float*>(po), o);
            },
            py::arg("X"), py::arg("out"), py::arg("device") = "cpu", py::arg("threads") = 0,
            py::arg("isa") = "auto", py::arg("precision") = "fp32", py::arg("postseismic") = false)
        .def(
            "predict_grid",
            [](const Surrogate& s, const Array& x, const Array& y, const Array& depths,
               const Array& times, const Array& eta_M, const Array& eta_K,
               const std::string& device, int threads, const std::string& isa, bool float32,
               const std::string& precision, bool postseismic) -> py::array {
                const viscoann::InputGrid g = grid_of(x, y, depths, times, eta_M, eta_K);
                const auto o = options(device, threads, isa, precision, postseismic);
                const std::vector<py::ssize_t> shape{
                    static_cast<py::ssize_t>(g.n_etas), static_cast<py::ssize_t>(g.n_depths),
                    static_cast<py::ssize_t>(g.n_times), static_cast<py::ssize_t>(g.n_points),
                    static_cast<py::ssize_t>(s.n_outputs())};
                if (float32) {
                    py::array_t<float> out(shape);
                    float* po = out.mutable_data();
                    py::gil_scoped_release release;
                    s.predict_grid(g, po, o);
                    return std::move(out);
                }
                py::array_t<double> out(shape);
                double* po = out.mutable_data();
                py::gil_scoped_release release;
                s.predict_grid(g, po, o);
                return std::move(out);
            },
            py::arg("x"), py::arg("y"), py::arg("depths"), py::arg("times"), py::arg("eta_M"),
            py::arg("eta_K"), py::arg("device") = "cpu", py::arg("threads") = 0,
            py::arg("isa") = "auto", py::arg("float32") = false, py::arg("precision") = "fp32",
            py::arg("postseismic") = false)
        .def(
            "grid_outside_domain",
            [](const Surrogate& s, const Array& x, const Array& y, const Array& depths,
               const Array& times, const Array& eta_M, const Array& eta_K) {
                return s.grid_outside_domain(grid_of(x, y, depths, times, eta_M, eta_K));
            },
            py::arg("x"), py::arg("y"), py::arg("depths"), py::arg("times"), py::arg("eta_M"),
            py::arg("eta_K"))
        .def(
            "in_domain",
            [](const Surrogate& s, const Array& X) {
                const std::size_t n = rows_of(s, X);
                py::array_t<bool> mask(static_cast<py::ssize_t>(n));
                bool* pm = mask.mutable_data();
                py::gil_scoped_release release;
                s.in_domain(X.data(), n, pm);
                return mask;
            },
            py::arg("X"));
    m.def(
        "cpu_isa_supported",
        [](const std::string& isa) {
            return viscoann::cpu_isa_supported(viscoann::parse_cpu_isa(isa));
        },
        py::arg("isa"), "True when this build and CPU can run the given CPU path.");
    m.def(
        "cpu_isa_selected", [] { return viscoann::cpu_isa_name(viscoann::cpu_isa_selected()); },
        "The CPU path automatic dispatch picks (honours VISCOANN_CPU_ISA).");
    m.def("fma_peak_gflops", &viscoann::fma_peak_gflops, py::arg("threads") = 0,
          py::arg("seconds") = 0.2, py::call_guard<py::gil_scoped_release>(),
          "Measured FP32 FMA peak (GFLOP/s) over `threads` threads, from a native FMA loop.");
}
