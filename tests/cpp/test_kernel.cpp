// The neural kernel's engine in C++ (kernel.hpp, basis_synthesis.hpp): each ISA's product
// and (source, point) pair kernels against plain loops over shapes with ragged edges; the C API
// (viscoann.h) against the C++ call on tests/data/kernel_tiny.safetensors (sources grouped by
// depth, offsets from each source); the C API's statuses for bad arguments and files.
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "basis_synthesis.hpp"
#include "check.hpp"
#include "viscoann.h"
#include "viscoann/kernel.hpp"

namespace {

const std::string data_dir = VISCOANN_SHARED_REFS;

void gemm_kernels() {
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<viscoann::detail::GemmKernel> kernels = {viscoann::detail::gemm_scalar};
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        kernels.push_back(viscoann::detail::gemm_avx2);
    if (__builtin_cpu_supports("avx512f")) kernels.push_back(viscoann::detail::gemm_avx512);
#endif
    const std::size_t shapes[][3] = {
        {1, 1, 1}, {7, 13, 5}, {4, 24, 36}, {9, 50, 12}, {13, 192, 120}};
    for (auto gemm : kernels)
        for (const auto& s : shapes) {
            const std::size_t R = s[0], N = s[1], Kd = s[2];
            const std::size_t ldb = (N + 23) / 24 * 24, ldo = N + 3;
            std::vector<double> A(R * Kd), B(Kd * ldb), out(R * ldo), ref;
            for (auto& v : A) v = u(rng);
            for (auto& v : B) v = u(rng);
            for (auto& v : out) v = u(rng);
            ref = out;
            for (std::size_t r = 0; r < R; ++r)
                for (std::size_t j = 0; j < N; ++j)
                    for (std::size_t k = 0; k < Kd; ++k)
                        ref[r * ldo + j] += A[r * Kd + k] * B[k * ldb + j];
            gemm(R, N, Kd, A.data(), Kd, B.data(), ldb, out.data(), ldo);
            for (std::size_t i = 0; i < out.size(); ++i) CHECK_NEAR(out[i], ref[i], 1e-12);
        }
}

void pair_kernels() {
    using namespace viscoann::detail;
    std::vector<PairKernel> kernels = {pair_scalar};
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        kernels.push_back(pair_avx2);
    if (__builtin_cpu_supports("avx512f")) kernels.push_back(pair_avx512);
#endif
    std::mt19937 rng(12);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    // Active functions with gaps; weights with zeros in every pattern (a zero's update is
    // skipped: it must still give the plain loop's sum).
    const std::vector<std::size_t> fa = {0, 2, 3, 5, 9};
    for (auto pair : kernels)
        for (std::size_t K : {1, 4, 12, 13, 16}) {
            const std::size_t FK = 10 * K, na = fa.size(), Ka = na * K;
            std::vector<double> r(4 * FK), a(3 * Ka), ref, W(30);
            for (auto& v : r) v = u(rng);
            for (auto& v : a) v = u(rng);
            for (std::size_t i = 0; i < W.size(); ++i) W[i] = i % 4 == 1 ? 0.0 : u(rng);
            const double w[4] = {u(rng), u(rng), u(rng), u(rng)};
            ref = a;
            for (std::size_t ia = 0; ia < na; ++ia)
                for (std::size_t k = 0; k < K; ++k)
                    for (std::size_t c = 0; c < 3; ++c)
                        for (std::size_t s = 0; s < 4; ++s)
                            ref[c * Ka + ia * K + k] +=
                                W[c * 10 + fa[ia]] * w[s] * r[s * FK + fa[ia] * K + k];
            pair(K, FK, na, fa.data(), r.data(), w, W.data(), a.data());
            for (std::size_t i = 0; i < a.size(); ++i) CHECK_NEAR(a[i], ref[i], 1e-14);
        }
}

void c_api_matches_cpp() {
    const std::string path = data_dir + "/kernel_tiny.safetensors";
    const auto k = viscoann::NeuralKernel::load(path);
    viscoann_kernel* h = nullptr;
    CHECK(viscoann_kernel_create(path.c_str(), &h) == VISCOANN_OK);
    // Two depths: sources 0 and 2 at 5 km, source 1 at 11 km.
    const double src[3][9] = {{1e3, -2e3, 5e3, 0.1, -0.2, 0.3, -0.5, 0.05, 0.02},
                              {-4e3, 3e3, 11e3, 0, 0, 0, -0.5, 0, 0},
                              {0.0, 0.0, 5e3, 0, 0, 1, 0, 0.3, -0.1}};
    const std::size_t S = 6, T = 3;
    const double east[S] = {0, 10e3, -30e3, 50e3, 2e3, 100e3};
    const double north[S] = {0, 5e3, 20e3, -60e3, -1e3, 0};
    const double times[T] = {0.0, 3.15576e7, 3.15576e9};
    const double eta_M = 1e19, eta_K = INFINITY, H = 25e3;
    std::vector<double> out(T * S * 3, -1.0), ref(T * S * 3, 0.0);
    std::size_t n_out = 99;
    CHECK(viscoann_kernel_displacement(h, 3, &src[0][0], S, east, north, T, times, eta_M, eta_K, H,
                                       out.data(), &n_out) == VISCOANN_OK);
    CHECK(n_out == 0);
    const viscoann::KernelModels models{1, &eta_M, &eta_K, &H};
    const viscoann::KernelQuantity u = viscoann::KernelQuantity::u;
    const std::size_t groups[2][2] = {{0, 2}, {1, 1}};
    for (const auto& g : groups) {
        const std::size_t m = g[0] == g[1] ? 1 : 2;
        std::vector<viscoann::PotencyTensor> p;
        std::vector<double> x, y;
        for (std::size_t j = 0; j < m; ++j) {
            const double* s = src[g[j]];
            p.push_back({s[3], s[4], s[5], s[6], s[7], s[8]});
            for (std::size_t i = 0; i < S; ++i) x.push_back(east[i] - s[0]);
            for (std::size_t i = 0; i < S; ++i) y.push_back(north[i] - s[1]);
        }
        k.displacement(src[g[0]][2], models, T, times, m, p.data(), S, x.data(), y.data(), 1, &u,
                       ref.data());
    }
    double scale = 0.0;
    for (double v : ref) scale = std::fmax(scale, std::fabs(v));
    CHECK(scale > 0.0);
    for (std::size_t i = 0; i < out.size(); ++i) CHECK_NEAR(out[i], ref[i], 1e-13 * scale);
    // Out of the family: H = 60 km (counted per depth group and time), still evaluated.
    const double H_out = 60e3;
    CHECK(viscoann_kernel_displacement(h, 3, &src[0][0], S, east, north, T, times, eta_M, eta_K,
                                       H_out, out.data(), &n_out) == VISCOANN_OK);
    CHECK(n_out == 2 * T);
    // Bad arguments: statuses with the value named.
    CHECK(viscoann_kernel_displacement(h, 3, &src[0][0], S, east, north, T, times, -1.0, eta_K, H,
                                       out.data(), nullptr) == VISCOANN_INVALID_ARGUMENT);
    CHECK(std::string(viscoann_last_error()).find("eta_M[0] = -1 is invalid") != std::string::npos);
    const double far[1] = {800e3};  // the basis reaches 30.2 H = 755 km at H = 25 km
    CHECK(viscoann_kernel_displacement(h, 1, &src[0][0], 1, far, north, T, times, eta_M, eta_K, H,
                                       out.data(), nullptr) == VISCOANN_INVALID_ARGUMENT);
    CHECK(std::string(viscoann_last_error()).find("beyond the kernel's basis") !=
          std::string::npos);
    CHECK(viscoann_kernel_displacement(nullptr, 0, nullptr, 0, nullptr, nullptr, 0, nullptr, 1e19,
                                       1e18, 2e4, nullptr, nullptr) == VISCOANN_INVALID_ARGUMENT);
    viscoann_kernel_destroy(h);
    viscoann_kernel* bad = nullptr;
    CHECK(viscoann_kernel_create((data_dir + "/surrogate_tiny.safetensors").c_str(), &bad) ==
          VISCOANN_FORMAT_ERROR);
    CHECK(bad == nullptr);
    CHECK(std::string(viscoann_last_error()).find("not a neural kernel") != std::string::npos);
    CHECK(viscoann_kernel_create((data_dir + "/missing.safetensors").c_str(), &bad) ==
          VISCOANN_IO_ERROR);
    viscoann_kernel_destroy(nullptr);
}

}  // namespace

int main() {
    gemm_kernels();
    pair_kernels();
    c_api_matches_cpp();
    return check::report();
}
