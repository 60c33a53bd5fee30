// The solver's prologue: validation, distinct times and radii, and the resolution plan (the
// wavenumber rule from the decay depth and the largest radius).
#include "plan.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace viscoann::detail {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

void require_finite(const char* name, std::size_t n, const double* v, bool nonneg) {
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(v[i]) || (nonneg && v[i] < 0)) {
            std::ostringstream m;
            m << name << "[" << i << "] = " << v[i] << " is invalid; allowed: finite"
              << (nonneg ? " >= 0" : "");
            throw std::invalid_argument(m.str());
        }
}

void require_times(const char* name, std::size_t n, const double* t, const GreensOptions& o) {
    require_finite(name, n, t, true);
    if (!o.velocity) return;
    for (std::size_t i = 0; i < n; ++i)
        if (!(t[i] > 0)) {
            std::ostringstream m;
            m << name << "[" << i << "] = " << t[i]
              << " is invalid for a velocity; allowed: > 0 s (the step is a delta at t = 0)";
            throw std::invalid_argument(m.str());
        }
}

void require_depth(double depth) {
    if (!(std::isfinite(depth) && depth > 0)) {
        std::ostringstream m;
        m << "depth = " << depth << " is invalid; allowed: finite > 0 m (below the surface)";
        throw std::invalid_argument(m.str());
    }
}

void require_options(const GreensOptions& o) {
    if (o.threads < 0) {
        std::ostringstream m;
        m << "threads = " << o.threads << " is invalid; allowed: >= 0 (0: all hardware threads)";
        throw std::invalid_argument(m.str());
    }
    if (!(o.k_refine > 0) || !(o.r_refine > 0) || !(o.k_max_decay > 0))
        throw std::invalid_argument("GreensOptions: k_refine, r_refine, k_max_decay must be > 0");
}

// Reflections off the first interface below a source in the top layer travel 2H - d; below
// any interface the transmitted field decays like the direct one, e^{-kd}.
double decay_depth(const EarthModel& model, double depth) noexcept {
    if (!model.layers.empty() && model.layer_at(depth) == 0)
        return 2.0 * model.layers[0].thickness - depth;
    return depth;
}

namespace {

// The wavenumber rule's range and panels for decay depth D and largest radius r_max: the
// integrand decays like e^{-kD} and oscillates on 2π / r.
struct Spacing {
    double k_max, dk;  ///< the range, the largest panel width it allows
    std::size_t panels;
};
Spacing spacing(double D, double r_max, const GreensOptions& o) {
    const double k_max = o.k_max_decay / D;
    const double dk = std::min(2.0 * kPi / std::max(r_max, D), 4.0 / D) / o.k_refine;
    const auto panels = std::size_t(std::max(4.0, std::ceil(k_max / dk)));
    return {k_max, dk, panels};
}

}  // namespace

Plan make_plan(double D, double r_max, const GreensOptions& o) {
    require_options(o);
    Plan p;
    p.D = D;
    p.r_max = r_max;
    const Spacing sp = spacing(D, r_max, o);
    p.rule = wavenumber_rule(sp.k_max, sp.panels);
    p.dk = sp.k_max / double(sp.panels);
    p.h = std::min(D / (40.0 * o.r_refine), std::max(r_max, 1.0) / 8.0);
    return p;
}

std::size_t wavenumbers_for(const Plan& plan, double D, const GreensOptions& o) {
    const std::vector<double>& k = plan.rule.k;
    const Spacing own = spacing(D, plan.r_max, o);
    if (!(D >= plan.D && plan.dk <= own.dk && 4.0 * plan.dk <= own.k_max)) return k.size();
    const double k_end = std::ceil(own.k_max / plan.dk) * plan.dk;
    return std::size_t(std::lower_bound(k.begin(), k.end(), k_end) - k.begin());
}

std::vector<double> table_radii(const Plan& plan) {
    const auto n = std::size_t(std::ceil(plan.r_max / plan.h)) + 4;
    std::vector<double> r(n);
    for (std::size_t j = 0; j < n; ++j) r[j] = double(j) * plan.h;
    return r;
}

Samples scattered_samples(const EarthModel& model, double depth, std::size_t n, const double* x,
                          const double* y, const double* t, const GreensOptions& o) {
    model.validate();
    require_depth(depth);
    require_options(o);
    require_finite("x", n, x, false);
    require_finite("y", n, y, false);
    require_times("t", n, t, o);
    Samples s;
    s.times.assign(t, t + n);
    std::sort(s.times.begin(), s.times.end());
    s.times.erase(std::unique(s.times.begin(), s.times.end()), s.times.end());
    s.tix.resize(n);
    s.r.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        s.tix[i] =
            std::size_t(std::lower_bound(s.times.begin(), s.times.end(), t[i]) - s.times.begin());
        s.r[i] = std::hypot(x[i], y[i]);
        s.r_max = std::max(s.r_max, s.r[i]);
    }
    s.order.resize(n);
    std::iota(s.order.begin(), s.order.end(), std::size_t{0});
    std::stable_sort(s.order.begin(), s.order.end(),
                     [&](std::size_t a, std::size_t b) { return s.r[a] < s.r[b]; });
    for (std::size_t q = 0; q < n; ++q)
        if (q == 0 || s.r[s.order[q]] != s.r[s.order[q - 1]]) s.radius_start.push_back(q);
    s.radius_start.push_back(n);
    return s;
}

}  // namespace viscoann::detail
