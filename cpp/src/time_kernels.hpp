// Private: the remainder's wavenumber kernels (layered kernel minus the homogeneous half-space
// of the source layer) at the plan's wavenumbers, inverted to time on Talbot's contour, for
// the canonical source (harmonic m = 2) and for any potency tensor (m = 0, 1, 2).
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "laplace.hpp"
#include "plan.hpp"
#include "propagator.hpp"
#include "sources.hpp"

namespace viscoann::detail {

/// Everything about one (model structure, depth) that does not depend on s or the source.
struct Prepared {
    Stack stack;
    std::vector<char> viscous;
    std::vector<Moduli> unrelaxed;  ///< per model layer (last = half-space), / mu_ref
    double mu_ref = 1.0;
    std::vector<FastKernel> fast;  ///< per k (empty with options.dense)
};
/// `out_subs`: the stack's sub-layers whose coefficients the fast kernels return (receivers at
/// depth, FastKernel::eval_coeffs).
void prepare(Prepared& p, const EarthModel& model, double depth, const Plan& plan,
             const GreensOptions& o, const std::vector<std::size_t>& out_subs = {});

/// Kernels of the homogeneous half-space of any material with the source's moment per unit
/// shear modulus, affine in r = μ/(λ + μ): a + r b per k (and per harmonic and part).
struct HomogeneousKernels {
    std::vector<SurfaceKernel> a, b;
};
/// The canonical source's (per k). Zero kernels when subtract is false.
HomogeneousKernels canonical_homogeneous(double depth, const Plan& plan, bool subtract,
                                         int threads);
/// A potency tensor's: index (ik kHarmonics + h) 2 + part, part 0 the deviatoric moment
/// 2 μ P_dev, part 1 the isotropic K tr(P) I (per unit μ, times K/μ(s) at each node).
HomogeneousKernels potency_homogeneous(double depth, const Plan& plan, const PotencyTensor& p,
                                       bool subtract, int threads);

/// L^{-1}[f(s)/s](t) per time of the source layer's r = μ/(λ + μ), κ = K/μ and κ r: the
/// homogeneous part's time functions (K the elastic bulk modulus; unrelaxed values at t = 0).
/// With `velocity` their derivatives L^{-1}[f(s)] (t > 0), and `constant` = 0 (the factor of
/// the parts that do not change with time), else 1.
struct HomogeneousFactors {
    std::vector<double> r, kappa, kappa_r;
    double constant = 1.0;
};
HomogeneousFactors homogeneous_factors(const Layer& source, const std::vector<double>& times,
                                       const TalbotRule& tr, bool velocity = false);

/// Canonical source: krem[(it nk + ik) 3 + c], c = U, V - W, V + W.
void canonical_time_kernels(const Prepared& p, const HomogeneousKernels& hk,
                            const EarthModel& model, const Plan& plan,
                            const std::vector<double>& times, const TalbotRule& tr,
                            const GreensOptions& o, std::vector<double>& krem,
                            HomogeneousFactors& g);

/// The elementary sources' homogeneous kernels: index (ik kElementary + e) 2 + part, the
/// parts as potency_homogeneous's; each source's P-SV and SH harmonics in one kernel (E2: P-SV
/// on J1 cos φ, SH on J1 sin φ; E3: P-SV on J2 sin 2φ, SH on J2 cos 2φ).
HomogeneousKernels elementary_homogeneous(double depth, const Plan& plan, bool subtract,
                                          int threads);

/// The elementary sources (steps at t = 0): krem[((it nk + ik) kElementary + e) 3 + c],
/// c = U, V, W, one kernel per source as in elementary_homogeneous. o.velocity: d/dt.
void elementary_time_kernels(const Prepared& p, const HomogeneousKernels& hk,
                             const EarthModel& model, const Plan& plan,
                             const std::vector<double>& times, const TalbotRule& tr,
                             const GreensOptions& o, std::vector<double>& krem,
                             HomogeneousFactors& g);

/// Potency tensor (a step at t = 0): krem[((it nk + ik) kHarmonics + h) 3 + c], c = U, V, W.
void potency_time_kernels(const Prepared& p, const HomogeneousKernels& hk, const EarthModel& model,
                          const Plan& plan, const PotencyTensor& pt,
                          const std::vector<double>& times, const TalbotRule& tr,
                          const GreensOptions& o, std::vector<double>& krem, HomogeneousFactors& g);

/// The elementary sources' remainder kernels at receiver depths (z down, z[iz] >= 0):
/// krem[((it nz + iz) nk + ik) kElementary + e) kDepthComponents + c] (sources.hpp), the
/// layered state at the receiver minus the source layer's homogeneous half-space there (its
/// kernels a + α b + c/α per part from three elastic solves; Okada's point source is linear in
/// (1, α, 1/α)), and the homogeneous part's time factors: per time and basis function of
/// potency_homogeneous_basis, L^{-1}[f(s)/s] (f), and of μ(s) f(s), λ(s) f(s) [Pa] (the
/// homogeneous stress, formed in the Laplace domain). Steps only (no velocities). With
/// `stress_only`, krem holds the stress's components alone (nc = kStressComponents per source:
/// kDepthComponents' 6 .. 12). With `nk_of`, receiver iz needs only the first nk_of[iz]
/// wavenumbers (wavenumbers_for); its krem beyond them is unspecified (never to be read).
struct DepthKernels {
    std::vector<double> z;
    std::vector<double> krem;
    std::size_t nc = kDepthComponents;  ///< components per (wavenumber, source) in krem
    std::vector<std::array<double, kHomogeneousBasis>> f, mu_f, lam_f;  ///< per time
    double mu_ref = 1.0;
};
/// Only the homogeneous part's time factors (f, mu_f, lam_f) of a source layer.
void depth_factors(const Layer& source, const std::vector<double>& times, const TalbotRule& tr,
                   DepthKernels& out);
void depth_time_kernels(const EarthModel& model, double depth, const std::vector<double>& z,
                        const Plan& plan, const std::vector<double>& times, const TalbotRule& tr,
                        const GreensOptions& o, DepthKernels& out, bool stress_only = false,
                        const std::size_t* nk_of = nullptr);

/// Depth scale [m] of the remainder's decay e^{-kD} between a source at `depth` and a receiver
/// at z (both down): the shortest path through an interface that the homogeneous half-space
/// lacks (a reflection inside their common layer, or the transmitted field |z - depth|).
double decay_depth_between(const EarthModel& model, double depth, double z) noexcept;

}  // namespace viscoann::detail
