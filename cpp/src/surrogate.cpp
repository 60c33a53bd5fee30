// Surrogate: loads a model file (model_io.cpp) and routes predictions to an engine.
#include "viscoann/surrogate.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
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
    auto m = std::make_shared<const detail::MlpModel>(detail::parse_model(p, size));
    if (m->geometry == detail::Geometry::elementary_kernel)
        throw FormatError(
            "model file: a neural kernel (geometry 'elementary_kernel', format version 3) is not "
            "a surrogate; load it with NeuralKernel (viscoann/kernel.hpp)");
    return Surrogate(std::move(m));
}

Surrogate Surrogate::load(const std::string& path) {
    const std::vector<unsigned char> bytes = detail::read_model_file(path);
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

std::string num_str(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

// What no Earth allows, per input column, by the canonical input names (DESIGN §3): an error,
// unlike leaving the training domain (a warning). A value is valid when lo <= v <= hi, a strict
// bound raised to the next double, so the same two compares reject NaN and inf.
struct ColumnRule {
    double lo = -std::numeric_limits<double>::max();
    double hi = std::numeric_limits<double>::max();
    std::string allowed = "finite";
};

std::vector<ColumnRule> column_rules(const detail::MlpModel& m) {
    std::vector<ColumnRule> rules(m.n_inputs());
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const std::string& name = m.input_names[i];
        auto& r = rules[i];
        std::string why;
        auto bound = [&](double b, bool strict, std::string text) {
            const double lo =
                strict ? std::nextafter(b, std::numeric_limits<double>::infinity()) : b;
            if (lo > r.lo) {
                r.lo = lo;
                why = std::move(text);
            }
        };
        if (name == "depth") bound(0.0, true, "> 0 m (the source lies below the surface)");
        if (name == "t") bound(0.0, false, ">= 0 s (time after the event)");
        if (name.rfind("eta", 0) == 0) bound(0.0, true, "> 0 Pa s (a viscosity)");
        if (m.in_log10[i]) {
            const double shift = m.in_shift[i];
            bound(-shift, true,
                  shift != 0.0
                      ? "> -shift = " + num_str(-shift) + " (this input goes through log10(" +
                            name + " + " + num_str(shift) + "))"
                      : "> 0 (this input goes through log10)");
        }
        if (!why.empty()) r.allowed += " and " + why;
    }
    return rules;
}

[[noreturn]] void impossible(const detail::MlpModel& m, const std::vector<ColumnRule>& rules,
                             std::size_t row, std::size_t col, double v) {
    throw std::invalid_argument("X[" + std::to_string(row) + ", " + std::to_string(col) + "] (" +
                                m.input_names[col] + ") = " + num_str(v) +
                                " is invalid; allowed: " + rules[col].allowed);
}

// Every row checked before any work, on all devices (the CPU engine's own check inside its
// fused loop stays as a backstop). Chunks run in order of rows and parallel_for rethrows the
// first chunk's error, so the message names the first bad row.
void validate_rows(const detail::MlpModel& m, const double* X, std::size_t n, int threads) {
    const auto rules = column_rules(m);
    const std::size_t d = m.n_inputs();
    std::vector<double> lo(d), hi(d);
    for (std::size_t i = 0; i < d; ++i) {
        lo[i] = rules[i].lo;
        hi[i] = rules[i].hi;
    }
    detail::parallel_for(n, threads, 1 << 16, [&](std::size_t begin, std::size_t end) {
        for (std::size_t p = begin; p < end; ++p) {
            bool bad = false;
            for (std::size_t i = 0; i < d; ++i) {
                const double v = X[p * d + i];
                bad |= !(v >= lo[i]) | !(v <= hi[i]);
            }
            if (bad)
                for (std::size_t i = 0; i < d; ++i) {
                    const double v = X[p * d + i];
                    if (!(v >= lo[i] && v <= hi[i])) impossible(m, rules, p, i, v);
                }
        }
    });
}

double lower_edge(double lo) { return lo - domain_rel_tolerance * std::fabs(lo); }
double upper_edge(double hi) { return hi + domain_rel_tolerance * std::fabs(hi); }

// Training-domain mask of valid rows (validate_rows first); returns the count outside.
std::size_t domain_mask(const detail::MlpModel& m, const double* X, std::size_t n, bool* mask,
                        int threads = 0) {
    const std::size_t d = m.n_inputs();
    std::vector<double> lo(d), hi(d);
    for (std::size_t i = 0; i < d; ++i) {
        lo[i] = lower_edge(m.domain_lo[i]);
        hi[i] = upper_edge(m.domain_hi[i]);
    }
    std::atomic<std::size_t> outside{0};
    detail::parallel_for(n, threads, 1 << 16, [&](std::size_t begin, std::size_t end) {
        std::size_t count = 0;
        for (std::size_t p = begin; p < end; ++p) {
            bool ok = true;
            for (std::size_t i = 0; i < d; ++i) {
                const double v = X[p * d + i];
                ok &= (v >= lo[i]) & (v <= hi[i]);
            }
            mask[p] = ok;
            count += ok ? 0 : 1;
        }
        outside += count;
    });
    return outside;
}

// options.strict: the first point outside the training domain, named, with the count.
void require_in_domain(const detail::MlpModel& m, const double* X, std::size_t n, int threads) {
    const std::unique_ptr<bool[]> mask(new bool[n ? n : 1]);
    const std::size_t outside = domain_mask(m, X, n, mask.get(), threads);
    if (!outside) return;
    const std::size_t d = m.n_inputs();
    std::size_t p = 0;
    while (mask[p]) ++p;
    std::size_t i = 0;
    for (; i + 1 < d; ++i) {
        const double v = X[p * d + i];
        if (!(v >= lower_edge(m.domain_lo[i]) && v <= upper_edge(m.domain_hi[i]))) break;
    }
    throw std::invalid_argument(std::to_string(outside) + " of " + std::to_string(n) +
                                " points lie outside the training domain (strict); first: X[" +
                                std::to_string(p) + ", " + std::to_string(i) + "] (" +
                                m.input_names[i] + ") = " + num_str(X[p * d + i]) +
                                ", trained on [" + num_str(m.domain_lo[i]) + ", " +
                                num_str(m.domain_hi[i]) + "] " + m.input_units[i]);
}

void check_postseismic(const detail::MlpModel& m, const PredictOptions& o) {
    if (o.postseismic && m.elastic == detail::ElasticPart::none)
        throw std::invalid_argument(
            "postseismic = true needs a model whose engine adds an exact elastic part "
            "(elastic_part 'okada_point_strike_slip'); this model learned the whole field");
}

void dispatch(const std::shared_ptr<const detail::MlpModel>& model, const double* X, std::size_t n,
              void* out, bool f64, const PredictOptions& o) {
    const detail::MlpModel& m = *model;
    check_args(X, n, out);
    check_postseismic(m, o);
    validate_rows(m, X, n, o.threads);
    if (o.strict) require_in_domain(m, X, n, o.threads);
    const bool add_elastic = !o.postseismic;
    if (o.device == Device::cuda) {
#if VISCOANN_HAVE_CUDA
        detail::mlp_cuda_predict(model, X, n, out, f64, o.precision, add_elastic);
        return;
#else
        no_cuda_engine();
#endif
    }
    detail::mlp_cpu_predict(m, X, n, out, f64, o.threads, o.isa, add_elastic);
}

// The axes of a grid, in the order of the canonical inputs.
struct GridAxes {
    const char* name[6] = {"x", "y", "depths", "times", "eta_M", "eta_K"};
    const double* v[6];
    std::size_t n[6];
    explicit GridAxes(const InputGrid& g)
        : v{g.x, g.y, g.depths, g.times, g.eta_M, g.eta_K},
          n{g.n_points, g.n_points, g.n_depths, g.n_times, g.n_etas, g.n_etas} {}
};

void require_canonical(const detail::MlpModel& m) {
    if (m.n_inputs() != 6)
        throw std::invalid_argument(
            "predict_grid needs a model with the 6 canonical inputs "
            "(x, y, depth, t, eta_M, eta_K); this one has " +
            std::to_string(m.n_inputs()));
}

// Grid axis values under the row rules (column_rules), checked before any work.
void validate_axes(const detail::MlpModel& m, const GridAxes& a) {
    const auto rules = column_rules(m);
    for (std::size_t c = 0; c < 6; ++c) {
        if (a.n[c] && !a.v[c])
            throw std::invalid_argument(std::string(a.name[c]) + " = NULL with length " +
                                        std::to_string(a.n[c]));
        for (std::size_t i = 0; i < a.n[c]; ++i)
            if (!(a.v[c][i] >= rules[c].lo && a.v[c][i] <= rules[c].hi))
                throw std::invalid_argument(std::string(a.name[c]) + "[" + std::to_string(i) +
                                            "] = " + num_str(a.v[c][i]) +
                                            " is invalid; allowed: " + rules[c].allowed);
    }
}

// Values of each axis outside the training domain (validated axes).
std::vector<std::size_t> axes_outside(const detail::MlpModel& m, const GridAxes& a) {
    std::vector<std::size_t> out(6, 0);
    for (std::size_t c = 0; c < 6; ++c) {
        const double lo = lower_edge(m.domain_lo[c]), hi = upper_edge(m.domain_hi[c]);
        for (std::size_t i = 0; i < a.n[c]; ++i) out[c] += !(a.v[c][i] >= lo && a.v[c][i] <= hi);
    }
    return out;
}

void dispatch_grid(const std::shared_ptr<const detail::MlpModel>& model, const InputGrid& g,
                   void* out, bool f64, const PredictOptions& o) {
    const detail::MlpModel& m = *model;
    require_canonical(m);
    check_postseismic(m, o);
    const GridAxes axes(g);
    validate_axes(m, axes);
    if (o.strict) {
        const auto outside = axes_outside(m, axes);
        for (std::size_t c = 0; c < 6; ++c)
            if (outside[c])
                throw std::invalid_argument(
                    std::to_string(outside[c]) + " of " + std::to_string(axes.n[c]) + " " +
                    axes.name[c] + " lie outside the training domain (strict): trained on [" +
                    num_str(m.domain_lo[c]) + ", " + num_str(m.domain_hi[c]) + "] " +
                    m.input_units[c]);
    }
    const std::size_t n = g.size();
    check_args(g.x, n, out);
    const bool add_elastic = !o.postseismic;
    if (o.device == Device::cuda) {
#if VISCOANN_HAVE_CUDA
        detail::mlp_cuda_predict_grid(model, g, out, f64, o.precision, add_elastic);
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
                                    1, o.isa, add_elastic);
        }
    });
}

}  // namespace

void Surrogate::predict(const double* X, std::size_t n, double* out,
                        const PredictOptions& options) const {
    dispatch(model_, X, n, out, true, options);
}

void Surrogate::predict(const double* X, std::size_t n, float* out,
                        const PredictOptions& options) const {
    dispatch(model_, X, n, out, false, options);
}

void Surrogate::predict_grid(const InputGrid& grid, double* out,
                             const PredictOptions& options) const {
    dispatch_grid(model_, grid, out, true, options);
}

void Surrogate::predict_grid(const InputGrid& grid, float* out,
                             const PredictOptions& options) const {
    dispatch_grid(model_, grid, out, false, options);
}

std::vector<std::size_t> Surrogate::grid_outside_domain(const InputGrid& grid) const {
    require_canonical(*model_);
    const GridAxes axes(grid);
    validate_axes(*model_, axes);
    return axes_outside(*model_, axes);
}

std::size_t Surrogate::in_domain(const double* X, std::size_t n, bool* mask) const {
    check_args(X, n, mask);
    validate_rows(*model_, X, n, 0);
    return domain_mask(*model_, X, n, mask);
}

}  // namespace viscoann
