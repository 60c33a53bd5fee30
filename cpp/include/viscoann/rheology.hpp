// Shear rheologies of the layered Earth: the Burgers body and its special cases (elastic,
// Maxwell, standard linear solid), as Laplace-domain shear moduli (docs/design.md §3).
#pragma once

#include <complex>
#include <limits>

#include "viscoann/config.hpp"

namespace viscoann {

/// A Burgers body: a Maxwell element (mu_M [Pa], eta_M [Pa s]) in series with a Kelvin–Voigt
/// element (mu_K [Pa], eta_K [Pa s]); 1/mu(s) = 1/mu_M + 1/(eta_M s) + 1/(mu_K + eta_K s).
/// An infinite viscosity switches its dashpot off: eta_K = inf gives Maxwell, eta_M = inf the
/// standard linear solid (relaxed modulus mu_M mu_K/(mu_M + mu_K)), both infinite elastic.
/// The bulk modulus is purely elastic (see Layer).
struct VISCOANN_API Rheology {
    static constexpr double inf = std::numeric_limits<double>::infinity();
    double mu_M = 0.0;   ///< unrelaxed shear modulus [Pa], > 0 and finite
    double eta_M = inf;  ///< Maxwell viscosity [Pa s], > 0 (inf: no steady creep)
    double mu_K = inf;   ///< Kelvin–Voigt spring [Pa], > 0 (inf allowed only with eta_K = inf)
    double eta_K = inf;  ///< Kelvin–Voigt viscosity [Pa s], > 0 (inf: no transient creep)

    static Rheology elastic(double mu) { return {mu, inf, inf, inf}; }
    static Rheology maxwell(double mu, double eta) { return {mu, eta, inf, inf}; }
    static Rheology standard_linear_solid(double mu_M, double mu_K, double eta_K) {
        return {mu_M, inf, mu_K, eta_K};
    }
    static Rheology burgers(double mu_M, double eta_M, double mu_K, double eta_K) {
        return {mu_M, eta_M, mu_K, eta_K};
    }

    /// Throws std::invalid_argument naming `what` and the bad field when a parameter is NaN,
    /// non-positive, or infinite where that is not allowed.
    void validate(const char* what) const;
    /// True when neither dashpot is active (the shear modulus is mu_M at every s).
    bool is_elastic() const noexcept;
    /// Laplace-domain shear modulus mu(s) [Pa] for Re s > 0 (complex s off the negative axis).
    std::complex<double> shear_modulus(std::complex<double> s) const noexcept;
    /// Long-time (s -> 0) shear modulus [Pa]: 0 with a finite eta_M, else the series springs.
    double relaxed_modulus() const noexcept;
};

}  // namespace viscoann
