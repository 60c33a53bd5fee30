// Bindings for viscoann/okada.hpp: 1-D float64 columns (length n, or 1 to broadcast) in,
// u (n, 3), g (n, 3, 3) and flags (n,) out; the GIL is released around the evaluation.
#include "viscoann/okada.hpp"

#include <pybind11/numpy.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bind.hpp"

namespace py = pybind11;
using Arr = py::array_t<double, py::array::c_style | py::array::forcecast>;

namespace {

// Column over a 1-D array of length n (stride 1) or 1 (stride 0).
viscoann::Column column(const char* name, const Arr& a, std::size_t n) {
    if (a.ndim() != 1) throw std::invalid_argument(std::string(name) + " must be 1-D");
    const auto m = static_cast<std::size_t>(a.shape(0));
    if (m != n && m != 1)
        throw std::invalid_argument(std::string(name) + " has length " + std::to_string(m) +
                                    ", expected " + std::to_string(n) + " or 1");
    return {a.data(), m == 1 ? std::size_t{0} : std::size_t{1}};
}

std::size_t length(std::initializer_list<const Arr*> arrays) {
    std::size_t n = 1;
    for (const Arr* a : arrays)
        if (a->ndim() == 1 && static_cast<std::size_t>(a->shape(0)) != 1)
            n = static_cast<std::size_t>(a->shape(0));
    return n;
}

// Output arrays of one Okada call: u (n, 3), flags (n,), and g (n, 3, 3) when asked for.
struct Outputs {
    py::array_t<double> u;
    py::array_t<std::uint8_t> flags;
    py::object g = py::none();
    double* g_data = nullptr;
    Outputs(std::size_t n, bool gradients)
        : u({static_cast<py::ssize_t>(n), py::ssize_t{3}}), flags(static_cast<py::ssize_t>(n)) {
        if (gradients) {
            py::array_t<double> ga({static_cast<py::ssize_t>(n), py::ssize_t{3}, py::ssize_t{3}});
            g_data = ga.mutable_data();
            g = ga;
        }
    }
    /// What the Python layer unpacks: (u, g or None, flags, number of singular points).
    py::tuple result(std::size_t singular) const { return py::make_tuple(u, g, flags, singular); }
};

}  // namespace

void bind_okada(py::module_& m) {
    m.def(
        "okada_point",
        [](const Arr& x, const Arr& y, const Arr& z, const Arr& depth, const Arr& dip,
           const Arr& pot1, const Arr& pot2, const Arr& pot3, const Arr& pot4, const Arr& alpha,
           bool gradients, int threads) {
            const std::size_t n =
                length({&x, &y, &z, &depth, &dip, &pot1, &pot2, &pot3, &pot4, &alpha});
            const viscoann::OkadaPoints pts{column("x", x, n), column("y", y, n),
                                            column("z", z, n)};
            const viscoann::OkadaPointSources src{
                column("depth", depth, n), column("dip", dip, n),   column("pot1", pot1, n),
                column("pot2", pot2, n),   column("pot3", pot3, n), column("pot4", pot4, n),
                column("alpha", alpha, n)};
            Outputs out(n, gradients);
            double *up = out.u.mutable_data(), *gp = out.g_data;
            std::uint8_t* fp = out.flags.mutable_data();
            std::size_t singular;
            {
                py::gil_scoped_release release;
                singular = viscoann::okada_point(n, pts, src, up, gp, fp, threads);
            }
            return out.result(singular);
        },
        py::arg("x"), py::arg("y"), py::arg("z"), py::arg("depth"), py::arg("dip"), py::arg("pot1"),
        py::arg("pot2"), py::arg("pot3"), py::arg("pot4"), py::arg("alpha"), py::arg("gradients"),
        py::arg("threads"),
        "Okada DC3D0 on 1-D columns (length n or 1) -> (u (n,3), g (n,3,3) or None, flags, "
        "n_singular).");
    m.def(
        "okada_rectangle",
        [](const Arr& x, const Arr& y, const Arr& z, const Arr& depth, const Arr& dip,
           const Arr& al1, const Arr& al2, const Arr& aw1, const Arr& aw2, const Arr& d1,
           const Arr& d2, const Arr& d3, const Arr& alpha, bool gradients, int threads) {
            const std::size_t n =
                length({&x, &y, &z, &depth, &dip, &al1, &al2, &aw1, &aw2, &d1, &d2, &d3, &alpha});
            const viscoann::OkadaPoints pts{column("x", x, n), column("y", y, n),
                                            column("z", z, n)};
            const viscoann::OkadaRectSources src{
                column("depth", depth, n), column("dip", dip, n), column("al1", al1, n),
                column("al2", al2, n),     column("aw1", aw1, n), column("aw2", aw2, n),
                column("slip", d1, n),     column("slip", d2, n), column("slip", d3, n),
                column("alpha", alpha, n)};
            Outputs out(n, gradients);
            double *up = out.u.mutable_data(), *gp = out.g_data;
            std::uint8_t* fp = out.flags.mutable_data();
            std::size_t singular;
            {
                py::gil_scoped_release release;
                singular = viscoann::okada_rectangle(n, pts, src, up, gp, fp, threads);
            }
            return out.result(singular);
        },
        py::arg("x"), py::arg("y"), py::arg("z"), py::arg("depth"), py::arg("dip"), py::arg("al1"),
        py::arg("al2"), py::arg("aw1"), py::arg("aw2"), py::arg("disl1"), py::arg("disl2"),
        py::arg("disl3"), py::arg("alpha"), py::arg("gradients"), py::arg("threads"),
        "Okada DC3D on 1-D columns (length n or 1) -> (u (n,3), g (n,3,3) or None, flags, "
        "n_singular).");
    m.def(
        "okada_canonical_surface",
        [](const Arr& x, const Arr& y, const Arr& depth, double alpha, int threads) {
            const std::size_t n = length({&x, &y, &depth});
            const auto cx = column("x", x, n), cy = column("y", y, n),
                       cd = column("depth", depth, n);
            py::array_t<double> u({static_cast<py::ssize_t>(n), py::ssize_t{3}});
            double* up = u.mutable_data();
            {
                py::gil_scoped_release release;
                viscoann::okada_canonical_surface(n, cx, cy, cd, alpha, up, threads);
            }
            return u;
        },
        py::arg("x"), py::arg("y"), py::arg("depth"), py::arg("alpha"), py::arg("threads"),
        "Canonical source (dip 90, POT1 = 1 m^3) on the surface -> u (n, 3).");
}
