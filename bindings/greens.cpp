// Bindings for viscoann/greens.hpp and layered.hpp: numpy <-> pointers, GIL released.
#include "viscoann/greens.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "bind.hpp"

namespace py = pybind11;
using Arr = py::array_t<double, py::array::c_style | py::array::forcecast>;

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
                                int threads, bool subtract, bool velocity) {
    viscoann::GreensOptions o;
    o.velocity = velocity;
    o.subtract_homogeneous = subtract;
    o.talbot_nodes = talbot_nodes;
    o.k_refine = k_refine;
    o.r_refine = r_refine;
    o.dense = dense;
    o.threads = threads;
    return o;
}

void bind_greens(py::module_& m) {
    m.def(
        "canonical_displacement",
        [](Arr thickness, Arr lam, Arr mu_M, Arr eta_M, Arr mu_K, Arr eta_K, double depth, Arr x,
           Arr y, Arr t, int talbot_nodes, double k_refine, double r_refine, bool dense,
           int threads, bool subtract_homogeneous, bool velocity) {
            const auto model = to_model(thickness, lam, mu_M, eta_M, mu_K, eta_K);
            const auto n = static_cast<std::size_t>(x.size());
            if (static_cast<std::size_t>(y.size()) != n || static_cast<std::size_t>(t.size()) != n)
                throw std::invalid_argument("x, y, t must have equal length");
            py::array_t<double> out({static_cast<py::ssize_t>(n), py::ssize_t{3}});
            const auto o = options(talbot_nodes, k_refine, r_refine, dense, threads,
                                   subtract_homogeneous, velocity);
            double* po = out.mutable_data();
            {
                py::gil_scoped_release release;
                viscoann::canonical_displacement(model, depth, n, x.data(), y.data(), t.data(), po,
                                                 o);
            }
            return out;
        },
        py::arg("thickness"), py::arg("lam"), py::arg("mu_M"), py::arg("eta_M"), py::arg("mu_K"),
        py::arg("eta_K"), py::arg("depth"), py::arg("x"), py::arg("y"), py::arg("t"),
        py::arg("talbot_nodes") = 20, py::arg("k_refine") = 1.0, py::arg("r_refine") = 1.0,
        py::arg("dense") = false, py::arg("threads") = 0, py::arg("subtract_homogeneous") = true,
        py::arg("velocity") = false,
        "Canonical-source surface displacement (N, 3) in a layered model (see viscoann.exact); "
        "velocity=True: d/dt [m/s] from the Laplace domain.");
    m.def(
        "point_source_displacement",
        [](Arr thickness, Arr lam, Arr mu_M, Arr eta_M, Arr mu_K, Arr eta_K, double depth, Arr x,
           Arr y, Arr t, py::object dip, py::object potency, py::object potency_tensor,
           int talbot_nodes, double k_refine, double r_refine, bool dense, int threads,
           bool subtract_homogeneous, bool velocity) {
            const auto model = to_model(thickness, lam, mu_M, eta_M, mu_K, eta_K);
            const auto n = static_cast<std::size_t>(x.size());
            if (static_cast<std::size_t>(y.size()) != n || static_cast<std::size_t>(t.size()) != n)
                throw std::invalid_argument("x, y, t must have equal length");
            // Either Okada's (dip, potency[4]) or potency_tensor[6] = (xx, yy, zz, xy, xz, yz).
            const bool okada = !potency.is_none(), tensor = !potency_tensor.is_none();
            if (okada == tensor || okada == dip.is_none())
                throw std::invalid_argument(
                    "give either dip and potency (4 values) or potency_tensor (6 values)");
            Arr pot = py::cast<Arr>(okada ? potency : potency_tensor);
            if (okada && pot.size() != 4) throw std::invalid_argument("potency must have 4 values");
            if (tensor && pot.size() != 6)
                throw std::invalid_argument(
                    "potency_tensor must have 6 values (xx, yy, zz, xy, xz, yz)");
            const double dip_deg = okada ? py::cast<double>(dip) : 0.0;
            py::array_t<double> out({static_cast<py::ssize_t>(n), py::ssize_t{3}});
            const auto o = options(talbot_nodes, k_refine, r_refine, dense, threads,
                                   subtract_homogeneous, velocity);
            double* po = out.mutable_data();
            const double* p = pot.data();
            {
                py::gil_scoped_release release;
                if (okada) {
                    viscoann::point_source_displacement(model, depth, dip_deg, p, n, x.data(),
                                                        y.data(), t.data(), po, o);
                } else {
                    const viscoann::PotencyTensor pt{p[0], p[1], p[2], p[3], p[4], p[5]};
                    viscoann::point_source_displacement(model, depth, pt, n, x.data(), y.data(),
                                                        t.data(), po, o);
                }
            }
            return out;
        },
        py::arg("thickness"), py::arg("lam"), py::arg("mu_M"), py::arg("eta_M"), py::arg("mu_K"),
        py::arg("eta_K"), py::arg("depth"), py::arg("x"), py::arg("y"), py::arg("t"), py::kw_only(),
        py::arg("dip") = py::none(), py::arg("potency") = py::none(),
        py::arg("potency_tensor") = py::none(), py::arg("talbot_nodes") = 20,
        py::arg("k_refine") = 1.0, py::arg("r_refine") = 1.0, py::arg("dense") = false,
        py::arg("threads") = 0, py::arg("subtract_homogeneous") = true, py::arg("velocity") = false,
        "Point-source surface displacement (N, 3) in a layered model: Okada's (dip, potency) or "
        "potency_tensor (xx, yy, zz, xy, xz, yz) [m^3], x east, y north, z up; velocity=True: "
        "d/dt [m/s] from the Laplace domain.");
    m.def(
        "elementary_tables",
        [](Arr thickness, Arr lam, Arr mu_M, Arr eta_M, Arr mu_K, Arr eta_K, double depth,
           double r_max, Arr times, int talbot_nodes, double k_refine, double r_refine, int threads,
           bool velocity, double spacing) {
            const auto model = to_model(thickness, lam, mu_M, eta_M, mu_K, eta_K);
            const auto o =
                options(talbot_nodes, k_refine, r_refine, false, threads, true, velocity);
            const auto nt = static_cast<std::size_t>(times.size());
            viscoann::ElementaryTables t;
            {
                py::gil_scoped_release release;
                t = viscoann::elementary_tables(model, depth, r_max, nt, times.data(), o, spacing);
            }
            const auto snt = static_cast<py::ssize_t>(nt), snr = static_cast<py::ssize_t>(t.n_r);
            py::array_t<double> g({snt, snr, py::ssize_t{10}});
            std::copy(t.g.begin(), t.g.end(), g.mutable_data());
            auto vec = [](const std::vector<double>& v) {
                py::array_t<double> a(static_cast<py::ssize_t>(v.size()));
                std::copy(v.begin(), v.end(), a.mutable_data());
                return a;
            };
            py::dict d;
            d["depth"] = t.depth;
            d["h"] = t.h;
            d["times"] = vec(t.times);
            d["g"] = g;
            d["r"] = vec(t.r);
            d["kappa"] = vec(t.kappa);
            d["kappa_r"] = vec(t.kappa_r);
            d["constant"] = t.constant;
            return d;
        },
        py::arg("thickness"), py::arg("lam"), py::arg("mu_M"), py::arg("eta_M"), py::arg("mu_K"),
        py::arg("eta_K"), py::arg("depth"), py::arg("r_max"), py::arg("times"),
        py::arg("talbot_nodes") = 20, py::arg("k_refine") = 1.0, py::arg("r_refine") = 1.0,
        py::arg("threads") = 0, py::arg("velocity") = false, py::arg("spacing") = 0.0,
        "Radial tables of the elementary sources at one depth for all times (a dict of arrays: "
        "depth, h, times, g (T, n_r, 10), r, kappa, kappa_r, constant); spacing > 0 sets h.");
    m.def(
        "depth_field",
        [](Arr thickness, Arr lam, Arr mu_M, Arr eta_M, Arr mu_K, Arr eta_K, double depth,
           Arr potency_tensors, Arr x, Arr y, Arr z, Arr times, int talbot_nodes, double k_refine,
           double r_refine, bool dense, int threads, bool homogeneous) {
            const auto model = to_model(thickness, lam, mu_M, eta_M, mu_K, eta_K);
            if (potency_tensors.ndim() != 2 || potency_tensors.shape(1) != 6)
                throw std::invalid_argument(
                    "potency_tensors must have shape (m, 6): xx, yy, zz, xy, xz, yz");
            const auto ms = static_cast<std::size_t>(potency_tensors.shape(0));
            if (x.ndim() != 2 || y.ndim() != 2 || x.shape(0) != potency_tensors.shape(0) ||
                y.shape(0) != x.shape(0) || y.shape(1) != x.shape(1) || z.ndim() != 1 ||
                z.shape(0) != x.shape(1))
                throw std::invalid_argument("x and y must have shape (m, n), z shape (n,)");
            const auto n = static_cast<std::size_t>(x.shape(1));
            const auto nt = static_cast<std::size_t>(times.size());
            std::vector<viscoann::PotencyTensor> pt(ms);
            const double* p = potency_tensors.data();
            for (std::size_t q = 0; q < ms; ++q)
                pt[q] = {p[6 * q],     p[6 * q + 1], p[6 * q + 2],
                         p[6 * q + 3], p[6 * q + 4], p[6 * q + 5]};
            const auto snt = static_cast<py::ssize_t>(nt), sm = static_cast<py::ssize_t>(ms),
                       sn = static_cast<py::ssize_t>(n);
            py::array_t<double> u({snt, sm, sn, py::ssize_t{3}});
            py::array_t<double> g({snt, sm, sn, py::ssize_t{3}, py::ssize_t{3}});
            py::array_t<double> st({snt, sm, sn, py::ssize_t{3}, py::ssize_t{3}});
            const auto o = options(talbot_nodes, k_refine, r_refine, dense, threads);
            double *pu = u.mutable_data(), *pg = g.mutable_data(), *ps = st.mutable_data();
            {
                py::gil_scoped_release release;
                viscoann::point_sources_at_depth(model, depth, ms, pt.data(), n, x.data(), y.data(),
                                                 z.data(), nt, times.data(), pu, pg, ps, o,
                                                 homogeneous);
            }
            py::dict d;
            d["u"] = u;
            d["grad"] = g;
            d["stress"] = st;
            return d;
        },
        py::arg("thickness"), py::arg("lam"), py::arg("mu_M"), py::arg("eta_M"), py::arg("mu_K"),
        py::arg("eta_K"), py::arg("depth"), py::arg("potency_tensors"), py::arg("x"), py::arg("y"),
        py::arg("z"), py::arg("times"), py::arg("talbot_nodes") = 20, py::arg("k_refine") = 1.0,
        py::arg("r_refine") = 1.0, py::arg("dense") = false, py::arg("threads") = 0,
        py::arg("homogeneous") = true,
        "Field at depth of m point sources at one depth, potency tensors (m, 6) [m^3], at "
        "receivers with offsets x, y (m, n) from each epicentre and heights z (n,) <= 0 [m]: a "
        "dict u (T, m, n, 3) [m], grad (T, m, n, 3, 3) du_a/dx_b, stress (T, m, n, 3, 3) [Pa]; "
        "x east, y north, z up; per source, not summed.");
    m.def(
        "depth_factors",
        [](Arr thickness, Arr lam, Arr mu_M, Arr eta_M, Arr mu_K, Arr eta_K, Arr times,
           int talbot_nodes) {
            const auto model = to_model(thickness, lam, mu_M, eta_M, mu_K, eta_K);
            const auto nt = static_cast<py::ssize_t>(times.size());
            py::array_t<double> f({nt, py::ssize_t{6}}), mf({nt, py::ssize_t{6}}),
                lf({nt, py::ssize_t{6}});
            viscoann::GreensOptions o;
            o.talbot_nodes = talbot_nodes;
            viscoann::homogeneous_depth_factors(model.halfspace, times.size(), times.data(),
                                                f.mutable_data(), mf.mutable_data(),
                                                lf.mutable_data(), o);
            return py::make_tuple(f, mf, lf);
        },
        py::arg("thickness"), py::arg("lam"), py::arg("mu_M"), py::arg("eta_M"), py::arg("mu_K"),
        py::arg("eta_K"), py::arg("times"), py::arg("talbot_nodes") = 20,
        "Time factors (f, mu_f, lam_f), each (T, 6), of the half-space material (the last "
        "column entry) for the homogeneous field at depth (viscoann/greens.hpp).");
    m.def(
        "tables_displacement",
        [](double depth, double h, Arr times, const std::vector<Arr>& g, Arr weights, Arr r,
           Arr kappa, Arr kappa_r, double constant, Arr potency_tensors, Arr x, Arr y,
           bool homogeneous, int threads) {
            if (potency_tensors.ndim() != 2 || potency_tensors.shape(1) != 6)
                throw std::invalid_argument(
                    "potency_tensors must have shape (m, 6): xx, yy, zz, xy, xz, yz");
            const auto n_src = static_cast<std::size_t>(potency_tensors.shape(0));
            if (x.ndim() != 2 || y.ndim() != 2 || x.shape(0) != potency_tensors.shape(0) ||
                y.shape(0) != x.shape(0) || y.shape(1) != x.shape(1))
                throw std::invalid_argument("x and y must have shape (m, n)");
            const auto n = static_cast<std::size_t>(x.shape(1));
            if (g.empty() || static_cast<std::size_t>(weights.size()) != g.size())
                throw std::invalid_argument("g: one or more tables, one weight each");
            std::vector<const double*> gp;
            for (const Arr& gk : g) {
                if (gk.ndim() != 3 || gk.shape(0) != times.size() || gk.shape(2) != 10 ||
                    gk.shape(1) != g[0].shape(1))
                    throw std::invalid_argument("g must have shape (n_times, n_r, 10) each");
                gp.push_back(gk.data());
            }
            // Everything but g: the tables are read in place (tens of MB each).
            viscoann::ElementaryTables t;
            t.depth = depth;
            t.h = h;
            t.n_r = static_cast<std::size_t>(g[0].shape(1));
            t.times.assign(times.data(), times.data() + times.size());
            t.r.assign(r.data(), r.data() + r.size());
            t.kappa.assign(kappa.data(), kappa.data() + kappa.size());
            t.kappa_r.assign(kappa_r.data(), kappa_r.data() + kappa_r.size());
            t.constant = constant;
            std::vector<viscoann::PotencyTensor> pt(n_src);
            const double* p = potency_tensors.data();
            for (std::size_t q = 0; q < n_src; ++q)
                pt[q] = {p[6 * q],     p[6 * q + 1], p[6 * q + 2],
                         p[6 * q + 3], p[6 * q + 4], p[6 * q + 5]};
            py::array_t<double> out({static_cast<py::ssize_t>(t.times.size()),
                                     static_cast<py::ssize_t>(n), py::ssize_t{3}});
            double* po = out.mutable_data();
            {
                py::gil_scoped_release release;
                viscoann::tables_displacement_mixed(t, gp.size(), gp.data(), weights.data(), n_src,
                                                    pt.data(), n, x.data(), y.data(), po,
                                                    homogeneous, threads);
            }
            return out;
        },
        py::arg("depth"), py::arg("h"), py::arg("times"), py::arg("g"), py::arg("weights"),
        py::arg("r"), py::arg("kappa"), py::arg("kappa_r"), py::arg("constant"),
        py::arg("potency_tensors"), py::arg("x"), py::arg("y"), py::arg("homogeneous") = true,
        py::arg("threads") = 0,
        "Field (T, n, 3) of m point sources at the tables' depth from the weighted sum of "
        "tables g (each (T, n_r, 10); one table with weight 1 is the plain case), potency "
        "tensors (m, 6) = (xx, yy, zz, xy, xz, yz) [m^3], superposed at points whose offsets "
        "from each source are x, y (m, n) [m]; homogeneous=False: the layered remainder only.");
    m.def(
        "okada_potency",
        [](double dip, Arr potency, double mu, double lam) {
            if (potency.size() != 4) throw std::invalid_argument("potency must have 4 values");
            const auto p = viscoann::okada_potency_tensor(dip, potency.data(), mu, lam);
            return py::make_tuple(p.xx, p.yy, p.zz, p.xy, p.xz, p.yz);
        },
        py::arg("dip"), py::arg("potency"), py::arg("mu"), py::arg("lam"),
        "Okada's DC3D0 potencies on a plane striking along +x with dip [deg] as a potency "
        "tensor (xx, yy, zz, xy, xz, yz) [m^3] (inflation: moment pot4 mu I with the unrelaxed "
        "moduli mu, lam [Pa]).");
    m.def(
        "seed_grid",
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
                viscoann::seed_grid(n, x.data(), y.data(), nd, depths.data(), nt, times.data(), ne,
                                    eta_M.data(), eta_K.data(), po, o, &st);
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
        "The seed's case on a grid: ((E, D, T, P, 3) array, stage seconds).");
    m.def(
        "canonical_from_radial",
        [](Arr x, Arr y, Arr g) {
            const auto n = static_cast<std::size_t>(x.size());
            if (static_cast<std::size_t>(y.size()) != n || g.ndim() < 1 ||
                g.shape(g.ndim() - 1) != 3 ||
                (n > 0 && static_cast<std::size_t>(g.size()) % (3 * n) != 0) ||
                (n == 0 && g.size() != 0))
                throw std::invalid_argument(
                    "g must have shape (..., N, 3) with N = len(x) = len(y)");
            py::array_t<double> out(std::vector<py::ssize_t>(g.shape(), g.shape() + g.ndim()));
            const std::size_t sets = n > 0 ? static_cast<std::size_t>(g.size()) / (3 * n) : 0;
            viscoann::canonical_from_radial(n, x.data(), y.data(), sets, g.data(),
                                            out.mutable_data());
            return out;
        },
        py::arg("x"), py::arg("y"), py::arg("g"),
        "The canonical source's (ux, uy, uz) (..., N, 3) from its radial functions g (..., N, 3).");
}
