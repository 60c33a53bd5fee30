// C API of the traction kernels (viscoann.h, "Traction kernels" section): each call wraps the
// C++ TractionKernels in detail::c_guard.
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "c_api_guard.hpp"
#include "c_api_model.hpp"
#include "viscoann.h"
#include "viscoann/traction.hpp"

struct viscoann_traction {
    std::unique_ptr<viscoann::TractionKernels> kernels;
};

using viscoann::detail::c_guard;

namespace {

const viscoann::TractionKernels& get(const viscoann_traction* t) {
    if (!t) throw std::invalid_argument("traction = NULL");
    return *t->kernels;
}

}  // namespace

extern "C" {

viscoann_status viscoann_traction_create(size_t n_layers, const double* thickness,
                                         const double* lam, const double* mu_M, const double* eta_M,
                                         const double* mu_K, const double* eta_K, size_t n_patches,
                                         const viscoann_patch* patches, double tol, int threads,
                                         viscoann_traction** out) {
    return c_guard([&] {
        if (!out) throw std::invalid_argument("out = NULL (pointer to receive the handle)");
        *out = nullptr;
        if (n_patches > 0 && !patches) throw std::invalid_argument("patches = NULL");
        const auto model =
            viscoann::detail::c_model(n_layers, thickness, lam, mu_M, eta_M, mu_K, eta_K);
        std::vector<viscoann::FaultPatch> p(n_patches);
        for (size_t i = 0; i < n_patches; ++i) {
            const viscoann_patch& c = patches[i];
            p[i] = {c.east, c.north, c.depth, c.strike, c.dip, c.rake, c.length, c.width};
        }
        viscoann::GreensOptions o;
        o.threads = threads;
        auto k = std::make_unique<viscoann::TractionKernels>(model, std::move(p), o, tol);
        *out = new viscoann_traction{std::move(k)};
    });
}

void viscoann_traction_destroy(viscoann_traction* traction) { delete traction; }

size_t viscoann_traction_size(const viscoann_traction* traction) {
    return traction ? traction->kernels->size() : 0;
}

viscoann_status viscoann_traction_block(const viscoann_traction* traction, size_t n_rows,
                                        const size_t* rows, size_t n_cols, const size_t* cols,
                                        size_t n_times, const double* times, double* out) {
    return c_guard(
        [&] { get(traction).block(n_rows, rows, n_cols, cols, n_times, times, out, nullptr); });
}

viscoann_status viscoann_traction_block_flags(const viscoann_traction* traction, size_t n_rows,
                                              const size_t* rows, size_t n_cols, const size_t* cols,
                                              size_t n_times, const double* times, double* out,
                                              unsigned char* flags) {
    return c_guard([&] {
        if (!flags && n_rows * n_cols > 0) throw std::invalid_argument("flags = NULL");
        get(traction).block(n_rows, rows, n_cols, cols, n_times, times, out, flags);
    });
}

size_t viscoann_traction_n_panels(const viscoann_traction* traction) {
    return traction ? traction->kernels->n_panels() : 0;
}

viscoann_status viscoann_traction_panel_tables(const viscoann_traction* traction, size_t panel,
                                               size_t n_times, const double* times, double* out,
                                               size_t* size) {
    return c_guard([&] {
        if (!size) throw std::invalid_argument("size = NULL");
        const auto& k = get(traction);
        const size_t want = k.panel_table_size(panel, n_times);
        if (!out) {
            *size = want;
            return;
        }
        if (*size != want)
            throw std::invalid_argument("size = " + std::to_string(*size) +
                                        " is invalid; allowed: " + std::to_string(want) +
                                        " (panel " + std::to_string(panel) + "'s values)");
        const std::vector<double> t = k.panel_tables(panel, n_times, times);
        std::copy(t.begin(), t.end(), out);
    });
}

viscoann_status viscoann_traction_set_panel_tables(const viscoann_traction* traction, size_t panel,
                                                   size_t n_times, const double* times,
                                                   const double* data, size_t size) {
    return c_guard([&] { get(traction).set_panel_tables(panel, n_times, times, data, size); });
}

}  // extern "C"
