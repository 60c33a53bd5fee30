// Surrogate (surrogate.cpp) and its C API (c_api_surrogate.cpp) on the tiny test model:
// predictions equal tests/data/surrogate_tiny_expected.csv; status codes for bad calls; input
// checks, strict and postseismic (also on the shipped model).
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"
#include "viscoann.h"
#include "viscoann/errors.hpp"
#include "viscoann/surrogate.hpp"

static const std::string data_dir = VISCOANN_SHARED_REFS;
static const std::string shipped = data_dir + "/../../python/viscoann/models/canonical.safetensors";

// Physically impossible inputs are errors naming the value and the allowed range; strict
// refuses points outside the training domain; postseismic leaves out Okada's u(0); the
// epicentre is the r -> 0 limit, 0 (C++ and C, on the shipped model and the tiny one).
static void checks_and_flags(const viscoann::Surrogate& tiny) {
    const double yr = 365.25 * 86400.0;
    std::vector<double> X = {10e3, 5e3,  7.9e3, 10 * yr,  1e19, 1e18,  // inside
                             0.0,  0.0,  5e3,   0.5 * yr, 3e20, 2e19,  // the epicentre
                             -3e3, 60e3, 12e3,  60 * yr,  1e18, 1e17};
    const std::size_t n = 3;
    std::vector<double> u(3 * n);
    struct Bad {
        std::size_t col;
        double v;
        const char* msg;
    };
    for (const Bad& b :
         {Bad{2, -5e3, "X[1, 2] (depth) = -5000 is invalid; allowed: finite and > 0 m"},
          Bad{2, 0.0, "X[1, 2] (depth) = 0 is invalid"},
          Bad{3, -1.0, "X[1, 3] (t) = -1 is invalid; allowed: finite and >= 0 s"},
          Bad{4, 0.0, "X[1, 4] (eta_M) = 0 is invalid; allowed: finite and > 0 Pa s"},
          Bad{5, -1e18, "X[1, 5] (eta_K) = -1e+18 is invalid"},
          Bad{0, NAN, "X[1, 0] (x) = nan is invalid; allowed: finite"},
          Bad{1, INFINITY, "X[1, 1] (y) = inf is invalid"}}) {
        std::vector<double> Xb = X;
        Xb[6 + b.col] = b.v;
        CHECK_THROWS(tiny.predict(Xb.data(), n, u.data()), std::invalid_argument, b.msg);
        bool mask[3];
        CHECK_THROWS(tiny.in_domain(Xb.data(), n, mask), std::invalid_argument, b.msg);
    }
    // Untrained but physical: evaluated; strict refuses it, naming the count and the value.
    std::vector<double> Xo = X;
    Xo[6 * 2 + 2] = 16e3;  // depth 16 km, below the trained 14 km
    tiny.predict(Xo.data(), n, u.data());
    viscoann::PredictOptions strict;
    strict.strict = true;
    tiny.predict(X.data(), n, u.data(), strict);
    CHECK_THROWS(tiny.predict(Xo.data(), n, u.data(), strict), std::invalid_argument,
                 "1 of 3 points lie outside the training domain (strict); first: X[2, 2] (depth) "
                 "= 16000, trained on [1000, 14000] m");
    // 100 yr met up to rounding is inside (np.logspace ends at 3.1557600000000005e9 s).
    Xo = X;
    Xo[6 * 2 + 3] = 3.1557600000000005e9;
    tiny.predict(Xo.data(), n, u.data(), strict);
    Xo[6 * 2 + 3] = 100 * yr * (1 + 1e-8);
    CHECK_THROWS(tiny.predict(Xo.data(), n, u.data(), strict), std::invalid_argument, "(t)");
    // Grids: impossible axis values name the axis; per-axis counts outside the domain.
    const double gx[2] = {0.0, 150e3}, gy[2] = {0.0, 0.0}, gd[2] = {5e3, -1.0}, gt[1] = {yr};
    const double em[1] = {1e19}, ek[1] = {1e18};
    viscoann::InputGrid g;
    g.x = gx, g.y = gy, g.n_points = 2, g.depths = gd, g.n_depths = 1, g.times = gt;
    g.n_times = 1, g.eta_M = em, g.eta_K = ek, g.n_etas = 1;
    CHECK(tiny.grid_outside_domain(g) == (std::vector<std::size_t>{1, 0, 0, 0, 0, 0}));
    CHECK_THROWS(tiny.predict_grid(g, u.data(), strict), std::invalid_argument,
                 "1 of 2 x lie outside the training domain (strict)");
    g.n_depths = 2;
    std::vector<double> ug(12);
    CHECK_THROWS(tiny.predict_grid(g, ug.data()), std::invalid_argument,
                 "depths[1] = -1 is invalid; allowed: finite and > 0 m");
    CHECK_THROWS(tiny.grid_outside_domain(g), std::invalid_argument, "depths[1] = -1");
    viscoann::PredictOptions post;
    post.postseismic = true;
    CHECK_THROWS(tiny.predict(X.data(), n, u.data(), post), std::invalid_argument,
                 "postseismic = true needs a model whose engine adds an exact elastic part");

    // The shipped model through the C API: postseismic = full - Okada, r = 0 gives 0.
    viscoann_surrogate* net = nullptr;
    CHECK(viscoann_surrogate_load(shipped.c_str(), &net) == VISCOANN_OK);
    std::vector<double> full(3 * n), ps(3 * n);
    CHECK(viscoann_surrogate_predict_ex(net, VISCOANN_ENGINE_CPU, VISCOANN_PREDICT_DEFAULT,
                                        X.data(), n, full.data(), 1) == VISCOANN_OK);
    CHECK(viscoann_surrogate_predict_ex(net, VISCOANN_ENGINE_CPU,
                                        VISCOANN_PREDICT_POSTSEISMIC | VISCOANN_PREDICT_STRICT,
                                        X.data(), n, ps.data(), 1) == VISCOANN_OK);
    const double pot[4] = {1.0, 0.0, 0.0, 0.0};
    for (std::size_t p = 0; p < n; ++p) {
        const double z = 0.0;
        double el[3];
        CHECK(viscoann_okada_point(1, &X[6 * p], &X[6 * p + 1], &z, X[6 * p + 2], 90.0, pot,
                                   2.0 / 3.0, el, nullptr, nullptr, nullptr, 1) == VISCOANN_OK);
        for (int j = 0; j < 3; ++j)
            CHECK_NEAR(full[3 * p + j] - ps[3 * p + j], el[j], 1e-12 * std::fabs(full[3 * p + j]));
    }
    for (int j = 0; j < 3; ++j) CHECK(full[3 + j] == 0.0 && ps[3 + j] == 0.0);
    CHECK(viscoann_surrogate_predict_ex(net, VISCOANN_ENGINE_CPU, 4u, X.data(), n, ps.data(), 1) ==
          VISCOANN_INVALID_ARGUMENT);
    CHECK(std::strstr(viscoann_last_error(), "flags = 4") != nullptr);
    Xo = X;
    Xo[6 * 2] = 150e3;
    CHECK(viscoann_surrogate_predict_ex(net, VISCOANN_ENGINE_CPU, VISCOANN_PREDICT_STRICT,
                                        Xo.data(), n, ps.data(), 1) == VISCOANN_INVALID_ARGUMENT);
    CHECK(std::strstr(viscoann_last_error(), "X[2, 0] (x) = 150000") != nullptr);
    viscoann_surrogate_free(net);
}

int main() {
    std::ifstream csv(data_dir + "/surrogate_tiny_expected.csv");
    std::string line;
    std::getline(csv, line);
    std::vector<double> X, expected;
    while (std::getline(csv, line)) {
        std::stringstream ss(line);
        std::string cell;
        for (int k = 0; std::getline(ss, cell, ','); ++k)
            (k < 6 ? X : expected).push_back(std::stod(cell));
    }
    const std::size_t n = X.size() / 6;
    CHECK(n == 5);
    double scale = 0;
    for (double v : expected) scale = std::fmax(scale, std::fabs(v));

    // C++
    const auto net = viscoann::Surrogate::load(data_dir + "/surrogate_tiny.safetensors");
    CHECK(net.widths() == (std::vector<int>{6, 8, 8, 3}));
    CHECK(net.input_names()[4] == "eta_M" && net.output_units()[2] == "m/m^3");
    CHECK(net.domain_lower()[5] == 1e17 && net.domain_upper()[2] == 14e3);
    std::vector<double> u(n * 3);
    net.predict(X.data(), n, u.data());
    for (std::size_t k = 0; k < u.size(); ++k) CHECK_NEAR(u[k], expected[k], 1e-5 * scale);
    viscoann::PredictOptions cuda;
    cuda.device = viscoann::Device::cuda;
    if (!viscoann::cuda_available())
        CHECK_THROWS(net.predict(X.data(), n, u.data(), cuda), viscoann::Unavailable, "cuda");

    // C
    viscoann_surrogate* s = nullptr;
    CHECK(viscoann_surrogate_load((data_dir + "/surrogate_tiny.safetensors").c_str(), &s) ==
          VISCOANN_OK);
    CHECK(viscoann_surrogate_n_inputs(s) == 6 && viscoann_surrogate_n_outputs(s) == 3);
    std::vector<double> uc(n * 3);
    CHECK(viscoann_surrogate_predict(s, X.data(), n, uc.data(), 2) == VISCOANN_OK);
    CHECK(uc == u);
    CHECK(viscoann_surrogate_predict_on(s, VISCOANN_ENGINE_CPU, X.data(), n, uc.data(), 1) ==
          VISCOANN_OK);
    CHECK(uc == u);
    if (!viscoann::cuda_available()) {
        CHECK(viscoann_surrogate_predict_on(s, VISCOANN_ENGINE_CUDA_FP32, X.data(), n, uc.data(),
                                            0) == VISCOANN_UNAVAILABLE);
        CHECK(std::strstr(viscoann_last_error(), "device = 'cuda'") != nullptr);
    }
    CHECK(viscoann_surrogate_predict_on(s, static_cast<viscoann_engine>(7), X.data(), n, uc.data(),
                                        1) == VISCOANN_INVALID_ARGUMENT);
    CHECK(std::strstr(viscoann_last_error(), "engine = 7") != nullptr);
    std::vector<float> uf(n * 3);
    CHECK(viscoann_surrogate_predict_f32(s, X.data(), n, uf.data(), 1) == VISCOANN_OK);
    for (std::size_t k = 0; k < u.size(); ++k) CHECK(uf[k] == static_cast<float>(u[k]));
    std::vector<unsigned char> mask(n);
    std::size_t outside = 99;
    std::vector<double> Xo = X;
    Xo[6 * 3 + 4] = 1e22;  // point 3: eta_M above the domain
    CHECK(viscoann_surrogate_in_domain(s, Xo.data(), n, mask.data(), &outside) == VISCOANN_OK);
    CHECK(outside == 1 && mask[3] == 0 && mask[0] == 1);
    Xo[6 * 2 + 1] = NAN;
    CHECK(viscoann_surrogate_predict(s, Xo.data(), n, uc.data(), 1) == VISCOANN_INVALID_ARGUMENT);
    CHECK(std::strstr(viscoann_last_error(), "X[2, 1] (y)") != nullptr);
    CHECK(viscoann_surrogate_predict(nullptr, X.data(), n, uc.data(), 1) ==
          VISCOANN_INVALID_ARGUMENT);
    viscoann_surrogate_free(s);

    viscoann_surrogate* bad = reinterpret_cast<viscoann_surrogate*>(&scale);
    CHECK(viscoann_surrogate_load("/nonexistent.safetensors", &bad) == VISCOANN_IO_ERROR);
    CHECK(bad == nullptr);
    const char junk[] = "\x10\0\0\0\0\0\0\0{\"a\": 1}";
    CHECK(viscoann_surrogate_from_bytes(junk, sizeof junk - 1, &bad) == VISCOANN_FORMAT_ERROR);
    CHECK(std::strstr(viscoann_last_error(), "header length 16") != nullptr);
    viscoann_surrogate_free(nullptr);
    checks_and_flags(net);
    return check::report();
}
