// Surrogate: loads a model file (model_io.cpp) and routes predictions to an engine.
#include "viscoann/surrogate.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "mlp_cpu.hpp"
#include "mlp_model.hpp"
#include "parallel_for.hpp"
#include "viscoann/errors.hpp"
#if VISCOANN_HAVE_CUDA
#include "mlp_cuda.hpp"
#endif

namespace viscoann {

Surrogate::Surrogate(std::shared_ptr<const detail::MlpModel> model) : model_(std::move(model)) {}

Surrogate Surrogate::from_bytes(const void* data, std::size_t size) {
    if (!data && size)
        throw std::invalid_argument("data = NULL with size = " + std::to_string(size));
    static const unsigned char empty = 0;
    const auto* p = data ? static_cast<const unsigned char*>(data) : &empty;
    return Surrogate(std::make_shared<const detail::MlpModel>(detail::parse_model(p, size)));
}

Surrogate Surrogate::load(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw IoError("cannot open model file '" + path + "'");
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(f)),
                                     std::istreambuf_iterator<char>());
    if (f.bad()) throw IoError("cannot read model file '" + path + "'");
    try {
        return from_bytes(bytes.data(), bytes.size());
    } catch (const FormatError& e) {
        throw FormatError(std::string(e.what()) + " ('" + path + "')");
    }
}

std::size_t Surrogate::n_inputs() const noexcept { return model_->n_inputs(); }
std::size_t Surrogate::n_outputs() const noexcept { return model_->n_outputs(); }
std::vector<int> Surrogate::widths() const { return model_->widths; }
std::vector<std::string> Surrogate::activations() const {
    std::vector<std::string> out;
    for (auto a : model_->activations) out.emplace_back(detail::activation_name(a));
    return out;
}
std::vector<std::string> Surrogate::input_names() const { return model_->input_names; }
std::vector<std::string> Surrogate::input_units() const { return model_->input_units; }
std::vector<std::string> Surrogate::output_names() const { return model_->output_names; }
std::vector<std::string> Surrogate::output_units() const { return model_->output_units; }
std::vector<double> Surrogate::domain_lower() const { return model_->domain_lo; }
std::vector<double> Surrogate::domain_upper() const { return model_->domain_hi; }
const std::string& Surrogate::metadata_json() const noexcept { return model_->metadata_json; }

namespace {

void check_args(const void* X, std::size_t n, const void* out) {
    if (n && !X) throw std::invalid_argument("X = NULL with n = " + std::to_string(n));
    if (n && !out) throw std::invalid_argument("out = NULL with n = " + std::to_string(n));
}

[[noreturn]] void no_cuda_engine() {
    throw Unavailable(
        "device = 'cuda': this build has no CUDA engine (no CUDA toolkit at build time)");
}

// The CPU engine checks inputs inside its fused loop; the GPU gets them checked here first.
void check_inputs(const detail::MlpModel& m, const double* X, std::size_t n, int threads) {
    const std::size_t d = m.n_inputs();
    detail::parallel_for(n, threads, 1 << 16, [&](std::size_t begin, std::size_t end) {
        for (std::size_t p = begin; p < end; ++p)
            for (std::size_t i = 0; i < d; ++i) {
                const double v = X[p * d + i];
                if (!std::isfinite(v) || (m.in_log10[i] && !(v + m.in_shift[i] > 0)))
                    throw std::invalid_argument("X[" + std::to_string(p) + ", " +
                                                std::to_string(i) + "] " +
                                                detail::describe_bad_input(m, i, v));
            }
    });
}

void dispatch(const detail::MlpModel& m, const double* X, std::size_t n, void* out, bool f64,
              const PredictOptions& o) {
    check_args(X, n, out);
    if (o.device == Device::cuda) {
#if VISCOANN_HAVE_CUDA
        check_inputs(m, X, n, o.threads);
        detail::mlp_cuda_predict(m, X, n, out, f64, o.precision);
        return;
#else
        no_cuda_engine();
#endif
    }
    detail::mlp_cpu_predict(m, X, n, out, f64, o.threads, o.isa);
}

// Axis values must be finite, and v + shift > 0 when the input goes through log10.
void check_axis(const char* name, const double* v, std::size_t n, bool log10 = false,
                double shift = 0.0) {
    if (n && !v)
        throw std::invalid_argument(std::string(name) + " = NULL with length " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(v[i]) || (log10 && !(v[i] + shift > 0)))
            throw std::invalid_argument(
                std::string(name) + "[" + std::to_string(i) + "] = " + std::to_string(v[i]) +
                " must be finite" +
                (log10 ? shift != 0.0 ? " and > -shift = " + std::to_string(-shift) : " and > 0"
                       : ""));
}

void dispatch_grid(const detail::MlpModel& m, const InputGrid& g, void* out, bool f64,
                   const PredictOptions& o) {
    if (m.n_inputs() != 6)
        throw std::invalid_argument(
            "predict_grid needs a model with the 6 canonical inputs "
            "(x, y, depth, t, eta_M, eta_K); this one has " +
            std::to_string(m.n_inputs()));
    check_axis("x", g.x, g.n_points);
    check_axis("y", g.y, g.n_points);
    check_axis("depths", g.depths, g.n_depths, m.in_log10[2] != 0, m.in_shift[2]);
    check_axis("times", g.times, g.n_times, m.in_log10[3] != 0, m.in_shift[3]);
    check_axis("eta_M", g.eta_M, g.n_etas, true, m.in_shift[4]);
    check_axis("eta_K", g.eta_K, g.n_etas, true, m.in_shift[5]);
    const std::size_t n = g.size();
    check_args(g.x, n, out);
    if (o.device == Device::cuda) {
#if VISCOANN_HAVE_CUDA
        detail::mlp_cuda_predict_grid(m, g, out, f64, o.precision);
        return;
#else
        no_cuda_engine();
#endif
    }
    // CPU: each thread expands a cache-sized block of grid points and runs the engine on it,
    // so the (n, 6) inputs are never materialised.
    constexpr std::size_t block = 4096;
    const std::size_t out_bytes = m.n_outputs() * (f64 ? sizeof(double) : sizeof(float));
    detail::parallel_for(n, o.threads, block, [&](std::size_t begin, std::size_t end) {
        std::vector<double> X(block * 6);
        for (std::size_t b = begin; b < end; b += block) {
            const std::size_t len = std::min(block, end - b);
            for (std::size_t k = 0; k < len; ++k) {
                std::size_t idx = b + k;
                const std::size_t p = idx % g.n_points;
                idx /= g.n_points;
                const std::size_t t = idx % g.n_times;
                idx /= g.n_times;
                const std::size_t d = idx % g.n_depths, e = idx / g.n_depths;
                double* row = &X[k * 6];
                row[0] = g.x[p];
                row[1] = g.y[p];
                row[2] = g.depths[d];
                row[3] = g.times[t];
                row[4] = g.eta_M[e];
                row[5] = g.eta_K[e];
            }
            detail::mlp_cpu_predict(m, X.data(), len, static_cast<char*>(out) + b * out_bytes, f64,
                                    1, o.isa);
        }
    });
}

}  // namespace

void Surrogate::predict(const double* X, std::size_t n, double* out,
                        const PredictOptions& options) const {
    dispatch(*model_, X, n, out, true, options);
}

void Surrogate::predict(const double* X, std::size_t n, float* out,
                        const PredictOptions& options) const {
    dispatch(*model_, X, n, out, false, options);
}

void Surrogate::predict_grid(const InputGrid& grid, double* out,
                             const PredictOptions& options) const {
    dispatch_grid(*model_, grid, out, true, options);
}

void Surrogate::predict_grid(const InputGrid& grid, float* out,
                             const PredictOptions& options) const {
    dispatch_grid(*model_, grid, out, false, options);
}

std::size_t Surrogate::in_domain(const double* X, std::size_t n, bool* mask) const {
    check_args(X, n, mask);
    const auto& m = *model_;
    const std::size_t d = m.n_inputs();
    std::size_t outside = 0;
    for (std::size_t p = 0; p < n; ++p) {
        bool ok = true;
        for (std::size_t i = 0; i < d; ++i) {
            const double v = X[p * d + i];
            ok &= v >= m.domain_lo[i] && v <= m.domain_hi[i];  // false for NaN
        }
        mask[p] = ok;
        outside += ok ? 0 : 1;
    }
    return outside;
}

}  // namespace viscoann
