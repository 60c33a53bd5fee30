// C API: every function is a call to the C++ API wrapped in detail::c_guard.
#include <stdexcept>
#include <string>

#include "c_api_guard.hpp"
#include "c_api_model.hpp"
#include "viscoann.h"
#include "viscoann/config.hpp"
#include "viscoann/device.hpp"
#include "viscoann/greens.hpp"
#include "viscoann/okada.hpp"

namespace viscoann::detail {
std::string& c_last_error() {
    thread_local std::string message;
    return message;
}
}  // namespace viscoann::detail

using viscoann::detail::c_guard;
using viscoann::detail::c_model;

viscoann::EarthModel viscoann::detail::c_model(size_t n_layers, const double* thickness,
                                               const double* lam, const double* mu_M,
                                               const double* eta_M, const double* mu_K,
                                               const double* eta_K) {
    for (const double* p : {thickness, lam, mu_M, eta_M, mu_K, eta_K})
        if (p == nullptr) throw std::invalid_argument("a model column is a null pointer");
    viscoann::EarthModel m;
    for (size_t i = 0; i <= n_layers; ++i) {
        const viscoann::Layer l{thickness[i], lam[i], {mu_M[i], eta_M[i], mu_K[i], eta_K[i]}};
        if (i < n_layers)
            m.layers.push_back(l);
        else
            m.halfspace = l;
    }
    return m;
}

extern "C" {

const char* viscoann_status_string(viscoann_status status) {
    switch (status) {
        case VISCOANN_OK:
            return "ok";
        case VISCOANN_INVALID_ARGUMENT:
            return "invalid argument";
        case VISCOANN_IO_ERROR:
            return "i/o error";
        case VISCOANN_FORMAT_ERROR:
            return "malformed or unsupported file";
        case VISCOANN_UNAVAILABLE:
            return "unavailable";
        case VISCOANN_OUT_OF_MEMORY:
            return "out of memory";
        case VISCOANN_INTERNAL_ERROR:
            return "internal error";
    }
    return "unknown status";
}

const char* viscoann_last_error(void) { return viscoann::detail::c_last_error().c_str(); }

const char* viscoann_version(void) { return VISCOANN_VERSION; }

int viscoann_cuda_available(void) { return viscoann::cuda_available() ? 1 : 0; }

viscoann_status viscoann_okada_point(size_t n, const double* x, const double* y, const double* z,
                                     double depth, double dip, const double potency[4],
                                     double alpha, double* u, double* g, unsigned char* singular,
                                     size_t* n_singular, int threads) {
    return c_guard([&] {
        using viscoann::Column;
        if (potency == nullptr) throw std::invalid_argument("potency is a null pointer");
        const viscoann::OkadaPoints pts{Column::array(x), Column::array(y), Column::array(z)};
        const viscoann::OkadaPointSources src{
            Column::scalar(depth),      Column::scalar(dip),        Column::scalar(potency[0]),
            Column::scalar(potency[1]), Column::scalar(potency[2]), Column::scalar(potency[3]),
            Column::scalar(alpha)};
        const std::size_t s = viscoann::okada_point(n, pts, src, u, g, singular, threads);
        if (n_singular) *n_singular = s;
    });
}

viscoann_status viscoann_okada_rectangle(size_t n, const double* x, const double* y,
                                         const double* z, double depth, double dip, double al1,
                                         double al2, double aw1, double aw2, const double slip[3],
                                         double alpha, double* u, double* g,
                                         unsigned char* singular, size_t* n_singular, int threads) {
    return c_guard([&] {
        using viscoann::Column;
        if (slip == nullptr) throw std::invalid_argument("slip is a null pointer");
        const viscoann::OkadaPoints pts{Column::array(x), Column::array(y), Column::array(z)};
        const viscoann::OkadaRectSources src{Column::scalar(depth),   Column::scalar(dip),
                                             Column::scalar(al1),     Column::scalar(al2),
                                             Column::scalar(aw1),     Column::scalar(aw2),
                                             Column::scalar(slip[0]), Column::scalar(slip[1]),
                                             Column::scalar(slip[2]), Column::scalar(alpha)};
        const std::size_t s = viscoann::okada_rectangle(n, pts, src, u, g, singular, threads);
        if (n_singular) *n_singular = s;
    });
}

viscoann_status viscoann_seed_displacement(size_t n, const double* x, const double* y,
                                           const double* t, double depth, double eta_M,
                                           double eta_K, double* out, int threads) {
    return c_guard([&] {
        viscoann::GreensOptions o;
        o.threads = threads;
        viscoann::canonical_displacement(viscoann::EarthModel::canonical(eta_M, eta_K), depth, n, x,
                                         y, t, out, o);
    });
}

viscoann_status viscoann_canonical_displacement(size_t n_layers, const double* thickness,
                                                const double* lam, const double* mu_M,
                                                const double* eta_M, const double* mu_K,
                                                const double* eta_K, size_t n, const double* x,
                                                const double* y, const double* t, double depth,
                                                double* out, int threads) {
    return c_guard([&] {
        viscoann::GreensOptions o;
        o.threads = threads;
        viscoann::canonical_displacement(
            c_model(n_layers, thickness, lam, mu_M, eta_M, mu_K, eta_K), depth, n, x, y, t, out, o);
    });
}

viscoann_status viscoann_point_source_displacement(size_t n_layers, const double* thickness,
                                                   const double* lam, const double* mu_M,
                                                   const double* eta_M, const double* mu_K,
                                                   const double* eta_K, size_t n, const double* x,
                                                   const double* y, const double* t, double depth,
                                                   double dip, const double potency[4], double* out,
                                                   int threads) {
    return c_guard([&] {
        if (potency == nullptr) throw std::invalid_argument("potency is a null pointer");
        viscoann::GreensOptions o;
        o.threads = threads;
        viscoann::point_source_displacement(
            c_model(n_layers, thickness, lam, mu_M, eta_M, mu_K, eta_K), depth, dip, potency, n, x,
            y, t, out, o);
    });
}

viscoann_status viscoann_potency_tensor_displacement(size_t n_layers, const double* thickness,
                                                     const double* lam, const double* mu_M,
                                                     const double* eta_M, const double* mu_K,
                                                     const double* eta_K, size_t n, const double* x,
                                                     const double* y, const double* t, double depth,
                                                     const double potency[6], double* out,
                                                     int threads) {
    return c_guard([&] {
        if (potency == nullptr) throw std::invalid_argument("potency is a null pointer");
        viscoann::GreensOptions o;
        o.threads = threads;
        const viscoann::PotencyTensor p{potency[0], potency[1], potency[2],
                                        potency[3], potency[4], potency[5]};
        viscoann::point_source_displacement(
            c_model(n_layers, thickness, lam, mu_M, eta_M, mu_K, eta_K), depth, p, n, x, y, t, out,
            o);
    });
}

}  // extern "C"
