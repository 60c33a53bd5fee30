// Fused CPU engine: run-time ISA dispatch (AVX-512 / AVX2 / portable), threads over blocks.
// The portable path is the kernel of mlp_cpu_kernel.hpp over 8 plain floats (the compiler
// vectorises it with the baseline ISA); the x86 paths live in mlp_cpu_avx2/avx512.cpp.
#include "mlp_cpu.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>

#include "mlp_cpu_kernel.hpp"
#include "parallel_for.hpp"
#include "viscoann/errors.hpp"

namespace viscoann::detail {

namespace {

struct VScalar {
    static constexpr int lanes = 8;
    float v[lanes];
#define VISCOANN_LANEWISE(expr)                      \
    VScalar r;                                       \
    for (int j = 0; j < lanes; ++j) r.v[j] = (expr); \
    return r
    static VScalar load(const float* p) noexcept { VISCOANN_LANEWISE(p[j]); }
    static void store(float* p, VScalar a) noexcept {
        for (int j = 0; j < lanes; ++j) p[j] = a.v[j];
    }
    static VScalar load_strided(const double* p, std::size_t stride, bool positive,
                                unsigned& flags) noexcept {
        VScalar r;
        for (int j = 0; j < lanes; ++j) {
            const double v = p[j * stride];
            flags |= static_cast<unsigned>(!(v - v == 0.0) || (positive && !(v > 0.0)));
            r.v[j] = static_cast<float>(v);
        }
        return r;
    }
    static VScalar set1(float x) noexcept { VISCOANN_LANEWISE(x); }
    static VScalar add(VScalar a, VScalar b) noexcept { VISCOANN_LANEWISE(a.v[j] + b.v[j]); }
    static VScalar sub(VScalar a, VScalar b) noexcept { VISCOANN_LANEWISE(a.v[j] - b.v[j]); }
    static VScalar mul(VScalar a, VScalar b) noexcept { VISCOANN_LANEWISE(a.v[j] * b.v[j]); }
    static VScalar fmadd(VScalar a, VScalar b, VScalar c) noexcept {
        VISCOANN_LANEWISE(a.v[j] * b.v[j] + c.v[j]);
    }
    static VScalar fnmadd(VScalar a, VScalar b, VScalar c) noexcept {
        VISCOANN_LANEWISE(c.v[j] - a.v[j] * b.v[j]);
    }
    static VScalar min(VScalar a, VScalar b) noexcept {
        VISCOANN_LANEWISE(a.v[j] < b.v[j] ? a.v[j] : b.v[j]);
    }
    static VScalar max(VScalar a, VScalar b) noexcept {
        VISCOANN_LANEWISE(a.v[j] > b.v[j] ? a.v[j] : b.v[j]);
    }
    static VScalar clamp_abs(VScalar a, VScalar c) noexcept {
        VISCOANN_LANEWISE(std::min(std::max(a.v[j], -c.v[j]), c.v[j]));
    }
    static VScalar div(VScalar a, VScalar b) noexcept { VISCOANN_LANEWISE(a.v[j] / b.v[j]); }
    static VScalar log2(VScalar a) noexcept { VISCOANN_LANEWISE(std::log2(a.v[j])); }
    static VScalar sqrt(VScalar a) noexcept { VISCOANN_LANEWISE(std::sqrt(a.v[j])); }
#undef VISCOANN_LANEWISE
};

CpuIsa isa_from_env() {
    const char* env = std::getenv("VISCOANN_CPU_ISA");
    if (!env || !*env) return CpuIsa::automatic;
    try {
        return parse_cpu_isa(env);
    } catch (const std::invalid_argument&) {
        throw std::invalid_argument(std::string("VISCOANN_CPU_ISA = '") + env +
                                    "' is not one of scalar, avx2, avx512, auto");
    }
}

CpuIsa best_isa() noexcept {
    if (cpu_isa_supported(CpuIsa::avx512)) return CpuIsa::avx512;
    if (cpu_isa_supported(CpuIsa::avx2)) return CpuIsa::avx2;
    return CpuIsa::scalar;
}

}  // namespace

std::string describe_bad_input(const MlpModel& m, std::size_t col, double value) {
    auto num = [](double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.10g", v);
        return std::string(buf);
    };
    const std::string name = col < m.input_names.size() ? m.input_names[col] : "?";
    std::string s = "(" + name + ") = " + num(value) + " is not allowed: inputs must be finite";
    if (col < m.in_log10.size() && m.in_log10[col]) {
        const double shift = m.in_shift[col];
        if (shift != 0.0)
            s += "; allowed: " + name + " > -shift = " + num(-shift) +
                 " (this input goes through "
                 "log10(" +
                 name + " + " + num(shift) + "))";
        else
            s += " and > 0 (this input goes through log10)";
    }
    return s;
}

CpuKernel mlp_cpu_kernel_for(CpuIsa isa) noexcept {
    switch (isa) {
#ifdef VISCOANN_CPU_X86
        case CpuIsa::avx512:
            return mlp_cpu_kernel_avx512();
        case CpuIsa::avx2:
            return mlp_cpu_kernel_avx2();
#endif
        default:
            return mlp_cpu_kernel_scalar();
    }
}

namespace {

struct AlignedFree {
    void operator()(float* p) const noexcept { ::operator delete[](p, std::align_val_t(64)); }
};

}  // namespace

CpuKernel mlp_cpu_kernel_scalar() noexcept {
    return {&cpu::run_range<VScalar, 2, 4>, 2 * VScalar::lanes, &cpu::tanh_array<VScalar>};
}

TanhError mlp_cpu_tanh_error(CpuIsa isa, std::uint32_t stride) {
    const CpuKernel k = mlp_cpu_kernel_for(mlp_cpu_resolve_isa(isa));
    if (stride == 0) throw std::invalid_argument("stride = 0 must be >= 1");
    constexpr std::size_t chunk = 4096;
    alignas(64) float x[chunk], y[chunk];
    TanhError e;
    std::uint64_t bits = 0;
    while (bits <= 0xffffffffull) {
        std::size_t n = 0;
        for (; n < chunk && bits <= 0xffffffffull; bits += stride) {
            const auto u = static_cast<std::uint32_t>(bits);
            float f;
            std::memcpy(&f, &u, sizeof f);
            if (std::isfinite(f)) x[n++] = f;
        }
        const std::size_t full = (n + 15) / 16 * 16;
        for (std::size_t j = n; j < full; ++j) x[j] = 0.0f;
        k.tanh(x, y, full);
        for (std::size_t j = 0; j < n; ++j) {
            const double ref = std::tanh(static_cast<double>(x[j]));
            const double err = std::fabs(static_cast<double>(y[j]) - ref);
            if (err > e.max_abs) {
                e.max_abs = err;
                e.worst_x = x[j];
            }
            if (ref != 0.0) e.max_rel = std::max(e.max_rel, err / std::fabs(ref));
        }
    }
    return e;
}

CpuIsa mlp_cpu_resolve_isa(CpuIsa isa) {
    if (isa == CpuIsa::automatic) isa = isa_from_env();
    if (isa == CpuIsa::automatic) return best_isa();
    if (!cpu_isa_supported(isa))
        throw Unavailable("CPU instruction set '" + cpu_isa_name(isa) +
                          "' is not supported by this CPU or build");
    return isa;
}

void mlp_cpu_predict(const MlpModel& m, const double* X, std::size_t n, void* out, bool out_f64,
                     int threads, CpuIsa isa, bool add_elastic) {
    const CpuKernel k = mlp_cpu_kernel_for(mlp_cpu_resolve_isa(isa));
    const std::size_t scratch = mlp_cpu_scratch_floats(m, k.block_points);
    std::mutex mu;
    BadInput first;
    // Grain: several blocks per chunk keeps the static split balanced yet coarse.
    parallel_for(n, threads, k.block_points, [&](std::size_t begin, std::size_t end) {
        std::unique_ptr<float[], AlignedFree> buf(
            static_cast<float*>(::operator new[](scratch * sizeof(float), std::align_val_t(64))));
        BadInput bad;
        k.run(m, X, begin, end, out, out_f64, add_elastic, buf.get(), bad);
        if (bad.row != SIZE_MAX) {
            std::lock_guard<std::mutex> lock(mu);
            if (bad.row < first.row) first = bad;
        }
    });
    if (first.row != SIZE_MAX) {
        const std::size_t c = first.col;
        throw std::invalid_argument("X[" + std::to_string(first.row) + ", " + std::to_string(c) +
                                    "] " + describe_bad_input(m, c, first.value));
    }
}

}  // namespace viscoann::detail

namespace viscoann {

std::string cpu_isa_name(CpuIsa isa) {
    switch (isa) {
        case CpuIsa::automatic:
            return "automatic";
        case CpuIsa::scalar:
            return "scalar";
        case CpuIsa::avx2:
            return "avx2";
        case CpuIsa::avx512:
            return "avx512";
    }
    return "?";
}

CpuIsa parse_cpu_isa(const std::string& name) {
    if (name == "auto" || name == "automatic") return CpuIsa::automatic;
    if (name == "scalar") return CpuIsa::scalar;
    if (name == "avx2") return CpuIsa::avx2;
    if (name == "avx512") return CpuIsa::avx512;
    throw std::invalid_argument("isa = '" + name + "' is not one of auto, scalar, avx2, avx512");
}

bool cpu_isa_supported(CpuIsa isa) {
    switch (isa) {
        case CpuIsa::automatic:
        case CpuIsa::scalar:
            return true;
#ifdef VISCOANN_CPU_X86
        case CpuIsa::avx2:
            return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        case CpuIsa::avx512:
            return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                   __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                   __builtin_cpu_supports("fma");
#endif
        default:
            return false;
    }
}

CpuIsa cpu_isa_selected() { return detail::mlp_cpu_resolve_isa(CpuIsa::automatic); }

}  // namespace viscoann
