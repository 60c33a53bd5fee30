// Surrogate: loads a model file (model_io.cpp) and routes predictions to an engine.
#include "viscoann/surrogate.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "c_api_guard.hpp"
#include "mlp_cpu.hpp"
#include "mlp_model.hpp"

namespace viscoann {

Surrogate::Surrogate(std::shared_ptr<const detail::MlpModel> model) : model_(std::move(model)) {}

Surrogate Surrogate::from_bytes(const void* data, std::size_t size) {
    if (!data && size) throw std::invalid_argument("data = NULL with size = " + std::to_string(size));
    static const unsigned char empty = 0;
    const auto* p = data ? static_cast<const unsigned char*>(data) : &empty;
    return Surrogate(std::make_shared<const detail::MlpModel>(detail::parse_model(p, size)));
}

Surrogate Surrogate::load(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw detail::IoError("cannot open model file '" + path + "'");
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(f)),
                                     std::istreambuf_iterator<char>());
    if (f.bad()) throw detail::IoError("cannot read model file '" + path + "'");
    try {
        return from_bytes(bytes.data(), bytes.size());
    } catch (const detail::FormatError& e) {
        throw detail::FormatError(std::string(e.what()) + " ('" + path + "')");
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

void dispatch(const detail::MlpModel& m, const double* X, std::size_t n, void* out, bool f64,
              const PredictOptions& o) {
    check_args(X, n, out);
    if (o.device == Device::cuda)
        throw detail::Unavailable(
            "device = 'cuda': the CUDA surrogate engine is not available in this build");
    detail::mlp_cpu_predict(m, X, n, out, f64, o.threads, o.isa);
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
