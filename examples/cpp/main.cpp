// A C++ program using the installed viscoann (find_package(viscoann), viscoann::viscoann).
// Usage: example_cpp DATA_DIR (the repository's tests/data). Exits non-zero on a wrong number.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "viscoann/config.hpp"
#include "viscoann/device.hpp"
#include "viscoann/okada.hpp"
#include "viscoann/surrogate.hpp"

// ---- Okada: the canonical source at the first reference rows, checked ----
static int check_okada(const std::string& data_dir) {
    std::ifstream f(data_dir + "/okada/canonical_surface.csv");
    std::string line;
    if (!f || !std::getline(f, line)) {
        std::fprintf(stderr, "cannot read the reference file\n");
        return 2;
    }
    // The reference is Okada's Fortran in float64 (REAL*8 interface): allow 1e-9.
    int bad = 0, rows = 0;
    while (rows < 20 && std::getline(f, line)) {
        double v[6];
        std::stringstream ss(line);
        std::string cell;
        for (double& c : v) {
            std::getline(ss, cell, ',');
            c = std::stod(cell);
        }
        const auto r =
            viscoann::dc3d0(2.0 / 3.0, v[0], v[1], 0.0, v[2], 90.0, {1.0, 0.0, 0.0, 0.0});
        const double scale = std::max({std::fabs(v[3]), std::fabs(v[4]), std::fabs(v[5])});
        for (int k = 0; k < 3; ++k)
            if (!(std::fabs(r.u[k] - v[3 + k]) <= 1e-9 * scale)) ++bad;
        if (rows == 0)
            std::printf("u(%.0f, %.0f; depth %.0f m) = (%.6e, %.6e, %.6e) m per m^3\n", v[0], v[1],
                        v[2], r.u[0], r.u[1], r.u[2]);
        ++rows;
    }
    std::printf("%d rows checked, %d components off\n", rows, bad);
    return (bad == 0 && rows == 20) ? 0 : 1;
}

// ---- surrogate: load tests/data/surrogate_tiny.safetensors and check its predictions ----
static int check_surrogate(const std::string& data_dir) {
    const auto net = viscoann::Surrogate::load(data_dir + "/surrogate_tiny.safetensors");
    std::ifstream csv(data_dir + "/surrogate_tiny_expected.csv");
    std::string line;
    std::getline(csv, line);  // header
    std::vector<double> X, expected;
    while (std::getline(csv, line)) {
        std::stringstream ss(line);
        std::string cell;
        for (int k = 0; std::getline(ss, cell, ','); ++k)
            (k < 6 ? X : expected).push_back(std::stod(cell));
    }
    const std::size_t n = X.size() / 6;
    std::vector<double> u(n * 3);
    viscoann::PredictOptions options;
    options.threads = 2;
    net.predict(X.data(), n, u.data(), options);
    double scale = 0, err = 0;
    for (std::size_t k = 0; k < u.size(); ++k) {
        scale = std::fmax(scale, std::fabs(expected[k]));
        err = std::fmax(err, std::fabs(u[k] - expected[k]));
    }
    std::printf("surrogate %zu points: uz[0] = %.6e m per m^3, max error %.2e of scale\n", n, u[2],
                err / scale);
    return n == 5 && err <= 1e-5 * scale ? 0 : 1;
}

int main(int argc, char** argv) {
    std::printf("viscoann %s, CUDA GPU available: %d\n", VISCOANN_VERSION,
                viscoann::cuda_available() ? 1 : 0);
    int failed = 0;
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s <tests/data dir>\n", argv[0]);
        return 2;
    }
    try {
        failed |= check_okada(argv[1]);
        failed |= check_surrogate(argv[1]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return failed;
}
