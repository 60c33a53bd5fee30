// A C++ program using the installed viscoann (find_package(viscoann), viscoann::viscoann):
// Okada displacements of the canonical source, checked against the first reference rows of
// <data dir>/okada/canonical_surface.csv (argv[1]); exits non-zero if they disagree.
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

int main(int argc, char** argv) {
    std::printf("viscoann %s, CUDA GPU available: %d\n", VISCOANN_VERSION,
                viscoann::cuda_available() ? 1 : 0);
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s <tests/data dir>\n", argv[0]);
        return 2;
    }
    std::ifstream f(std::string(argv[1]) + "/okada/canonical_surface.csv");
    std::string line;
    if (!f || !std::getline(f, line)) {
        std::fprintf(stderr, "cannot read the reference file\n");
        return 2;
    }
    // The reference is Okada's REAL*4 Fortran: round the inputs to float, allow 1e-7.
    auto f32 = [](double v) { return static_cast<double>(static_cast<float>(v)); };
    int bad = 0, rows = 0;
    while (rows < 20 && std::getline(f, line)) {
        double v[6];
        std::stringstream ss(line);
        std::string cell;
        for (double& c : v) {
            std::getline(ss, cell, ',');
            c = std::stod(cell);
        }
        const auto r = viscoann::dc3d0(f32(2.0 / 3.0), f32(v[0]), f32(v[1]), 0.0, f32(v[2]), 90.0,
                                       {1.0, 0.0, 0.0, 0.0});
        const double scale = std::max({std::fabs(v[3]), std::fabs(v[4]), std::fabs(v[5])});
        for (int k = 0; k < 3; ++k)
            if (!(std::fabs(r.u[k] - v[3 + k]) <= 1e-7 * scale)) ++bad;
        if (rows == 0)
            std::printf("u(%.0f, %.0f; depth %.0f m) = (%.6e, %.6e, %.6e) m per m^3\n", v[0], v[1],
                        v[2], r.u[0], r.u[1], r.u[2]);
        ++rows;
    }
    std::printf("%d rows checked, %d components off\n", rows, bad);
    return (bad == 0 && rows == 20) ? 0 : 1;
}
