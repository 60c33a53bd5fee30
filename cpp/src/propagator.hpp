// Private: wavenumber-domain surface kernels of a point source in a layered half-space, one
// harmonic (order m) per source jump, by the global-matrix method with layer-normalised
// exponentials. The jumps come from the sources step (sources.hpp).
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

#include "sources.hpp"
#include "viscoann/layered.hpp"

namespace viscoann::detail {

/// Surface values of one harmonic's state at one (k, s): U (vertical, down), V, W (horizontal
/// spheroidal, toroidal); the harmonics' Hankel integrals are in hankel.hpp. For the
/// canonical jump: u_z(down) = ∫ k U J2(kr) dk sin2φ, u_r = ½∫ k [(V−W) J1 − (V+W) J3] dk
/// sin2φ, u_φ = ½∫ k [(V−W) J1 + (V+W) J3] dk cos2φ.
struct SurfaceKernel {
    cplx U, V, W;
};

/// The model's layers split at the source depth into finite sub-layers over the half-space.
struct Stack {
    struct Sub {
        double h;           ///< thickness [m]
        std::size_t layer;  ///< model layer index (layers.size() = half-space material)
    };
    std::vector<Sub> subs;
    std::size_t source_iface = 0;  ///< the source lies at the bottom of subs[source_iface - 1]
    std::size_t source_layer = 0;  ///< model layer holding the source
    std::size_t halfspace = 0;     ///< model index of the half-space (= layers.size())
    static Stack build(const EarthModel& model, double depth);
    std::size_t n_psv() const noexcept { return 4 * subs.size() + 2; }
    std::size_t n_sh() const noexcept { return 2 * subs.size() + 1; }
};

/// Workspace of the dense solver, sized for one stack.
struct DenseWork {
    std::vector<cplx> a, b;
    std::vector<std::size_t> piv;
};

/// Dense global-matrix solve at wavenumber k [1/m] for the moduli of each model layer
/// (index layers.size() = half-space), all divided by mu_ref, and the source's jump (in the
/// same units). The reference path.
SurfaceKernel solve_dense(const Stack& stack, const Moduli* moduli, double k, DenseWork& work,
                          const SourceJump& jump);

/// Fast evaluation at many s for one k: the system at the unrelaxed moduli is factored once;
/// only the columns of viscoelastic layers change with s (Woodbury identity on those columns).
class FastKernel {
   public:
    /// `viscous[i]` marks model layers whose moduli depend on s; moduli normalised as above.
    void prepare(const Stack& stack, const Moduli* unrelaxed, const std::vector<char>& viscous,
                 double k);
    /// The kernel of one source jump at the moduli of one s (same layout as prepare). No
    /// allocation.
    SurfaceKernel eval(const Moduli* moduli, const SourceJump& jump) const noexcept;
    /// Kernels of n sources (jumps) at the moduli of one s, sharing one factorisation.
    void eval_many(const Moduli* moduli, std::size_t n, const SourceJump* jumps,
                   SurfaceKernel* out) const noexcept;

   private:
    struct Part {                                     // one system (P-SV or SH)
        std::size_t n = 0, n_src = 0;                 // unknowns, source rows
        std::vector<std::size_t> vcols, vrows, need;  // viscous columns, their rows, needed x
        std::vector<int> row_pos, col_pos;            // global index -> position (or -1)
        std::vector<cplx> c0;                         // unrelaxed viscous block (rows x cols)
        std::vector<cplx> minv_need;                  // (M0^-1)[need, vrows]
        std::vector<cplx> z_need;                     // (M0^-1 e_source_row)[need, q]
        std::vector<int> need_pos;                    // global column -> position in need
    };
    const Stack* stack_ = nullptr;
    double k_ = 0.0;
    std::vector<double> eh_;  // e^{-k h} per sub-layer
    std::vector<char> viscous_;
    Part psv_, sh_;
    mutable std::vector<cplx> scratch_;
    mutable std::vector<std::size_t> piv_;
};

}  // namespace viscoann::detail
