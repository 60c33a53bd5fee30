// Fused CPU engine (mlp_cpu*.cpp): the vector tanh's error bound on every CPU path, and the
// engine against a float64 reference forward pass on random nets for every path, thread
// count and batch size. `test_mlp_cpu full` scans every float for the tanh bound.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"
#include "mlp_cpu.hpp"
#include "mlp_model.hpp"
#include "viscoann/surrogate.hpp"

using namespace viscoann;
using detail::Activation;
using detail::MlpModel;

namespace {

std::vector<CpuIsa> paths() {
    std::vector<CpuIsa> out;
    for (CpuIsa isa : {CpuIsa::scalar, CpuIsa::avx2, CpuIsa::avx512})
        if (cpu_isa_supported(isa)) out.push_back(isa);
    return out;
}

void tanh_bound(std::uint32_t stride) {
    for (CpuIsa isa : paths()) {
        const auto e = detail::mlp_cpu_tanh_error(isa, stride);
        std::printf("tanh %-7s stride %u: max abs error %.3g at x = %.9g, max rel error %.3g\n",
                    cpu_isa_name(isa).c_str(), stride, e.max_abs, e.worst_x, e.max_rel);
        CHECK(e.max_abs <= 4.5e-7);
        CHECK(e.max_rel <= 4.5e-7);
    }
}

// Random model, the transforms included; widths/activations given.
MlpModel random_model(const std::vector<int>& widths, const std::vector<Activation>& acts,
                      unsigned seed) {
    std::mt19937 g(seed);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    MlpModel m;
    m.widths = widths;
    m.activations = acts;
    for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
        m.weight_offset.push_back(m.weights.size());
        m.bias_offset.push_back(m.biases.size());
        const float s = 1.0f / std::sqrt(static_cast<float>(widths[l]));
        for (int k = 0; k < widths[l] * widths[l + 1]; ++k) m.weights.push_back(s * nd(g));
        for (int k = 0; k < widths[l + 1]; ++k) m.biases.push_back(0.1f * nd(g));
    }
    for (int i = 0; i < widths.front(); ++i) {
        const bool lg = i % 3 == 2;
        m.in_log10.push_back(lg ? 1 : 0);
        m.in_shift.push_back(0.0);
        m.domain_lo.push_back(lg ? 1e17 : -1e5);
        m.domain_hi.push_back(lg ? 1e20 : 1e5);
        m.in_scale.push_back(lg ? 2.0 / 3.0 : 1e-5);
        m.in_offset.push_back(lg ? -37.0 / 3.0 : 0.0);
        m.input_names.push_back("in" + std::to_string(i));
    }
    for (int j = 0; j < widths.back(); ++j) {
        m.out_scale.push_back(1e-3 * (j + 1));
        m.out_offset.push_back(1e-4 * j);
    }
    return m;
}

std::vector<double> reference(const MlpModel& m, const std::vector<double>& X, std::size_t n) {
    const std::size_t n_in = m.n_inputs(), n_out = m.n_outputs();
    std::vector<double> out(n * n_out);
    for (std::size_t p = 0; p < n; ++p) {
        std::vector<double> h(n_in);
        for (std::size_t i = 0; i < n_in; ++i) {
            double v = X[p * n_in + i];
            if (m.in_log10[i]) v = std::log10(v);
            h[i] = m.in_scale[i] * v + m.in_offset[i];
        }
        for (std::size_t l = 0; l < m.n_layers(); ++l) {
            const int fi = m.widths[l], fo = m.widths[l + 1];
            std::vector<double> z(static_cast<std::size_t>(fo));
            for (int o = 0; o < fo; ++o) {
                double acc = m.biases[m.bias_offset[l] + o];
                for (int i = 0; i < fi; ++i)
                    acc += double(m.weights[m.weight_offset[l] + std::size_t(o) * fi + i]) * h[i];
                switch (m.activations[l]) {
                    case Activation::tanh:
                        acc = std::tanh(acc);
                        break;
                    case Activation::relu:
                        acc = acc > 0 ? acc : 0;
                        break;
                    case Activation::sigmoid:
                        acc = 1 / (1 + std::exp(-acc));
                        break;
                    default:
                        break;
                }
                z[o] = acc;
            }
            h = z;
        }
        for (std::size_t j = 0; j < n_out; ++j)
            out[p * n_out + j] = m.out_scale[j] * h[j] + m.out_offset[j];
    }
    return out;
}

void engine_matches_reference() {
    const Activation T = Activation::tanh, R = Activation::relu, S = Activation::sigmoid,
                     I = Activation::identity;
    const std::vector<std::pair<std::vector<int>, std::vector<Activation>>> nets = {
        {{6, 20, 20, 20, 20, 20, 20, 3}, {T, R, T, R, T, R, I}},
        {{6, 10, 10, 3}, {T, T, I}},
        {{6, 40, 40, 40, 3}, {R, T, S, I}},
        {{5, 128, 129, 2}, {T, R, I}},
        {{3, 1, 7, 1}, {S, T, I}},
    };
    std::mt19937 g(99);
    for (std::size_t k = 0; k < nets.size(); ++k) {
        const MlpModel m = random_model(nets[k].first, nets[k].second, 10 + unsigned(k));
        const std::size_t n = 997, n_in = m.n_inputs(), n_out = m.n_outputs();
        std::vector<double> X(n * n_in);
        for (std::size_t p = 0; p < n; ++p)
            for (std::size_t i = 0; i < n_in; ++i) {
                const double u = std::uniform_real_distribution<double>(0, 1)(g);
                X[p * n_in + i] = m.in_log10[i] ? std::pow(10.0, 17 + 3 * u) : -1e5 + 2e5 * u;
            }
        const auto ref = reference(m, X, n);
        double scale = 0;
        for (double v : ref) scale = std::max(scale, std::fabs(v));
        std::vector<double> first;
        for (CpuIsa isa : paths())
            for (int threads : {1, 2, 5}) {
                std::vector<double> out(n * n_out, -7.0);
                detail::mlp_cpu_predict(m, X.data(), n, out.data(), true, threads, isa);
                double err = 0;
                for (std::size_t q = 0; q < out.size(); ++q)
                    err = std::max(err, std::fabs(out[q] - ref[q]));
                CHECK(err <= 1e-5 * scale);
                if (threads == 1)
                    first = out;
                else
                    CHECK(out == first);  // threads never change a result
                std::vector<float> out32(n * n_out);
                detail::mlp_cpu_predict(m, X.data(), n, out32.data(), false, threads, isa);
                for (std::size_t q = 0; q < out.size(); ++q)
                    CHECK(out32[q] == static_cast<float>(out[q]));
            }
    }
}

void isa_names() {
    CHECK(parse_cpu_isa("avx2") == CpuIsa::avx2);
    CHECK(parse_cpu_isa("auto") == CpuIsa::automatic);
    CHECK_THROWS(parse_cpu_isa("neon9"), std::invalid_argument, "'neon9'");
    CHECK(cpu_isa_supported(CpuIsa::scalar));
    CHECK(fma_peak_gflops(1, 0.02) > 0.1);
}

// A bad value anywhere (full blocks take the vector-checked load, the tail the scalar one)
// is refused naming its row and column, on every path and thread count.
void bad_inputs_named() {
    const Activation T = Activation::tanh, I = Activation::identity;
    const MlpModel m = random_model({6, 8, 3}, {T, I}, 5);  // inputs 2 and 5 go through log10
    const std::size_t n = 997, n_in = 6;
    std::vector<double> X(n * n_in);
    for (std::size_t p = 0; p < n; ++p)
        for (std::size_t i = 0; i < n_in; ++i)
            X[p * n_in + i] = m.in_log10[i] ? 1e18 : 1.5 * double(i);
    const double nan = std::nan(""), inf = HUGE_VAL;
    struct Case {
        std::size_t row, col;
        double v;
    };
    const Case cases[] = {{0, 0, nan},    {37, 3, inf},  {63, 5, -1e19}, {64, 2, 0.0},
                          {130, 2, -0.0}, {500, 5, nan}, {959, 1, -inf}, {996, 2, -1.0}};
    std::vector<double> out(n * 3);
    for (CpuIsa isa : paths())
        for (int threads : {1, 2})
            for (const Case& c : cases) {
                std::vector<double> bad = X;
                bad[c.row * n_in + c.col] = c.v;
                bad[(c.row + 1) % n * n_in + 4] = nan;  // a later offender must not win
                if (c.row + 1 == n) bad[(c.row + 1) % n * n_in + 4] = 1.0;
                const std::string needle =
                    "X[" + std::to_string(c.row) + ", " + std::to_string(c.col) + "]";
                CHECK_THROWS(
                    detail::mlp_cpu_predict(m, bad.data(), n, out.data(), true, threads, isa),
                    std::invalid_argument, needle.c_str());
            }
}

}  // namespace

int main(int argc, char** argv) {
    const bool full = argc > 1 && std::strcmp(argv[1], "full") == 0;
    tanh_bound(full ? 1u : 4099u);
    engine_matches_reference();
    bad_inputs_named();
    isa_names();
    return check::report();
}
