// ctest for the shear rheologies: mu(s) against the closed forms of each body, its limits
// s -> 0 and s -> inf, the Burgers body's Maxwell and standard-linear-solid limits, and
// validation messages that name the field.
#include <cmath>
#include <complex>
#include <limits>
#include <stdexcept>

#include "check.hpp"
#include "viscoann/rheology.hpp"

using viscoann::Rheology;
using cplx = std::complex<double>;

static const double inf = std::numeric_limits<double>::infinity();

static double rel(cplx a, cplx b) { return std::abs(a - b) / std::abs(b); }

// Laplace variables across the relaxation times of the bodies below (tau ~ 1e7..1e10 s), on
// and off the real axis (Talbot's contour reaches Re s < 0 away from the negative axis).
static const cplx kS[] = {cplx(1e-12, 0),    cplx(3e-10, 1e-10), cplx(1e-8, -4e-8),
                          cplx(-2e-9, 5e-9), cplx(1e-6, 0),      cplx(1e-3, 1e-3)};

static void test_closed_forms() {
    const double mu = 30e9, eta = 1e19, mu_K = 20e9, eta_K = 1e18;
    for (cplx s : kS) {
        // Maxwell: mu eta s / (mu + eta s); SLS: mu_M (mu_K + eta_K s) / (mu_M + mu_K + eta_K s).
        CHECK_NEAR(rel(Rheology::maxwell(mu, eta).shear_modulus(s), mu * eta * s / (mu + eta * s)),
                   0.0, 1e-14);
        CHECK_NEAR(rel(Rheology::standard_linear_solid(mu, mu_K, eta_K).shear_modulus(s),
                       mu * (mu_K + eta_K * s) / (mu + mu_K + eta_K * s)),
                   0.0, 1e-14);
        // Burgers: the series compliance of both elements.
        const cplx J = 1.0 / mu + 1.0 / (eta * s) + 1.0 / (mu_K + eta_K * s);
        CHECK_NEAR(rel(Rheology::burgers(mu, eta, mu_K, eta_K).shear_modulus(s), 1.0 / J), 0.0,
                   1e-14);
    }
}

static void test_limits() {
    const Rheology b = Rheology::burgers(30e9, 1e19, 20e9, 1e18);
    // s -> inf: the unrelaxed spring mu_M; s -> 0: the Maxwell dashpot flows, mu ~ eta_M s.
    CHECK_NEAR(rel(b.shear_modulus(cplx(1e6, 0)), 30e9), 0.0, 1e-9);
    const cplx s0(1e-20, 0);
    CHECK_NEAR(rel(b.shear_modulus(s0), 1e19 * s0), 0.0, 1e-8);
    CHECK(b.relaxed_modulus() == 0.0);
    // The standard linear solid relaxes to the series springs mu_M mu_K / (mu_M + mu_K).
    const Rheology sls = Rheology::standard_linear_solid(30e9, 20e9, 1e18);
    CHECK_NEAR(sls.shear_modulus(cplx(1e-20, 0)).real(), 12e9, 1e-9 * 12e9);
    CHECK_NEAR(sls.relaxed_modulus(), 12e9, 1e-6);
    CHECK_NEAR(rel(sls.shear_modulus(cplx(1e6, 0)), 30e9), 0.0, 1e-9);
}

static void test_burgers_special_cases() {
    // eta_K = inf is Maxwell; eta_M = inf the standard linear solid (relaxed modulus
    // mu_M mu_K / (mu_M + mu_K)); both infinite elastic. Very large finite viscosities approach
    // the same limits continuously.
    const double mu_M = 30e9, eta_M = 1e19, mu_K = 30e9, eta_K = 1e18;
    const Rheology maxwell = Rheology::maxwell(mu_M, eta_M);
    const Rheology sls = Rheology::standard_linear_solid(mu_M, mu_K, eta_K);
    for (cplx s : kS) {
        CHECK(Rheology::burgers(mu_M, eta_M, mu_K, inf).shear_modulus(s) ==
              maxwell.shear_modulus(s));
        CHECK(Rheology::burgers(mu_M, inf, mu_K, eta_K).shear_modulus(s) == sls.shear_modulus(s));
        CHECK_NEAR(rel(Rheology::burgers(mu_M, eta_M, mu_K, 1e45).shear_modulus(s),
                       maxwell.shear_modulus(s)),
                   0.0, 1e-12);
        CHECK_NEAR(
            rel(Rheology::burgers(mu_M, 1e45, mu_K, eta_K).shear_modulus(s), sls.shear_modulus(s)),
            0.0, 1e-12);
    }
    CHECK_NEAR(Rheology::burgers(mu_M, inf, mu_K, eta_K).relaxed_modulus(),
               mu_M * mu_K / (mu_M + mu_K), 1e-6);
    CHECK(!Rheology::burgers(mu_M, inf, mu_K, eta_K).is_elastic());
    CHECK(Rheology::burgers(mu_M, inf, mu_K, inf).is_elastic());
}

static void test_elastic_never_relaxes() {
    const Rheology e = Rheology::elastic(25e9);
    CHECK(e.is_elastic());
    CHECK(e.relaxed_modulus() == 25e9);
    for (cplx s : kS) CHECK(e.shear_modulus(s) == cplx(25e9, 0.0));
    CHECK(e.shear_modulus(cplx(1e-300, 0)) == cplx(25e9, 0.0));
}

static void test_validation() {
    CHECK_THROWS(Rheology::elastic(-1.0).validate("layer"), std::invalid_argument, "layer.mu_M");
    CHECK_THROWS(Rheology::elastic(inf).validate("h"), std::invalid_argument, "h.mu_M = inf");
    CHECK_THROWS(Rheology::maxwell(30e9, 0.0).validate("h"), std::invalid_argument, "h.eta_M");
    CHECK_THROWS(Rheology::maxwell(30e9, std::nan("")).validate("h"), std::invalid_argument,
                 "h.eta_M");
    CHECK_THROWS(Rheology::burgers(30e9, 1e19, inf, 1e18).validate("h"), std::invalid_argument,
                 "h.mu_K");
    CHECK_THROWS(Rheology::burgers(30e9, 1e19, 30e9, -1.0).validate("h"), std::invalid_argument,
                 "h.eta_K");
    Rheology::burgers(30e9, inf, inf, inf).validate("h");  // elastic written as Burgers is fine
}

int main() {
    test_closed_forms();
    test_limits();
    test_burgers_special_cases();
    test_elastic_never_relaxes();
    test_validation();
    return check::report();
}
