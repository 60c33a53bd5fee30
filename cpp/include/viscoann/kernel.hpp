// The neural kernel (model file format version 3, geometry "elementary_kernel"): one network
// for every point source in a family of Earths with an elastic lid of thickness H over a
// Burgers half-space. The elastic moduli are uniform, so H is the family's only length: the
// net maps (depth/H, log10(t/tau_M), log10(1 + t/tau_K)) to 10 K coefficients c_fk, and the
// layered remainder (field minus the lid's Okada) of the ten elementary radial functions is
// g_f(r, t) = w(t) H^-2 sum_k c_fk psi_fk(r/H) with a radial basis psi tabulated in rho = r/H
// and w = x/(1 + x), x = t/tau_M + t/tau_K: zero at t = 0, so u(0) is Okada's exactly.
// Frame x east, y north, z up; SI units; arrays row-major float64.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "viscoann/config.hpp"
#include "viscoann/sources.hpp"

namespace viscoann {

namespace detail {
struct KernelData;
}

/// What an evaluation returns: the displacement "u", its time derivative "v" [per s], or its
/// derivative with respect to log10 eta_M, log10 eta_K or H [per m] (exact, forward mode
/// through the net; the lid's Okada part depends on none of them).
enum class KernelQuantity : int { u = 0, v = 1, d_log10_eta_M = 2, d_log10_eta_K = 3, d_H = 4 };

/// "u", "v", "d_log10_eta_M", "d_log10_eta_K", "d_H".
VISCOANN_API const char* kernel_quantity_name(KernelQuantity q) noexcept;
/// The inverse of kernel_quantity_name; throws std::invalid_argument listing the names.
VISCOANN_API KernelQuantity parse_kernel_quantity(const std::string& name);

/// The model file's geometry and family (SI).
struct KernelInfo {
    std::size_t n_modes = 0;        ///< K: basis functions per radial function
    std::size_t n_r = 0;            ///< basis grid rho_j = j rho_spacing, j < n_r
    double rho_spacing = 0.0;       ///< in rho = r/H (dimensionless)
    double mu_M = 0.0, mu_K = 0.0;  ///< the half-space's Maxwell and Kelvin moduli [Pa]
    /// The family the net was trained on: H in [H_lo, H_hi], source depth in
    /// [depth_margin, H - depth_margin], eta_M, eta_K in their ranges (or eta_K = inf when
    /// maxwell), offsets r <= r_max, times t <= t_max. The basis itself serves offsets up to
    /// (n_r - 3) rho_spacing H (more is an error).
    double H_lo = 0.0, H_hi = 0.0, depth_margin = 0.0;
    double eta_M_lo = 0.0, eta_M_hi = 0.0, eta_K_lo = 0.0, eta_K_hi = 0.0;
    bool maxwell = false;
    double r_max = 0.0, t_max = 0.0;
};

/// E Earth models of the family: lid thickness H[e] [m] over a half-space of Maxwell
/// viscosity eta_M[e] and Kelvin viscosity eta_K[e] [Pa s] (eta_K = inf: Maxwell).
struct KernelModels {
    std::size_t n = 0;
    const double* eta_M = nullptr;
    const double* eta_K = nullptr;
    const double* H = nullptr;
};

/// An immutable, thread-safe neural kernel. Copies share the parsed model.
///
/// Every evaluation checks its arguments before any work and throws std::invalid_argument
/// naming the value and the allowed range: eta_M not finite > 0, eta_K not > 0 (inf allowed),
/// H not finite > 0, depth not in (0, H) for every H (the kernel represents sources in the
/// lid), times not finite >= 0, "v" at t = 0, offsets beyond the basis or not finite, non-finite
/// potency, threads < 0. Physical values outside the family (H, eta, t beyond it, a depth
/// within depth_margin of 0 or H) are evaluated and counted: the evaluations return the number
/// of (model, time) pairs outside the family (0: all inside, within domain_rel_tolerance).
class VISCOANN_API NeuralKernel {
   public:
    /// Reads a model file of format version 3 with geometry "elementary_kernel". Throws
    /// IoError when it cannot be read, FormatError (naming the problem) when it is malformed
    /// or not a neural kernel.
    static NeuralKernel load(const std::string& path);
    static NeuralKernel from_bytes(const void* data, std::size_t size);

    KernelInfo info() const noexcept;
    /// The model's full "viscoann" metadata document (JSON text, provenance included).
    const std::string& metadata_json() const noexcept;

    /// The coefficients of g, w and H^-2 included: out[((e Q + iq) T + it) 10 K + f K + k] for
    /// models e, quantities iq < Q and times it < T, such that the quantity's remainder radial
    /// function is g_f(r) = sum_k out[..., f K + k] psi_fk(r/H) -- for d_H, plus
    /// -(1/H) sum_k out_u[..., f K + k] rho psi_fk'(rho), the derivative of psi(r/H), which the
    /// evaluations add. t = 0: exactly 0 (no net evaluation).
    std::size_t coefficients(double depth, const KernelModels& models, std::size_t n_times,
                             const double* times, std::size_t n_quantities,
                             const KernelQuantity* quantities, double* out, int threads = 0) const;

    /// The layered remainder of m point sources at one depth, potency tensors p[q] [m^3],
    /// superposed at n surface points whose offsets from source q's epicentre are
    /// (x[q n + i], y[q n + i]) [m]: out[(((e Q + iq) T + it) n + i) 3 + c] += sum_q field
    /// (ux, uy, uz) [m, m/s, m per unit log10 eta, m per m of H]. threads 0: all.
    std::size_t remainder(double depth, const KernelModels& models, std::size_t n_times,
                          const double* times, std::size_t m, const PotencyTensor* p, std::size_t n,
                          const double* x, const double* y, std::size_t n_quantities,
                          const KernelQuantity* quantities, double* out, int threads = 0) const;

    /// remainder() of sources at nd depths, summed: sources start[g] .. start[g + 1] - 1 of p
    /// (start[0] = 0; their offsets are rows of x, y as in remainder()) lie at depths[g]. Every
    /// (depth, model, time) row passes the net in one batch, so a finite fault's quadrature
    /// depths cost one call. Returns the (depth, model, time) triples outside the family.
    std::size_t remainder_depths(std::size_t nd, const double* depths, const std::size_t* start,
                                 const KernelModels& models, std::size_t n_times,
                                 const double* times, const PotencyTensor* p, std::size_t n,
                                 const double* x, const double* y, std::size_t n_quantities,
                                 const KernelQuantity* quantities, double* out,
                                 int threads = 0) const;

    /// The full field: remainder() plus, on the rows of "u", the lid's homogeneous half-space
    /// (Okada's point source, lambda = mu, time-independent) in closed form.
    std::size_t displacement(double depth, const KernelModels& models, std::size_t n_times,
                             const double* times, std::size_t m, const PotencyTensor* p,
                             std::size_t n, const double* x, const double* y,
                             std::size_t n_quantities, const KernelQuantity* quantities,
                             double* out, int threads = 0) const;

    /// Scattered samples, each its own point source, model and time: sample i is potency
    /// tensor p[i] [m^3] at depth[i] [m] in model i of `models` (models.n == n) at time t[i]
    /// [s], seen at offset (x[i], y[i]) [m]; out[3 i + c] = its layered remainder (ux, uy, uz)
    /// [m]. Every sample is one row of the net (nothing is shared). The checks of remainder()
    /// per sample, errors prefixed "sample i: "; returns the samples outside the family.
    std::size_t samples(std::size_t n, const double* depth, const KernelModels& models,
                        const double* t, const PotencyTensor* p, const double* x, const double* y,
                        double* out, int threads = 0) const;

    /// The number of (model, time) pairs outside the family (as the evaluations return),
    /// after the same checks.
    std::size_t out_of_domain(double depth, const KernelModels& models, std::size_t n_times,
                              const double* times) const;

    /// The parsed data (for the engines; not part of the stable API).
    const detail::KernelData& data() const noexcept { return *data_; }

   private:
    explicit NeuralKernel(std::shared_ptr<const detail::KernelData> data);
    std::shared_ptr<const detail::KernelData> data_;
};

/// The superposition of any tabulated radial basis (the neural kernel's second layer, for any
/// provider of radial functions as sum_k C_fk psi_fk(r)): out[(row n + i) 3 + c] += sum_q
/// field of potency tensor p[q] at offsets (x[q n + i], y[q n + i]) [m] whose ten elementary
/// radial functions (sources.hpp's order) are g_f(r) = sum_k C[row 10 K + f K + k] psi_fk(r),
/// psi_fk(r_j) = basis[(f K + k) n_r + j] on r_j = j r_spacing, interpolated with the tables'
/// cubic stencil. Radii must lie within (n_r - 3) r_spacing. Throws std::invalid_argument
/// naming the argument.
VISCOANN_API void basis_synthesis(const double* basis, std::size_t n_modes, std::size_t n_r,
                                  double r_spacing, std::size_t n_rows, const double* C,
                                  std::size_t m, const PotencyTensor* p, std::size_t n,
                                  const double* x, const double* y, double* out, int threads = 0);

}  // namespace viscoann
