// Laplace-domain shear modulus of the Burgers body and its special cases (docs/design.md §3).
#include "viscoann/rheology.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace viscoann {

namespace {
void require(bool ok, const char* what, const char* field, double value, const char* range) {
    if (ok) return;
    std::ostringstream msg;
    msg << what << "." << field << " = " << value << " is invalid; allowed: " << range;
    throw std::invalid_argument(msg.str());
}
}  // namespace

void Rheology::validate(const char* what) const {
    require(std::isfinite(mu_M) && mu_M > 0, what, "mu_M", mu_M, "finite > 0 Pa");
    require(!std::isnan(eta_M) && eta_M > 0, what, "eta_M", eta_M, "> 0 Pa s (inf allowed)");
    require(!std::isnan(eta_K) && eta_K > 0, what, "eta_K", eta_K, "> 0 Pa s (inf allowed)");
    require(!std::isnan(mu_K) && mu_K > 0 && (std::isfinite(mu_K) || std::isinf(eta_K)), what,
            "mu_K", mu_K, "finite > 0 Pa (inf only with eta_K = inf)");
}

bool Rheology::is_elastic() const noexcept { return std::isinf(eta_M) && std::isinf(eta_K); }

std::complex<double> Rheology::shear_modulus(std::complex<double> s) const noexcept {
    std::complex<double> compliance = 1.0 / mu_M;
    if (std::isfinite(eta_M)) compliance += 1.0 / (eta_M * s);
    if (std::isfinite(eta_K)) compliance += 1.0 / (mu_K + eta_K * s);
    return 1.0 / compliance;
}

double Rheology::relaxed_modulus() const noexcept {
    if (std::isfinite(eta_M)) return 0.0;
    if (std::isfinite(eta_K)) return mu_M * mu_K / (mu_M + mu_K);
    return mu_M;
}

}  // namespace viscoann
