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

/// A receiver at depth z (m, down) in a stack: sub-layer `sub` (subs.size() = the half-space)
/// at offset `off` [m] below its top. A depth on a sub-layer boundary belongs to the sub-layer
/// above (as EarthModel::layer_at), the free surface to sub-layer 0.
struct Receiver {
    std::size_t sub = 0;
    double off = 0.0;
};
Receiver locate(const Stack& stack, double z) noexcept;
/// Model layer of a receiver.
inline std::size_t receiver_layer(const Stack& st, const Receiver& r) noexcept {
    return r.sub < st.subs.size() ? st.subs[r.sub].layer : st.halfspace;
}

/// One harmonic's state at a receiver: the displacement kernels U (down), V, W (as
/// SurfaceKernel) and their z-derivatives (down) divided by k: Uz = ∂U/∂z / k, Vz, Wz. The
/// stress follows with the receiver layer's μ(s), λ(s) (div u carries k² (Uz − V)).
struct DepthState {
    cplx U, V, W, Uz, Vz, Wz;
};
/// The state at receiver r from its sub-layer's coefficients psv (4; for the half-space the
/// two decaying ones, then two ignored) and sh (2; half-space: one), moduli m of that layer.
DepthState state_at(const Stack& stack, const Receiver& r, const Moduli& m, double k,
                    const cplx* psv, const cplx* sh) noexcept;
/// state_at for n sources at once (the layer's columns computed once): source e's
/// coefficients at psv + e psv_stride and sh + e sh_stride, its state into out[e].
void states_at(const Stack& stack, const Receiver& r, const Moduli& m, double k, std::size_t n,
               const cplx* psv, std::size_t psv_stride, const cplx* sh, std::size_t sh_stride,
               DepthState* out) noexcept;

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

/// The dense solve's coefficients of every sub-layer: x_psv (n_psv), x_sh (n_sh), in the
/// layout of the global matrix (sub-layer i: psv 4i..4i+3, sh 2i, 2i+1; half-space 4L, 4L+1
/// and 2L).
void solve_dense_full(const Stack& stack, const Moduli* moduli, double k, DenseWork& work,
                      const SourceJump& jump, std::vector<cplx>& x_psv, std::vector<cplx>& x_sh);
/// solve_dense_full for n_jumps sources at once (one factorisation): jump j's coefficients at
/// x_psv[j n_psv ...], x_sh[j n_sh ...].
void solve_dense_many(const Stack& stack, const Moduli* moduli, double k, DenseWork& work,
                      std::size_t n_jumps, const SourceJump* jumps, std::vector<cplx>& x_psv,
                      std::vector<cplx>& x_sh);
/// Copies the coefficients of sub-layer `sub` from full solution vectors into psv[4], sh[2]
/// (absent ones 0).
void sub_coefficients(const Stack& stack, std::size_t sub, const cplx* x_psv, const cplx* x_sh,
                      cplx psv[4], cplx sh[2]) noexcept;

/// Fast evaluation at many s for one k: the system at the unrelaxed moduli is factored once;
/// only the columns of viscoelastic layers change with s (Woodbury identity on those columns).
class FastKernel {
   public:
    /// `viscous[i]` marks model layers whose moduli depend on s; moduli normalised as above.
    /// `out_subs`: sub-layers (subs.size() = the half-space) whose coefficients eval_coeffs
    /// returns (receivers at depth).
    void prepare(const Stack& stack, const Moduli* unrelaxed, const std::vector<char>& viscous,
                 double k, const std::vector<std::size_t>& out_subs = {});
    /// The kernel of one source jump at the moduli of one s (same layout as prepare). No
    /// allocation.
    SurfaceKernel eval(const Moduli* moduli, const SourceJump& jump) const noexcept;
    /// Kernels of n sources (jumps) at the moduli of one s, sharing one factorisation.
    void eval_many(const Moduli* moduli, std::size_t n, const SourceJump* jumps,
                   SurfaceKernel* out) const noexcept;

    /// Coefficients of the out_subs sub-layers for n jumps at one s: psv[(j nq + q) 4 + c],
    /// sh[(j nq + q) 2 + c] (nq = out_subs.size(); absent ones 0). No allocation.
    void eval_coeffs(const Moduli* moduli, std::size_t n, const SourceJump* jumps, cplx* psv,
                     cplx* sh) const noexcept;

   private:
    template <class EmitPsv, class EmitSh>
    void solve(const Moduli* moduli, std::size_t n, const SourceJump* jumps, EmitPsv&& emit_psv,
               EmitSh&& emit_sh) const noexcept;
    std::vector<std::size_t> out_subs_;
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
