// Elementary point sources of the exact solver (viscoann/greens.hpp): the potency tensor, in
// the solver's frame (x east, y north, z up), SI units.
#pragma once

#include "viscoann/config.hpp"

namespace viscoann {

/// A symmetric potency tensor [m^3] in the frame x east, y north, z up (components xx, yy,
/// zz, xy, xz, yz; xy stands for xy = yx). Slip s [m] on a plane of area A [m^2] with unit
/// normal n is P = A (s nᵀ + n sᵀ)/2, and tr P = A s·n is the volume change. The solver's
/// source is a step in P at t = 0: its moment at each Laplace node is
/// M(s) = λ(s) tr(P) I + 2 μ(s) P with the source layer's moduli, so a source in a viscoelastic
/// layer keeps its slip (potency) while its moment relaxes. The canonical source (vertical
/// strike-slip along +x, left-lateral, unit potency) is xy = -1/2, all else 0.
struct PotencyTensor {
    double xx = 0.0, yy = 0.0, zz = 0.0, xy = 0.0, xz = 0.0, yz = 0.0;
};

/// Okada's DC3D0 potencies pot = (strike-slip left-lateral, dip-slip reverse, tensile opening,
/// inflation) [m^3] on a plane striking along +x with `dip` [deg] in [0, 90], dipping towards
/// -y, as a potency tensor; inflation is P = pot4 mu/(3 lam + 2 mu) I (moment pot4 mu I) with
/// the source layer's unrelaxed `mu`, `lam` [Pa]. Throws std::invalid_argument naming dip,
/// potency, mu or lam.
VISCOANN_API PotencyTensor okada_potency_tensor(double dip, const double pot[4], double mu,
                                                double lam);

}  // namespace viscoann
