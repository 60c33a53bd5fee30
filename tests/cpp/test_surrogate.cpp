// Surrogate (surrogate.cpp) and its C API (c_api_surrogate.cpp) on the shipped tiny model:
// predictions equal tests/data/surrogate_tiny_expected.csv; status codes for bad calls.
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
    return check::report();
}
