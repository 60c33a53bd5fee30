// The layered Earth model: validation, depths, Laplace-domain moduli (correspondence principle).
#include "viscoann/layered.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace viscoann {

Moduli Layer::moduli(std::complex<double> s) const noexcept {
    const std::complex<double> mu = rheology.shear_modulus(s);
    return {mu, bulk_modulus() - 2.0 * mu / 3.0};
}

void EarthModel::validate() const {
    auto check_layer = [](const Layer& l, const std::string& name, bool half) {
        if (!half && !(std::isfinite(l.thickness) && l.thickness > 0)) {
            std::ostringstream m;
            m << name << ".thickness = " << l.thickness << " is invalid; allowed: finite > 0 m";
            throw std::invalid_argument(m.str());
        }
        l.rheology.validate((name + ".rheology").c_str());
        if (!std::isfinite(l.lam) || !(l.bulk_modulus() > 0)) {
            std::ostringstream m;
            m << name << ".lam = " << l.lam
              << " is invalid; allowed: finite with bulk modulus lam + 2 mu/3 > 0 Pa";
            throw std::invalid_argument(m.str());
        }
    };
    for (std::size_t i = 0; i < layers.size(); ++i)
        check_layer(layers[i], "layers[" + std::to_string(i) + "]", false);
    check_layer(halfspace, "halfspace", true);
}

double EarthModel::interface_depth(std::size_t i) const noexcept {
    double z = 0.0;
    for (std::size_t j = 0; j <= i && j < layers.size(); ++j) z += layers[j].thickness;
    return z;
}

double EarthModel::stack_thickness() const noexcept {
    double z = 0.0;
    for (const auto& l : layers) z += l.thickness;
    return z;
}

std::size_t EarthModel::layer_at(double z) const noexcept {
    double top = 0.0;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        if (z <= top + layers[i].thickness) return i;
        top += layers[i].thickness;
    }
    return layers.size();
}

EarthModel EarthModel::canonical(double eta_M, double eta_K) {
    EarthModel m;
    m.layers.push_back({15e3, 30e9, Rheology::elastic(30e9)});
    m.halfspace = {0.0, 30e9, Rheology::burgers(30e9, eta_M, 30e9, eta_K)};
    m.validate();
    return m;
}

}  // namespace viscoann
