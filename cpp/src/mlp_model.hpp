// Private: the parsed MLP shared by the CPU and CUDA engines (what model_io.cpp produces).
// Layout: layer l maps widths[l] -> widths[l+1]; its weights are float32 row-major
// [out][in] (PyTorch nn.Linear layout) at weights[weight_offset[l]], biases [out] at
// biases[bias_offset[l]]. Points flow x -> input transform -> layers -> output transform
// (-> azimuthal factors in the radial geometry) (+ exact elastic part).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace viscoann::detail {

/// Activation after a layer's affine map. Values are stable (the CUDA engine switches on them).
enum class Activation : std::int32_t { identity = 0, tanh = 1, relu = 2, sigmoid = 3 };

/// Exact part added to the net's scaled output (docs/design.md §5), evaluated in the engine.
enum class ElasticPart : std::int32_t {
    none = 0,
    /// Okada (1985) point source at the free surface, vertical strike-slip along +x,
    /// per unit potency: inputs elastic_inputs = (x, y, depth) indices, outputs 0..2 = ux,uy,uz.
    okada_point_strike_slip = 1,
};

/// How the net's features and outputs relate to the user's inputs and outputs (docs/design.md §5).
enum class Geometry : std::int32_t {
    /// Features = the transformed inputs, outputs = the scaled net outputs.
    cartesian = 0,
    /// The net learns the radial functions (g_r, g_phi, g_z) of the canonical vertical
    /// strike-slip source: inputs 0, 1 are x, y; features = (r_scale * hypot(x, y) + r_offset,
    /// transformed inputs 2..n-1); outputs (ux, uy, uz) = the azimuthal factors applied to the
    /// scaled net outputs (canonical_from_radial in sources.hpp).
    radial_strike_slip = 1,
    /// The neural kernel (format version 3): features q = (d/H, log10(t/tau_M),
    /// log10(1 + t/tau_K)), 10 K outputs c_fk, the remainder radial functions
    /// g_f = w(t) H^-2 sum_k c_fk psi_fk(r/H) with the tabulated basis psi (KernelGeometry;
    /// kernel.cpp).
    elementary_kernel = 2,
};

/// The radial functions per mode of the neural kernel (sources.hpp's ten, in its order).
inline constexpr std::size_t kernel_functions = 10;

/// The "elementary_kernel" geometry entry (python/viscoann/export.py, format version 3), SI.
struct KernelGeometry {
    std::size_t n_modes = 0, n_r = 0;  ///< K, radii of the basis
    double rho_spacing = 0.0;          ///< basis grid rho_j = j rho_spacing in rho = r/H
    double mu_M = 0.0, mu_K = 0.0;     ///< the half-space's Maxwell and Kelvin moduli [Pa]
    // The family the net was trained on: H, depth in [margin, H - margin], eta, t <= t_max.
    double H_lo = 0.0, H_hi = 0.0, depth_margin = 0.0;
    double eta_M_lo = 0.0, eta_M_hi = 0.0, eta_K_lo = 0.0, eta_K_hi = 0.0;
    bool maxwell = false;             ///< eta_K = inf is in the family
    double r_max = 0.0, t_max = 0.0;  ///< the family's largest offset [m] and time [s]
    std::vector<float> basis;         ///< psi[(f n_modes + k) n_r + j], (10, K, n_r)
};

/// Maximum supported layer width (engine scratch is sized for it).
inline constexpr int max_width = 1024;
/// The neural kernel's (format 3): its engine's scratch is on the heap, and its random-feature
/// hidden layer is wide (kernel_train.fit_random_features).
inline constexpr int max_kernel_width = 8192;
/// Model file format version written by viscoann.export; the reader accepts 1 and 2 (version 1
/// has no "shift" and no "geometry") and 3, the neural kernel (geometry "elementary_kernel").
inline constexpr int format_version = 2;
inline constexpr int format_version_kernel = 3;

struct MlpModel {
    std::vector<int> widths;              ///< {n_features, hidden..., n_out}; size = n_layers + 1
    std::vector<Activation> activations;  ///< one per layer
    std::vector<float> weights;           ///< all layers, row-major [out][in], concatenated
    std::vector<float> biases;            ///< all layers, concatenated
    std::vector<std::size_t> weight_offset, bias_offset;  ///< per layer, into the above

    // Input transform per input i: v = X[i] (SI); if log10[i]: v = log10(v + in_shift[i]);
    // z = in_scale[i] * v + in_offset[i] (maps the training domain to about [-1, 1]).
    // Per-input vectors have n_inputs() entries (the columns of X), which is widths[0] + 1 in
    // the radial geometry (x, y become one feature r).
    std::vector<std::uint8_t> in_log10;
    std::vector<double> in_shift;  ///< 0 unless log10 (then x + shift > 0 is required)
    std::vector<double> in_scale, in_offset;
    std::vector<double> domain_lo, domain_hi;  ///< training domain, SI, before log10

    // Output transform per output j: u = out_scale[j] * y[j] + out_offset[j] (+ elastic part).
    std::vector<double> out_scale, out_offset;
    ElasticPart elastic = ElasticPart::none;
    int elastic_inputs[3] = {0, 1, 2};

    Geometry geometry = Geometry::cartesian;
    double r_scale = 1.0, r_offset = 0.0;  ///< radial geometry: z_r = r_scale * r + r_offset
    KernelGeometry kernel;                 ///< elementary_kernel geometry only

    std::vector<std::string> input_names, input_units, output_names, output_units;
    std::string metadata_json;  ///< the full "viscoann" metadata document

    std::size_t n_layers() const noexcept { return activations.size(); }
    /// Columns of X (user inputs); the engines' hot code uses in_scale.size() instead (see
    /// VISCOANN_HD in host_device.hpp on inline code in ISA-flagged units).
    std::size_t n_inputs() const noexcept {
        return static_cast<std::size_t>(widths.front()) +
               (geometry == Geometry::radial_strike_slip ? 1 : 0);
    }
    /// Net fan-in (features per point).
    std::size_t n_features() const noexcept { return static_cast<std::size_t>(widths.front()); }
    std::size_t n_outputs() const noexcept { return static_cast<std::size_t>(widths.back()); }
    int max_layer_width() const noexcept {
        int m = 0;
        for (int w : widths) m = w > m ? w : m;
        return m;
    }
    /// FLOPs per point of the affine maps (2 * fan_in * fan_out summed over layers).
    double flops_per_point() const noexcept {
        double f = 0;
        for (std::size_t l = 0; l + 1 < widths.size(); ++l) f += 2.0 * widths[l] * widths[l + 1];
        return f;
    }
};

/// Parses a model file image; throws FormatError naming the problem (c_api_guard.hpp).
MlpModel parse_model(const unsigned char* data, std::size_t size);

/// The bytes of a model file; throws IoError naming the path when it cannot be read.
std::vector<unsigned char> read_model_file(const std::string& path);

/// Name <-> enum for activations; parse throws FormatError listing the known names.
const char* activation_name(Activation a) noexcept;

}  // namespace viscoann::detail
