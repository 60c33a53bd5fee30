// A C++ program using the installed viscoann (find_package(viscoann), viscoann::viscoann).
// Usage: example_cpp DATA_DIR (the repository's tests/data). Exits non-zero on a wrong number.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "viscoann/config.hpp"
#include "viscoann/device.hpp"
#include "viscoann/surrogate.hpp"

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
    try {
        if (argc > 1) failed |= check_surrogate(argv[1]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return failed;
}
