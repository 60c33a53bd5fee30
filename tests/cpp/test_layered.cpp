// ctest for the layered Earth model: validation names the layer and field, depths and the
// layer lookup at interfaces, the elastic bulk modulus under the correspondence principle.
#include <cmath>
#include <complex>
#include <limits>
#include <stdexcept>

#include "check.hpp"
#include "viscoann/layered.hpp"

using namespace viscoann;
using cplx = std::complex<double>;

static const double inf = std::numeric_limits<double>::infinity();

static EarthModel three_layers() {
    EarthModel m;
    m.layers.push_back({10e3, 25e9, Rheology::elastic(20e9)});
    m.layers.push_back({20e3, 40e9, Rheology::maxwell(35e9, 1e19)});
    m.layers.push_back({5e3, 30e9, Rheology::standard_linear_solid(50e9, 20e9, 1e18)});
    m.halfspace = {0.0, 60e9, Rheology::burgers(60e9, 3e19, 40e9, 2e18)};
    return m;
}

static void test_validation() {
    three_layers().validate();
    EarthModel m = three_layers();
    m.layers[1].thickness = 0.0;
    CHECK_THROWS(m.validate(), std::invalid_argument, "layers[1].thickness = 0");
    m = three_layers();
    m.layers[2].thickness = inf;
    CHECK_THROWS(m.validate(), std::invalid_argument, "layers[2].thickness = inf");
    m = three_layers();
    m.layers[0].lam = -20e9;  // bulk modulus lam + 2 mu/3 < 0
    CHECK_THROWS(m.validate(), std::invalid_argument, "layers[0].lam = -2e+10");
    m = three_layers();
    m.halfspace.lam = std::nan("");
    CHECK_THROWS(m.validate(), std::invalid_argument, "halfspace.lam");
    m = three_layers();
    m.layers[1].rheology.eta_M = -1.0;
    CHECK_THROWS(m.validate(), std::invalid_argument, "layers[1].rheology.eta_M");
    m = three_layers();
    m.halfspace.rheology.mu_K = inf;
    CHECK_THROWS(m.validate(), std::invalid_argument, "halfspace.rheology.mu_K");
    m = three_layers();
    m.halfspace.thickness = -5.0;  // ignored for the half-space
    m.validate();
    CHECK_THROWS(EarthModel::canonical(1e19, 0.0), std::invalid_argument, "eta_K");
}

static void test_depths_and_lookup() {
    const EarthModel m = three_layers();
    CHECK(m.interface_depth(0) == 10e3 && m.interface_depth(1) == 30e3 &&
          m.interface_depth(2) == 35e3);
    CHECK(m.stack_thickness() == 35e3);
    // A depth on an interface belongs to the layer above; just below, to the one below.
    CHECK(m.layer_at(1.0) == 0);
    CHECK(m.layer_at(10e3) == 0);
    CHECK(m.layer_at(std::nextafter(10e3, inf)) == 1);
    CHECK(m.layer_at(30e3) == 1);
    CHECK(m.layer_at(35e3) == 2);
    CHECK(m.layer_at(std::nextafter(35e3, inf)) == 3);  // the half-space
    CHECK(m.layer_at(1e6) == 3);
    EarthModel h;
    h.halfspace = {0.0, 30e9, Rheology::elastic(30e9)};
    CHECK(h.layer_at(5e3) == 0 && h.stack_thickness() == 0.0);
}

static void test_moduli() {
    // Correspondence principle with an elastic bulk modulus: lam(s) + 2 mu(s)/3 = K at every s;
    // unrelaxed moduli at s -> inf.
    const EarthModel m = three_layers();
    for (const Layer* l : {&m.layers[1], &m.layers[2], &m.halfspace})
        for (cplx s : {cplx(1e-10, 3e-10), cplx(2e-8, -1e-8), cplx(1e-12, 0)}) {
            const Moduli q = l->moduli(s);
            CHECK_NEAR(std::abs(q.lam + 2.0 * q.mu / 3.0 - l->bulk_modulus()), 0.0,
                       1e-15 * l->bulk_modulus());
            CHECK_NEAR(std::abs(q.mu - l->rheology.shear_modulus(s)), 0.0, 0.0);
        }
    const Moduli hi = m.layers[1].moduli(cplx(1e8, 0)), u = m.layers[1].unrelaxed();
    CHECK_NEAR(std::abs(hi.mu - u.mu), 0.0, 1e-9 * std::abs(u.mu));
    CHECK_NEAR(std::abs(hi.lam - u.lam), 0.0, 1e-9 * std::abs(u.lam));
    // The seed's model.
    const EarthModel c = EarthModel::canonical(1e19, 1e18);
    CHECK(c.layers.size() == 1 && c.layers[0].thickness == 15e3 && c.layers[0].lam == 30e9);
    CHECK(c.layers[0].rheology.is_elastic() && c.halfspace.rheology.eta_M == 1e19 &&
          c.halfspace.rheology.eta_K == 1e18 && c.halfspace.rheology.mu_K == 30e9);
}

int main() {
    test_validation();
    test_depths_and_lookup();
    test_moduli();
    return check::report();
}
