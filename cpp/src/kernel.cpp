// NeuralKernel (viscoann/kernel.hpp): loads a format-3 model file, checks every evaluation's
// arguments, counts what lies outside the family, and runs the two layers: the net ->
// coefficient matrix C[(e, iq, it), (f, k)] (kernel_net.cpp), then per model the basis
// synthesis out += C B at rho = r/H (basis_synthesis.cpp); displacement() adds the lid's Okada.
#include "viscoann/kernel.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "basis_synthesis.hpp"
#include "hankel.hpp"
#include "kernel_net.hpp"
#include "mlp_model.hpp"
#include "parallel_for.hpp"
#include "sources.hpp"
#include "viscoann/errors.hpp"
#include "viscoann/surrogate.hpp"  // domain_rel_tolerance

namespace viscoann {

namespace {

constexpr std::size_t F = detail::kRadialFunctions;

[[noreturn]] void invalid(const std::string& what, double v, const std::string& allowed) {
    std::ostringstream m;
    m.precision(17);
    m << what << " = " << v << " is invalid; allowed: " << allowed;
    throw std::invalid_argument(m.str());
}

std::string at(const char* name, std::size_t i) {
    return std::string(name) + "[" + std::to_string(i) + "]";
}

bool inside(double v, double lo, double hi) {
    return lo - domain_rel_tolerance * std::fabs(lo) <= v &&
           v <= hi + domain_rel_tolerance * std::fabs(hi);
}

// The checks every evaluation shares (kernel.hpp); returns the pairs outside the family.
// base: added to the indices the messages name (a sample's own index).
std::size_t check_points(const detail::KernelGeometry& g, double depth, const KernelModels& e,
                         std::size_t nt, const double* times, std::size_t nq,
                         const KernelQuantity* q, std::size_t base = 0) {
    if (e.n > 0 && (!e.eta_M || !e.eta_K || !e.H))
        throw std::invalid_argument("models: eta_M, eta_K and H must not be NULL");
    if (nt > 0 && !times) throw std::invalid_argument("times = NULL");
    if (nq > 0 && !q) throw std::invalid_argument("quantities = NULL");
    if (!(std::isfinite(depth) && depth > 0)) invalid("depth", depth, "finite > 0 m (in the lid)");
    std::vector<bool> model_out(e.n, false);
    for (std::size_t i = 0; i < e.n; ++i) {
        if (!(std::isfinite(e.eta_M[i]) && e.eta_M[i] > 0))
            invalid(at("eta_M", base + i), e.eta_M[i], "finite > 0 Pa s");
        if (!(e.eta_K[i] > 0))
            invalid(at("eta_K", base + i), e.eta_K[i], "> 0 Pa s, or inf (Maxwell)");
        if (!(std::isfinite(e.H[i]) && e.H[i] > 0))
            invalid(at("H", base + i), e.H[i], "finite > 0 m");
        if (!(depth < e.H[i])) {
            std::ostringstream m;
            m.precision(17);
            m << "depth = " << depth << " is invalid for H[" << base + i << "] = " << e.H[i]
              << "; allowed: 0 < depth < H (the kernel represents sources in the lid)";
            throw std::invalid_argument(m.str());
        }
        const bool maxwell = std::isinf(e.eta_K[i]);
        model_out[i] = !inside(e.H[i], g.H_lo, g.H_hi) ||
                       !inside(depth, g.depth_margin, e.H[i] - g.depth_margin) ||
                       !inside(e.eta_M[i], g.eta_M_lo, g.eta_M_hi) ||
                       (maxwell ? !g.maxwell : !inside(e.eta_K[i], g.eta_K_lo, g.eta_K_hi));
    }
    bool velocity = false;
    for (std::size_t iq = 0; iq < nq; ++iq) {
        const int v = static_cast<int>(q[iq]);
        if (v < 0 || v > 4)
            invalid(at("quantities", iq), v, "0..4 (u, v, d_log10_eta_M, d_log10_eta_K, d_H)");
        velocity = velocity || q[iq] == KernelQuantity::v;
    }
    std::size_t times_out = 0;
    for (std::size_t it = 0; it < nt; ++it) {
        if (!(std::isfinite(times[it]) && times[it] >= 0))
            invalid(at("times", base + it), times[it], "finite >= 0 s");
        if (velocity && times[it] == 0.0)
            invalid(at("times", it), times[it], "> 0 s for the velocity \"v\"");
        times_out += inside(times[it], 0.0, g.t_max) ? 0 : 1;
    }
    std::size_t out = 0;
    for (std::size_t i = 0; i < e.n; ++i) out += model_out[i] ? nt : times_out;
    return out;
}

// r_max: the largest offset the basis serves; why: how it follows from the basis (for the
// message).
void check_sources(double r_max, const std::string& why, std::size_t m, const PotencyTensor* p,
                   std::size_t n, const double* x, const double* y, int threads,
                   std::size_t base = 0) {
    if (threads < 0) invalid("threads", threads, ">= 0 (0: all hardware threads)");
    if (m > 0 && !p) throw std::invalid_argument("potency tensors = NULL");
    if (m * n > 0 && (!x || !y)) throw std::invalid_argument("x, y = NULL");
    for (std::size_t q = 0; q < m; ++q) {
        const double c[6] = {p[q].xx, p[q].yy, p[q].zz, p[q].xy, p[q].xz, p[q].yz};
        for (int k = 0; k < 6; ++k)
            if (!std::isfinite(c[k]))
                invalid("potency[" + std::to_string(base + q) + "][" + std::to_string(k) + "]",
                        c[k], "finite m^3");
    }
    for (std::size_t i = 0; i < m * n; ++i) {
        if (!std::isfinite(x[i])) invalid(at("x", base + i), x[i], "finite m");
        if (!std::isfinite(y[i])) invalid(at("y", base + i), y[i], "finite m");
        const double r = std::hypot(x[i], y[i]);
        if (!(r <= r_max)) {
            std::ostringstream msg;
            msg.precision(17);
            msg << "x[" << base + i << "], y[" << base + i << "] = " << x[i] << ", " << y[i]
                << " is invalid: offset " << r
                << " m beyond the kernel's basis; allowed: <= " << std::setprecision(12) << r_max
                << " m" << why;
            throw std::invalid_argument(msg.str());
        }
    }
}

// The net's scratch and coefficient buffers (MBs a worker) outlive the workers: parallel_for starts
// fresh threads each call, whose own buffers would be mapped and page-faulted anew every time (a
// fit's calls are small and many). A worker takes a buffer for the call and gives it back.
class ScratchPool {
   public:
    std::unique_ptr<std::vector<double>> take() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (free_.empty()) return std::make_unique<std::vector<double>>();
        auto b = std::move(free_.back());
        free_.pop_back();
        return b;
    }
    void give(std::unique_ptr<std::vector<double>> b) {
        std::lock_guard<std::mutex> lock(mutex_);
        free_.push_back(std::move(b));
    }

   private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<std::vector<double>>> free_;
};

// A pooled buffer for one worker's call.
struct Scratch {
    static ScratchPool& pool() {
        static ScratchPool p;
        return p;
    }
    std::unique_ptr<std::vector<double>> buffer = pool().take();
    Scratch() = default;
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    ~Scratch() { pool().give(std::move(buffer)); }
};

// C[(((g E + e) Q + iq) T + it) 10 K + j] for nd depths g and checked arguments (only the
// columns of `functions`, kernel_net.hpp); threads over (depth, model, time) rows, which pass
// the net together whatever their depth.
void fill_coefficients(const detail::KernelData& d, std::size_t nd, const double* depths,
                       const KernelModels& e, std::size_t nt, const double* times, std::size_t nq,
                       const KernelQuantity* q, const std::vector<std::size_t>& functions,
                       double* out, int threads) {
    const std::size_t FK = d.model.n_outputs(), per_depth = e.n * nt;
    // Batches of up to 128 points pass the net together (kernel_net.hpp): the output weights
    // are read once per batch; measured against 32 and 256 on the fit's calls.
    constexpr std::size_t batch = 128;
    detail::parallel_for(nd * per_depth, threads, 8, [&](std::size_t b, std::size_t end) {
        Scratch scratch, coeffs;
        std::vector<double>& c = *coeffs.buffer;
        c.resize(batch * nq * FK);
        std::vector<detail::KernelPoint> pts;
        std::vector<std::size_t> at;
        for (std::size_t b0 = b; b0 < end; b0 += batch) {
            pts.clear(), at.clear();
            for (std::size_t s = b0; s < std::min(end, b0 + batch); ++s) {
                const std::size_t ig = s / per_depth, ie = s / nt % e.n, it = s % nt;
                if (times[it] == 0.0) {  // w = 0: exactly the elastic field
                    for (std::size_t iq = 0; iq < nq; ++iq)
                        std::fill_n(out + (((ig * e.n + ie) * nq + iq) * nt + it) * FK, FK, 0.0);
                    continue;
                }
                pts.push_back({depths[ig], e.H[ie], e.eta_M[ie], e.eta_K[ie], times[it]});
                at.push_back(s);
            }
            if (pts.empty()) continue;
            detail::kernel_coefficients(d, pts.size(), pts.data(), nq, q, functions, c.data(),
                                        *scratch.buffer);
            for (std::size_t k = 0; k < pts.size(); ++k) {
                const std::size_t ge = at[k] / nt, it = at[k] % nt;
                for (std::size_t iq = 0; iq < nq; ++iq)
                    std::copy_n(&c[(k * nq + iq) * FK], FK, out + ((ge * nq + iq) * nt + it) * FK);
            }
        }
    });
}

}  // namespace

const char* kernel_quantity_name(KernelQuantity q) noexcept {
    switch (q) {
        case KernelQuantity::u:
            return "u";
        case KernelQuantity::v:
            return "v";
        case KernelQuantity::d_log10_eta_M:
            return "d_log10_eta_M";
        case KernelQuantity::d_log10_eta_K:
            return "d_log10_eta_K";
        case KernelQuantity::d_H:
            return "d_H";
    }
    return "?";
}

KernelQuantity parse_kernel_quantity(const std::string& name) {
    for (int v = 0; v <= 4; ++v)
        if (name == kernel_quantity_name(static_cast<KernelQuantity>(v)))
            return static_cast<KernelQuantity>(v);
    throw std::invalid_argument("quantity '" + name +
                                "' is invalid; allowed: u, v, d_log10_eta_M, d_log10_eta_K, d_H");
}

NeuralKernel::NeuralKernel(std::shared_ptr<const detail::KernelData> data)
    : data_(std::move(data)) {}

NeuralKernel NeuralKernel::from_bytes(const void* data, std::size_t size) {
    if (!data && size)
        throw std::invalid_argument("data = NULL with size = " + std::to_string(size));
    static const unsigned char empty = 0;
    const auto* p = data ? static_cast<const unsigned char*>(data) : &empty;
    detail::MlpModel m = detail::parse_model(p, size);
    if (m.geometry != detail::Geometry::elementary_kernel)
        throw FormatError(
            "model file: not a neural kernel (format version 3, geometry 'elementary_kernel'); "
            "a surrogate loads with Surrogate (viscoann/surrogate.hpp)");
    return NeuralKernel(
        std::make_shared<const detail::KernelData>(detail::make_kernel_data(std::move(m))));
}

NeuralKernel NeuralKernel::load(const std::string& path) {
    const std::vector<unsigned char> bytes = detail::read_model_file(path);
    try {
        return from_bytes(bytes.data(), bytes.size());
    } catch (const FormatError& e) {
        throw FormatError(std::string(e.what()) + " ('" + path + "')");
    }
}

KernelInfo NeuralKernel::info() const noexcept {
    const detail::KernelGeometry& g = data_->model.kernel;
    KernelInfo i;
    i.n_modes = g.n_modes, i.n_r = g.n_r, i.rho_spacing = g.rho_spacing;
    i.mu_M = g.mu_M, i.mu_K = g.mu_K;
    i.H_lo = g.H_lo, i.H_hi = g.H_hi, i.depth_margin = g.depth_margin;
    i.eta_M_lo = g.eta_M_lo, i.eta_M_hi = g.eta_M_hi;
    i.eta_K_lo = g.eta_K_lo, i.eta_K_hi = g.eta_K_hi;
    i.maxwell = g.maxwell, i.r_max = g.r_max, i.t_max = g.t_max;
    return i;
}

const std::string& NeuralKernel::metadata_json() const noexcept {
    return data_->model.metadata_json;
}

std::size_t NeuralKernel::out_of_domain(double depth, const KernelModels& models,
                                        std::size_t n_times, const double* times) const {
    return check_points(data_->model.kernel, depth, models, n_times, times, 0, nullptr);
}

std::size_t NeuralKernel::coefficients(double depth, const KernelModels& models,
                                       std::size_t n_times, const double* times, std::size_t nq,
                                       const KernelQuantity* q, double* out, int threads) const {
    const std::size_t n_out =
        check_points(data_->model.kernel, depth, models, n_times, times, nq, q);
    if (threads < 0) invalid("threads", threads, ">= 0 (0: all hardware threads)");
    fill_coefficients(*data_, 1, &depth, models, n_times, times, nq, q, detail::all_functions(),
                      out, threads);
    return n_out;
}

std::size_t NeuralKernel::remainder(double depth, const KernelModels& models, std::size_t nt,
                                    const double* times, std::size_t m, const PotencyTensor* p,
                                    std::size_t n, const double* x, const double* y, std::size_t nq,
                                    const KernelQuantity* q, double* out, int threads) const {
    const std::size_t start[2] = {0, m};
    return remainder_depths(1, &depth, start, models, nt, times, p, n, x, y, nq, q, out, threads);
}

std::size_t NeuralKernel::remainder_depths(std::size_t nd, const double* depths,
                                           const std::size_t* start, const KernelModels& models,
                                           std::size_t nt, const double* times,
                                           const PotencyTensor* p, std::size_t n, const double* x,
                                           const double* y, std::size_t nq, const KernelQuantity* q,
                                           double* out, int threads) const {
    const detail::KernelData& d = *data_;
    const detail::KernelGeometry& g = d.model.kernel;
    if (nd > 0 && (!depths || !start))
        throw std::invalid_argument("depths and start must not be NULL");
    if (nd > 0 && start[0] != 0) invalid("start[0]", double(start[0]), "0");
    std::size_t n_out = 0;
    for (std::size_t ig = 0; ig < nd; ++ig) {
        if (start[ig + 1] < start[ig])
            invalid(at("start", ig + 1), double(start[ig + 1]),
                    ">= start[" + std::to_string(ig) + "] = " + std::to_string(start[ig]));
        n_out += check_points(g, depths[ig], models, nt, times, nq, q);
    }
    const std::size_t m = nd > 0 ? start[nd] : 0;
    // The basis serves rho = r/H up to its stencil's last radius, so r <= rho_top H for all H.
    const double rho_top = static_cast<double>(g.n_r - 3) * g.rho_spacing;
    double H_min = std::numeric_limits<double>::infinity();
    for (std::size_t e = 0; e < models.n; ++e) H_min = std::min(H_min, models.H[e]);
    std::ostringstream why;
    why.precision(12);
    why << " (rho = r/H <= " << rho_top << " at H = " << H_min << " m)";
    check_sources(rho_top * H_min, why.str(), m, p, n, x, y, threads);
    if (nd == 0 || models.n == 0 || nt == 0 || nq == 0) return n_out;
    const std::size_t FK = d.model.n_outputs(), block = nq * nt, plane = 3 * n, E = models.n;
    // Only the functions these sources read pass the net's output layer.
    const std::vector<std::size_t> fa = detail::active_functions(m, p);
    if (fa.empty()) return n_out;  // no source moves anything (zero tensors, or none)
    // Every entry is written (zeros at t = 0 and for the inactive functions).
    const std::unique_ptr<double[]> C(new double[nd * E * block * FK]);
    fill_coefficients(d, nd, depths, models, nt, times, nq, q, fa, C.get(), threads);
    // d_H's second part, from psi(r/H): -(1/H) times u's coefficients against rho dpsi/drho.
    bool any_H = false;
    std::size_t iu = nq;  // u's place in q, if asked
    for (std::size_t iq = 0; iq < nq; ++iq) {
        any_H = any_H || q[iq] == KernelQuantity::d_H;
        if (q[iq] == KernelQuantity::u && iu == nq) iu = iq;
    }
    std::vector<double> Cu;
    if (any_H) {
        Cu.resize(nd * E * nt * FK);
        if (iu < nq) {
            for (std::size_t ge = 0; ge < nd * E; ++ge)
                std::copy_n(&C[(ge * nq + iu) * nt * FK], nt * FK, &Cu[ge * nt * FK]);
        } else {
            const KernelQuantity u = KernelQuantity::u;
            fill_coefficients(d, nd, depths, models, nt, times, 1, &u, fa, Cu.data(), threads);
        }
        for (std::size_t ge = 0; ge < nd * E; ++ge)
            for (std::size_t k = 0; k < nt * FK; ++k)
                Cu[ge * nt * FK + k] *= -1.0 / models.H[ge % E];
    }
    // Many points: each synthesis threads over point blocks; few (a fit's stations): the
    // models go to the threads, each summing its own depths.
    const auto hw = detail::resolve_threads(threads);
    const bool by_points = n >= 64 * std::size_t{hw} || E == 1;
    const int inner = by_points ? threads : 1;
    detail::parallel_for(E, by_points ? 1 : threads, 1, [&](std::size_t e0, std::size_t e1) {
        for (std::size_t e = e0; e < e1; ++e) {
            const double inv_H = 1.0 / models.H[e];
            for (std::size_t ig = 0; ig < nd; ++ig) {
                const std::size_t s0 = start[ig], mg = start[ig + 1] - s0;
                const double *xg = x + s0 * n, *yg = y + s0 * n;
                detail::basis_synthesis(d.basis, block, &C[(ig * E + e) * block * FK], mg, p + s0,
                                        n, xg, yg, out + e * block * plane, inner, inv_H);
                if (!any_H) continue;
                for (std::size_t iq = 0; iq < nq; ++iq)
                    if (q[iq] == KernelQuantity::d_H)
                        detail::basis_synthesis(d.basis, nt, &Cu[(ig * E + e) * nt * FK], mg,
                                                p + s0, n, xg, yg, out + (e * nq + iq) * nt * plane,
                                                inner, inv_H, detail::BasisRead::rho_derivative);
            }
        }
    });
    return n_out;
}

std::size_t NeuralKernel::samples(std::size_t n, const double* depth, const KernelModels& e,
                                  const double* t, const PotencyTensor* p, const double* x,
                                  const double* y, double* out, int threads) const {
    const detail::KernelData& d = *data_;
    const detail::KernelGeometry& g = d.model.kernel;
    if (e.n != n) {
        std::ostringstream m;
        m << "models: " << e.n << " models for " << n << " samples; allowed: one model a sample";
        throw std::invalid_argument(m.str());
    }
    if (n > 0 && (!depth || !t || !p || !x || !y || !out || !e.eta_M || !e.eta_K || !e.H))
        throw std::invalid_argument(
            "samples: depth, eta_M, eta_K, H, t, potency, x, y and out must not be NULL");
    const double rho_top = static_cast<double>(g.n_r - 3) * g.rho_spacing;
    const KernelQuantity u = KernelQuantity::u;
    std::size_t n_out = 0;
    for (std::size_t i = 0; i < n; ++i) {
        try {
            const KernelModels one{1, e.eta_M + i, e.eta_K + i, e.H + i};
            n_out += check_points(g, depth[i], one, 1, t + i, 1, &u, i) > 0 ? 1 : 0;
            // The message's reason, formatted only for an offset that will need it.
            std::ostringstream why;
            if (!(std::hypot(x[i], y[i]) <= rho_top * e.H[i])) {
                why.precision(12);
                why << " (rho = r/H <= " << rho_top << " at H = " << e.H[i] << " m)";
            }
            check_sources(rho_top * e.H[i], why.str(), 1, p + i, 1, x + i, y + i, threads, i);
        } catch (const std::invalid_argument& err) {
            throw std::invalid_argument("sample " + std::to_string(i) + ": " + err.what());
        }
    }
    std::fill_n(out, 3 * n, 0.0);
    const std::size_t FK = d.model.n_outputs(), K = g.n_modes;
    constexpr std::size_t batch = 128;  // rows through the net together (kernel_net.hpp)
    detail::parallel_for(n, threads, batch, [&](std::size_t b, std::size_t end) {
        Scratch scratch, coeffs;
        std::vector<double>& c = *coeffs.buffer;
        c.resize(batch * FK);
        std::vector<detail::KernelPoint> pts;
        std::vector<std::size_t> at;
        for (std::size_t b0 = b; b0 < end; b0 += batch) {
            pts.clear(), at.clear();
            for (std::size_t i = b0; i < std::min(end, b0 + batch); ++i)
                if (t[i] > 0.0) {  // t = 0: w = 0, no remainder
                    pts.push_back({depth[i], e.H[i], e.eta_M[i], e.eta_K[i], t[i]});
                    at.push_back(i);
                }
            if (pts.empty()) continue;
            const std::size_t nb = std::min(end, b0 + batch) - b0;
            detail::kernel_coefficients(d, pts.size(), pts.data(), 1, &u,
                                        detail::active_functions(nb, p + b0), c.data(),
                                        *scratch.buffer);
            for (std::size_t k = 0; k < pts.size(); ++k) {
                const std::size_t i = at[k];
                double w[4], gf[F];
                const std::size_t j0 = detail::cubic_stencil(std::hypot(x[i], y[i]) / e.H[i],
                                                             d.basis.h, d.basis.n_r, w);
                const double* psi = &d.basis.psi[j0 * FK];
                const double* ck = &c[k * FK];
                for (std::size_t f = 0; f < F; ++f) {
                    double v = 0.0;
                    for (std::size_t s = 0; s < 4; ++s)
                        for (std::size_t kk = 0; kk < K; ++kk)
                            v += w[s] * psi[s * FK + f * K + kk] * ck[f * K + kk];
                    gf[f] = v;
                }
                detail::elementary_synthesis(detail::azimuth(x[i], y[i]), p[i], gf, out + 3 * i);
            }
        }
    });
    return n_out;
}

std::size_t NeuralKernel::displacement(double depth, const KernelModels& models, std::size_t nt,
                                       const double* times, std::size_t m, const PotencyTensor* p,
                                       std::size_t n, const double* x, const double* y,
                                       std::size_t nq, const KernelQuantity* q, double* out,
                                       int threads) const {
    const std::size_t n_out =
        remainder(depth, models, nt, times, m, p, n, x, y, nq, q, out, threads);
    bool any_u = false;
    for (std::size_t iq = 0; iq < nq; ++iq) any_u = any_u || q[iq] == KernelQuantity::u;
    if (!any_u || models.n * nt == 0) return n_out;
    // The lid's homogeneous half-space, lambda = mu (docs/design.md, the neural kernel's
    // family): u = A_dev + r B_dev + kappa A_iso + kappa r B_iso with r = mu/(lambda + mu) and
    // kappa = K/mu (sources.hpp's split, elastic factors); the same on every "u" row.
    constexpr double r = 0.5, kappa = 5.0 / 3.0;
    std::vector<double> okada(3 * n, 0.0);
    detail::parallel_for(n, threads, 256, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i)
            for (std::size_t s = 0; s < m; ++s) {
                double Ad[3], Bd[3], Ai[3], Bi[3];
                detail::potency_homogeneous_parts(p[s], x[s * n + i], y[s * n + i], depth, Ad, Bd,
                                                  Ai, Bi);
                for (int c = 0; c < 3; ++c)
                    okada[3 * i + c] += Ad[c] + r * Bd[c] + kappa * Ai[c] + kappa * r * Bi[c];
            }
    });
    for (std::size_t ie = 0; ie < models.n; ++ie)
        for (std::size_t iq = 0; iq < nq; ++iq) {
            if (q[iq] != KernelQuantity::u) continue;
            for (std::size_t it = 0; it < nt; ++it) {
                double* o = out + ((ie * nq + iq) * nt + it) * 3 * n;
                for (std::size_t k = 0; k < 3 * n; ++k) o[k] += okada[k];
            }
        }
    return n_out;
}

void basis_synthesis(const double* basis, std::size_t n_modes, std::size_t n_r, double r_spacing,
                     std::size_t n_rows, const double* C, std::size_t m, const PotencyTensor* p,
                     std::size_t n, const double* x, const double* y, double* out, int threads) {
    if (n_modes < 1) invalid("n_modes", double(n_modes), ">= 1");
    if (n_r < 4) invalid("n_r", double(n_r), ">= 4 (the cubic stencil)");
    if (!(std::isfinite(r_spacing) && r_spacing > 0))
        invalid("r_spacing", r_spacing, "finite > 0 m");
    const std::size_t FK = F * n_modes;
    if (!basis) throw std::invalid_argument("basis = NULL");
    for (std::size_t i = 0; i < FK * n_r; ++i)
        if (!std::isfinite(basis[i])) invalid(at("basis", i), basis[i], "finite");
    if (n_rows > 0 && !C) throw std::invalid_argument("C = NULL");
    for (std::size_t i = 0; i < n_rows * FK; ++i)
        if (!std::isfinite(C[i])) invalid(at("C", i), C[i], "finite");
    check_sources(double(n_r - 3) * r_spacing, "", m, p, n, x, y, threads);
    const auto b = detail::radius_major(basis, n_modes, n_r, r_spacing);
    detail::basis_synthesis(b, n_rows, C, m, p, n, x, y, out, threads);
}

}  // namespace viscoann
