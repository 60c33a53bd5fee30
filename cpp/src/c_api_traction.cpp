// C API of the traction kernels (viscoann.h, "Traction kernels" section): each call wraps the
// C++ TractionKernels in detail::c_guard.
#include <memory>
#include <stdexcept>
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

}  // extern "C"
