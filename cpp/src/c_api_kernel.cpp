// C API of the neural kernel (viscoann.h, "Neural kernel" section): each call wraps the C++
// NeuralKernel in detail::c_guard; sources are grouped by depth (one kernel call per depth).
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "c_api_guard.hpp"
#include "viscoann.h"
#include "viscoann/kernel.hpp"

struct viscoann_kernel {
    viscoann::NeuralKernel kernel;
};

using viscoann::detail::c_guard;

extern "C" {

viscoann_status viscoann_kernel_create(const char* path, viscoann_kernel** out) {
    return c_guard([&] {
        if (!out) throw std::invalid_argument("out = NULL (pointer to receive the handle)");
        *out = nullptr;
        if (!path) throw std::invalid_argument("path = NULL");
        *out = new viscoann_kernel{viscoann::NeuralKernel::load(path)};
    });
}

viscoann_status viscoann_kernel_from_bytes(const void* data, size_t size, viscoann_kernel** out) {
    return c_guard([&] {
        if (!out) throw std::invalid_argument("out = NULL (pointer to receive the handle)");
        *out = nullptr;
        *out = new viscoann_kernel{viscoann::NeuralKernel::from_bytes(data, size)};
    });
}

void viscoann_kernel_destroy(viscoann_kernel* kernel) { delete kernel; }

viscoann_status viscoann_kernel_displacement(const viscoann_kernel* kernel, size_t n_sources,
                                             const double* sources, size_t n_stations,
                                             const double* east, const double* north,
                                             size_t n_times, const double* times, double eta_M,
                                             double eta_K, double H, double* out,
                                             size_t* n_out_of_domain) {
    return c_guard([&] {
        if (!kernel) throw std::invalid_argument("kernel = NULL");
        if (n_sources > 0 && !sources) throw std::invalid_argument("sources = NULL");
        if (n_stations > 0 && (!east || !north)) throw std::invalid_argument("east, north = NULL");
        if (n_times * n_stations > 0 && !out) throw std::invalid_argument("out = NULL");
        if (n_out_of_domain) *n_out_of_domain = 0;
        // Every argument is checked (the kernel checks depths, times and models) before the
        // output is touched: group the sources by depth first.
        std::map<double, std::vector<size_t>> by_depth;
        for (size_t q = 0; q < n_sources; ++q) {
            const double d = sources[9 * q + 2];
            if (!std::isfinite(d))  // (a NaN key would break the map's order)
                throw std::invalid_argument("sources[" + std::to_string(q) +
                                            "] depth = " + std::to_string(d) +
                                            " is invalid; allowed: 0 < depth < H");
            by_depth[d].push_back(q);
        }
        const viscoann::KernelModels models{1, &eta_M, &eta_K, &H};
        const viscoann::KernelQuantity u = viscoann::KernelQuantity::u;
        struct Group {
            double depth;
            std::vector<viscoann::PotencyTensor> p;
            std::vector<double> x, y;
        };
        std::vector<Group> groups;
        size_t n_out = 0;
        for (const auto& [depth, qs] : by_depth) {
            Group g{depth,
                    {},
                    std::vector<double>(qs.size() * n_stations),
                    std::vector<double>(qs.size() * n_stations)};
            for (size_t j = 0; j < qs.size(); ++j) {
                const double* s = sources + 9 * qs[j];
                g.p.push_back({s[3], s[4], s[5], s[6], s[7], s[8]});
                for (size_t i = 0; i < n_stations; ++i) {
                    g.x[j * n_stations + i] = east[i] - s[0];
                    g.y[j * n_stations + i] = north[i] - s[1];
                }
            }
            n_out += kernel->kernel.out_of_domain(depth, models, n_times, times);
            groups.push_back(std::move(g));
        }
        std::fill(out, out + n_times * n_stations * 3, 0.0);
        for (const Group& g : groups)
            kernel->kernel.displacement(g.depth, models, n_times, times, g.p.size(), g.p.data(),
                                        n_stations, g.x.data(), g.y.data(), 1, &u, out);
        if (n_out_of_domain) *n_out_of_domain = n_out;
    });
}

}  // extern "C"
