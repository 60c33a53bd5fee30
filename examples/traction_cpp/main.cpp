// A simulator-style use of the installed viscoann through its C++ API
// (viscoann/traction.hpp): the traction kernels of a 4 x 4-patch vertical strike-slip fault
// in a 15 km elastic lid over a Maxwell half-space (3 km patches from 3 to 15 km), one block
// for the whole matrix at 3 times.
// Exits non-zero if a self-term does not unload its patch or a flag is not the self-term's.
#include <cmath>
#include <cstdio>
#include <exception>
#include <vector>

#include "viscoann/traction.hpp"

int main() try {
    using namespace viscoann;
    EarthModel model;
    model.layers.push_back({15e3, 30e9, Rheology::elastic(30e9)});
    model.halfspace = Layer{0.0, 30e9, Rheology::maxwell(30e9, 1e19)};
    const int ns = 4, nd = 4, n = ns * nd;
    std::vector<FaultPatch> patches;
    for (int d = 0; d < nd; ++d)
        for (int s = 0; s < ns; ++s)  // strike east, left-lateral (rake 0); 3 x 3 km patches
            patches.push_back(
                {(s + 0.5) * 3e3, 0.0, 3e3 + (d + 0.5) * 3e3, 90.0, 90.0, 0.0, 3e3, 3e3});
    const TractionKernels k(model, patches, {}, 1e-5);
    const double year = 365.25 * 86400.0;
    const std::vector<double> times{0.0, 1.0 * year, 10.0 * year};
    std::vector<std::size_t> idx(n);
    for (int i = 0; i < n; ++i) idx[std::size_t(i)] = std::size_t(i);
    std::vector<double> K(times.size() * n * n * 3);
    std::vector<std::uint8_t> flags(n * n);
    k.block(n, idx.data(), n, idx.data(), times.size(), times.data(), K.data(), flags.data());
    int bad = 0;
    for (std::size_t it = 0; it < times.size(); ++it) {
        // The deepest patch (15) rests on the Maxwell half-space: its self-term relaxes.
        std::printf(
            "t = %5.1f yr: self-terms of patches 0, 15 (shear along strike) %.5f, %.5f "
            "MPa/m\n",
            times[it] / year, K[((it * n + 0) * n + 0) * 3] * 1e-6,
            K[((it * n + 15) * n + 15) * 3] * 1e-6);
        for (int i = 0; i < n; ++i)
            if (!(K[((it * n + i) * n + i) * 3] < 0.0)) bad = 1;
    }
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            if (flags[std::size_t(i * n + j)] != (i == j ? traction_self : traction_ok)) bad = 1;
    std::printf(bad ? "FAILED\n" : "ok\n");
    return bad;
} catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
}
