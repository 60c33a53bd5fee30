// C API of the surrogate engine (viscoann.h, "Surrogate" section): each call wraps the C++
// Surrogate in detail::c_guard. Kept apart from c_api.cpp so each section has its own file.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "c_api_guard.hpp"
#include "viscoann.h"
#include "viscoann/surrogate.hpp"

struct viscoann_surrogate {
    viscoann::Surrogate model;
};

using viscoann::detail::c_guard;

namespace {

const viscoann::Surrogate& get(const viscoann_surrogate* s) {
    if (!s) throw std::invalid_argument("surrogate = NULL");
    return s->model;
}

template <class Make>
viscoann_status make_handle(viscoann_surrogate** out, Make&& make) {
    return c_guard([&] {
        if (!out) throw std::invalid_argument("out = NULL (pointer to receive the surrogate)");
        *out = nullptr;
        *out = new viscoann_surrogate{make()};
    });
}

viscoann::PredictOptions cpu_threads(int threads) {
    viscoann::PredictOptions o;
    o.threads = threads;
    return o;
}

}  // namespace

extern "C" {

viscoann_status viscoann_surrogate_load(const char* path, viscoann_surrogate** out) {
    return make_handle(out, [&] {
        if (!path) throw std::invalid_argument("path = NULL");
        return viscoann::Surrogate::load(path);
    });
}

viscoann_status viscoann_surrogate_from_bytes(const void* data, size_t size,
                                              viscoann_surrogate** out) {
    return make_handle(out, [&] { return viscoann::Surrogate::from_bytes(data, size); });
}

void viscoann_surrogate_free(viscoann_surrogate* surrogate) { delete surrogate; }

size_t viscoann_surrogate_n_inputs(const viscoann_surrogate* s) {
    return s ? s->model.n_inputs() : 0;
}

size_t viscoann_surrogate_n_outputs(const viscoann_surrogate* s) {
    return s ? s->model.n_outputs() : 0;
}

viscoann_status viscoann_surrogate_predict(const viscoann_surrogate* s, const double* X, size_t n,
                                           double* out, int threads) {
    return c_guard([&] { get(s).predict(X, n, out, cpu_threads(threads)); });
}

viscoann_status viscoann_surrogate_predict_ex(const viscoann_surrogate* s, viscoann_engine engine,
                                              unsigned flags, const double* X, size_t n,
                                              double* out, int threads) {
    return c_guard([&] {
        viscoann::PredictOptions o = cpu_threads(threads);
        constexpr unsigned known = VISCOANN_PREDICT_POSTSEISMIC | VISCOANN_PREDICT_STRICT;
        if (flags & ~known)
            throw std::invalid_argument("flags = " + std::to_string(flags) +
                                        " has bits that are no viscoann_predict_flag (known: " +
                                        std::to_string(known) + ")");
        o.postseismic = (flags & VISCOANN_PREDICT_POSTSEISMIC) != 0;
        o.strict = (flags & VISCOANN_PREDICT_STRICT) != 0;
        switch (engine) {
            case VISCOANN_ENGINE_CPU:
                break;
            case VISCOANN_ENGINE_CUDA_FP32:
                o.device = viscoann::Device::cuda;
                break;
            case VISCOANN_ENGINE_CUDA_TENSOR:
                o.device = viscoann::Device::cuda;
                o.precision = viscoann::CudaPrecision::tensor_fp16;
                break;
            default:
                throw std::invalid_argument("engine = " + std::to_string(static_cast<int>(engine)) +
                                            " is not a viscoann_engine (0, 1 or 2)");
        }
        get(s).predict(X, n, out, o);
    });
}

viscoann_status viscoann_surrogate_predict_on(const viscoann_surrogate* s, viscoann_engine engine,
                                              const double* X, size_t n, double* out, int threads) {
    return viscoann_surrogate_predict_ex(s, engine, VISCOANN_PREDICT_DEFAULT, X, n, out, threads);
}

viscoann_status viscoann_surrogate_predict_f32(const viscoann_surrogate* s, const double* X,
                                               size_t n, float* out, int threads) {
    return c_guard([&] { get(s).predict(X, n, out, cpu_threads(threads)); });
}

viscoann_status viscoann_surrogate_in_domain(const viscoann_surrogate* s, const double* X, size_t n,
                                             unsigned char* mask, size_t* n_outside) {
    return c_guard([&] {
        const auto& m = get(s);
        if (n && !mask) throw std::invalid_argument("mask = NULL with n = " + std::to_string(n));
        std::unique_ptr<bool[]> flags(new bool[n ? n : 1]);
        const std::size_t outside = m.in_domain(X, n, flags.get());
        for (size_t i = 0; i < n; ++i) mask[i] = flags[i] ? 1 : 0;
        if (n_outside) *n_outside = outside;
    });
}

}  // extern "C"
