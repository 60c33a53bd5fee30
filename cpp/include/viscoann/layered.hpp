// A horizontally layered Earth: N layers over a half-space, each with an elastic bulk modulus
// and a shear rheology; Laplace-domain moduli by the correspondence principle.
#pragma once

#include <complex>
#include <vector>

#include "viscoann/config.hpp"
#include "viscoann/rheology.hpp"

namespace viscoann {

/// Complex Lamé moduli of one layer at one Laplace variable s [Pa].
struct Moduli {
    std::complex<double> mu, lam;
};

/// One layer: thickness [m] (ignored for the half-space), unrelaxed Lamé lambda [Pa] and the
/// shear rheology. The bulk modulus K = lam + 2 mu_M/3 stays elastic, so
/// lambda(s) = K - 2 mu(s)/3.
struct VISCOANN_API Layer {
    double thickness = 0.0;
    double lam = 0.0;
    Rheology rheology;

    double bulk_modulus() const noexcept { return lam + 2.0 * rheology.mu_M / 3.0; }
    Moduli moduli(std::complex<double> s) const noexcept;
    Moduli unrelaxed() const noexcept { return {rheology.mu_M, lam}; }
};

/// Layers from the free surface down, over a half-space.
struct VISCOANN_API EarthModel {
    std::vector<Layer> layers;
    Layer halfspace;

    /// Throws std::invalid_argument naming the layer and field (thickness must be finite
    /// > 0, the bulk modulus > 0, the rheology valid).
    void validate() const;
    /// Depth of the bottom of layer i [m] (i < layers.size()).
    double interface_depth(std::size_t i) const noexcept;
    /// Total thickness of the layers above the half-space [m].
    double stack_thickness() const noexcept;
    /// Index of the layer containing depth z (layers.size() for the half-space); a depth on
    /// an interface belongs to the layer above.
    std::size_t layer_at(double z) const noexcept;
    /// The seed paper's model: 15 km elastic layer (mu = lambda = 30 GPa) over a Burgers
    /// half-space (mu_M = mu_K = 30 GPa, eta_M, eta_K; lambda = 30 GPa unrelaxed).
    static EarthModel canonical(double eta_M, double eta_K);
};

}  // namespace viscoann
