// Surrogate: an exported MLP (model file, docs/design.md §5) evaluated by the fused native engines.
// Inputs and outputs are row-major float64 arrays in SI units; transforms are applied inside.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "viscoann/device.hpp"

namespace viscoann {

namespace detail {
struct MlpModel;
}

/// Which CPU instruction set the engine uses. `automatic` picks the best the CPU has, unless
/// the environment variable VISCOANN_CPU_ISA=scalar|avx2|avx512 forces one.
enum class CpuIsa { automatic, scalar, avx2, avx512 };

/// Element type of the predicted outputs (compute is float32 in every engine).
enum class OutputType { float64, float32 };

/// Arithmetic of the CUDA engine: FP32 everywhere, or FP16 tensor cores (WMMA) with FP32
/// accumulation for the hidden layers (inputs and outputs stay FP32/FP64; widths <= 64).
enum class CudaPrecision { fp32, tensor_fp16 };

/// A structured grid of the canonical inputs (x, y, depth, t, eta_M, eta_K): every combination
/// of viscosity structure e, depth d, time t and point p. Outputs are laid out (E, D, T, P,
/// n_outputs) row-major, as viscoann.exact.grid. The arrays are SI and must outlive the call.
struct InputGrid {
    const double* x = nullptr;  ///< (n_points,) east, m
    const double* y = nullptr;  ///< (n_points,) north, m
    std::size_t n_points = 0;
    const double* depths = nullptr;  ///< (n_depths,) m, > 0
    std::size_t n_depths = 0;
    const double* times = nullptr;  ///< (n_times,) s, >= 0
    std::size_t n_times = 0;
    const double* eta_M = nullptr;  ///< (n_etas,) Pa s
    const double* eta_K = nullptr;  ///< (n_etas,) Pa s
    std::size_t n_etas = 0;
    std::size_t size() const noexcept { return n_points * n_depths * n_times * n_etas; }
};

/// How to run a prediction.
struct PredictOptions {
    Device device = Device::cpu;
    CudaPrecision precision = CudaPrecision::fp32;  ///< CUDA engine only
    int threads = 0;                 ///< CPU threads; <= 0 means all hardware threads
    CpuIsa isa = CpuIsa::automatic;  ///< CPU path (tests force each one)
    /// Return the postseismic field u(t) - u(0) with the exact u(0) removed: the engine skips
    /// the model's exact elastic part (Okada's u(0) for elastic_part "okada_point_strike_slip")
    /// instead of adding it, so nothing learned stands in for u(0). Needs a model with an
    /// elastic part (std::invalid_argument otherwise).
    bool postseismic = false;
    /// Throw std::invalid_argument when any point lies outside the training domain (as
    /// in_domain() decides) instead of extrapolating there.
    bool strict = false;
};

/// Relative tolerance of the training-domain test: a value v is inside [lo, hi] when
/// lo - tol |lo| <= v <= hi + tol |hi|, so bounds met up to rounding (np.logspace(..., 100 yr)
/// ends at 3.1557600000000005e9 s) count as inside.
inline constexpr double domain_rel_tolerance = 1e-9;

/// Name of an ISA ("scalar", "avx2", "avx512"; "automatic" for the default).
VISCOANN_API std::string cpu_isa_name(CpuIsa isa);
/// Parses "auto"/"automatic"/"scalar"/"avx2"/"avx512"; throws std::invalid_argument otherwise.
VISCOANN_API CpuIsa parse_cpu_isa(const std::string& name);
/// The ISA `automatic` resolves to on this CPU (honours VISCOANN_CPU_ISA).
VISCOANN_API CpuIsa cpu_isa_selected();
/// True when this build has the path and this CPU can run it.
VISCOANN_API bool cpu_isa_supported(CpuIsa isa);

/// Measured FP32 FMA peak of this machine in GFLOP/s (2 flops per lane per FMA), summed over
/// `threads` threads (<= 0: all), from a native FMA loop on the widest ISA the engine uses;
/// each thread is timed for about `seconds`. Benchmarks report engine FLOPs as a fraction of it.
VISCOANN_API double fma_peak_gflops(int threads = 0, double seconds = 0.2);

/// An immutable, thread-safe surrogate model. Copies share the parsed weights.
class VISCOANN_API Surrogate {
   public:
    /// Reads a model file (.safetensors with the "viscoann" metadata document).
    /// Throws std::runtime_error subclasses: IoError when it cannot be read, FormatError
    /// (message names the problem) when it is malformed or unsupported.
    static Surrogate load(const std::string& path);
    /// Same as load() from the file's bytes in memory.
    static Surrogate from_bytes(const void* data, std::size_t size);

    /// Columns of X per point (the canonical 6 for a radial-geometry model too).
    std::size_t n_inputs() const noexcept;
    std::size_t n_outputs() const noexcept;
    /// Layer widths, the net's features first: {n_features, hidden..., n_outputs}; n_features
    /// is n_inputs, or n_inputs - 1 for a model of geometry "radial_strike_slip" (x, y enter
    /// as r = hypot(x, y); metadata_json() holds the "geometry" entry).
    std::vector<int> widths() const;
    /// Activation name of each layer ("identity", "tanh", "relu", "sigmoid").
    std::vector<std::string> activations() const;
    std::vector<std::string> input_names() const;
    std::vector<std::string> input_units() const;
    std::vector<std::string> output_names() const;
    std::vector<std::string> output_units() const;
    /// Training domain per input, in SI units (before any log10): lower / upper bounds.
    std::vector<double> domain_lower() const;
    std::vector<double> domain_upper() const;
    /// The model's full "viscoann" metadata document (JSON text, provenance included).
    const std::string& metadata_json() const noexcept;

    /// Predicts outputs for n points. X: (n, n_inputs) row-major, SI; out: (n, n_outputs)
    /// row-major. Points outside the training domain are evaluated (in_domain() flags them;
    /// options.strict refuses them). Every input is checked before any work: physically
    /// impossible values throw std::invalid_argument naming the row, the column, its name, the
    /// value and the allowed range: non-finite values, depth <= 0, t < 0, eta_* <= 0 (inputs
    /// of those names), log10 inputs with x + shift <= 0 (shift 0 unless the model file gives
    /// one). Throws Unavailable for a device this build or machine lacks.
    void predict(const double* X, std::size_t n, double* out,
                 const PredictOptions& options = {}) const;
    void predict(const double* X, std::size_t n, float* out,
                 const PredictOptions& options = {}) const;

    /// Predicts every point of a structured grid of the canonical inputs (the model must have
    /// 6 inputs: x, y, depth, t, eta_M, eta_K); out: grid.size() x n_outputs in the layout of
    /// InputGrid. The CUDA engine generates the points on the device. Throws
    /// std::invalid_argument for physically impossible axis values (non-finite, depths <= 0,
    /// times < 0, viscosities <= 0; naming the axis, index and value), and with
    /// options.strict for axis values outside the training domain.
    void predict_grid(const InputGrid& grid, double* out, const PredictOptions& options = {}) const;
    void predict_grid(const InputGrid& grid, float* out, const PredictOptions& options = {}) const;

    /// mask[i] = true when row i of X (n, n_inputs) lies inside the training domain (within
    /// domain_rel_tolerance). Returns the number of rows outside. Physically impossible rows
    /// throw std::invalid_argument first, as predict() does.
    std::size_t in_domain(const double* X, std::size_t n, bool* mask) const;

    /// Number of values of each grid axis (x, y, depths, times, eta_M, eta_K) outside the
    /// training domain (within domain_rel_tolerance). Physically impossible axis values throw
    /// std::invalid_argument first, as predict_grid() does.
    std::vector<std::size_t> grid_outside_domain(const InputGrid& grid) const;

    /// The parsed model (for the engines; not part of the stable API).
    const detail::MlpModel& model() const noexcept { return *model_; }

   private:
    explicit Surrogate(std::shared_ptr<const detail::MlpModel> model);
    std::shared_ptr<const detail::MlpModel> model_;
};

}  // namespace viscoann
