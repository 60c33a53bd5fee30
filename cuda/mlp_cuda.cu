// Fused CUDA engine (docs/design.md §5): one kernel per chunk runs input transform -> every
// layer -> output transform; weights sit in shared memory, activations in registers (FP32 path)
// or in a per-warp shared tile (tensor-core FP16 path, WMMA 16x16x16 with FP32 accumulation).
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <mma.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda_device.hpp"
#include "mlp_cuda.hpp"
#include "mlp_math.hpp"
#include "viscoann/errors.hpp"

namespace viscoann::detail {

namespace {

#define VISCOANN_CUDA_CHECK(call)                                                   \
    do {                                                                            \
        const cudaError_t err_ = (call);                                            \
        if (err_ != cudaSuccess)                                                    \
            throw std::runtime_error(std::string("CUDA error in ") + #call + ": " + \
                                     cudaGetErrorString(err_));                     \
    } while (0)

constexpr int kMaxLayers = 32;
constexpr int kMaxIo = 8;  // inputs and outputs per point
constexpr int kThreads = 128;

/// Everything about the net except its weights, passed by value as a kernel parameter.
struct NetDesc {
    int n_layers, n_in, n_out;  // n_in: columns of X (widths[0] + 1 in the radial geometry)
    int widths[kMaxLayers + 1];
    int act[kMaxLayers];
    int w_off[kMaxLayers];  // FP32 path: floats, rows padded to a multiple of 4
    int b_off[kMaxLayers];
    int stride[kMaxLayers];  // padded row length (FP32: 4, FP16: 16)
    int total;               // floats (FP32) or halves (FP16) of packed weights
    int bias_total;
    int in_log10[kMaxIo];
    double in_shift[kMaxIo], in_scale[kMaxIo], in_offset[kMaxIo];
    double out_scale[kMaxIo], out_offset[kMaxIo];
    int elastic, elastic_in[3];
    int radial;  // Geometry::radial_strike_slip
    double r_scale, r_offset;
};

/// Where a point's inputs come from: rows of X, or the axes of a grid (decoded from the index).
struct Source {
    const double* X;  // points mode when non-null
    const double *x, *y, *depth, *time, *eta_m, *eta_k;
    unsigned long long n_points, n_depths, n_times;
    unsigned long long first;  // grid index of this chunk's first point
};

struct Sink {
    void* out;
    int f64;
};

__device__ __forceinline__ void load_inputs(const Source& s, unsigned long long idx, int n_in,
                                            double v[kMaxIo]) {
    if (s.X) {
        for (int i = 0; i < n_in; ++i) v[i] = s.X[idx * n_in + i];
        return;
    }
    const unsigned long long g = s.first + idx;
    const unsigned long long p = g % s.n_points;
    unsigned long long r = g / s.n_points;
    const unsigned long long t = r % s.n_times;
    r /= s.n_times;
    const unsigned long long d = r % s.n_depths;
    const unsigned long long e = r / s.n_depths;
    v[0] = s.x[p];
    v[1] = s.y[p];
    v[2] = s.depth[d];
    v[3] = s.time[t];
    v[4] = s.eta_m[e];
    v[5] = s.eta_k[e];
}

// Net feature c (< widths[0]) of a point's inputs v: the transformed input c, or in the radial
// geometry z_r (c = 0) followed by the transformed inputs 2.. (c >= 1).
// Written so that an unrolled constant c indexes v with constants only (v stays in registers).
__device__ __forceinline__ float feature(const NetDesc& net, const double v[kMaxIo], int c) {
    if (net.radial) {
        if (c == 0) return radial_feature(v[0], v[1], net.r_scale, net.r_offset);
        const int i = c + 1 < kMaxIo ? c + 1 : kMaxIo - 1;  // c < widths[0] = n_in - 1
        return transform_input(v[i], net.in_log10[i] != 0, net.in_shift[i], net.in_scale[i],
                               net.in_offset[i]);
    }
    return transform_input(v[c], net.in_log10[c] != 0, net.in_shift[c], net.in_scale[c],
                           net.in_offset[c]);
}

// tanh as 1 - 2/(e^{2|x|}+1) with the fast exponential: absolute error <= 2.4e-7 over the
// float range (cancellation near 0 costs relative, not absolute, accuracy).
__device__ __forceinline__ float fast_tanh(float x) {
    const float a = fminf(fabsf(x), tanh_clamp);
    const float t = 1.0f - __fdividef(2.0f, __expf(2.0f * a) + 1.0f);
    return copysignf(t, x);
}

__device__ __forceinline__ float activate_fast(int code, float x) {
    switch (code) {
        case 1:
            return fast_tanh(x);
        case 2:
            return fmaxf(x, 0.0f);
        case 3:
            return __fdividef(1.0f, 1.0f + __expf(-x));
        default:
            return x;
    }
}

__device__ __forceinline__ void write_outputs(const NetDesc& net, const Sink& sink,
                                              unsigned long long idx, const double v[kMaxIo],
                                              const float* y) {
    double el[3] = {0.0, 0.0, 0.0};
    if (net.elastic == 1)
        okada_point_strike_slip(v[net.elastic_in[0]], v[net.elastic_in[1]], v[net.elastic_in[2]],
                                el);
    double g[3] = {0.0, 0.0, 0.0};  // radial geometry: (g_r, g_phi, g_z) -> (ux, uy, uz)
    if (net.radial) {
        for (int j = 0; j < 3; ++j)
            g[j] = transform_output(y[j], net.out_scale[j], net.out_offset[j]);
        canonical_from_radial(v[0], v[1], g, g);
    }
    for (int j = 0; j < net.n_out; ++j) {
        double u = net.radial && j < 3
                       ? g[j]
                       : transform_output(y[j], net.out_scale[j], net.out_offset[j]);
        if (j < 3) u += el[j];
        if (sink.f64)
            static_cast<double*>(sink.out)[idx * net.n_out + j] = u;
        else
            static_cast<float*>(sink.out)[idx * net.n_out + j] = static_cast<float>(u);
    }
}

// ---- FP32 path: W = padded max width (multiple of 4), PPT points per thread ----------------
template <int W, int PPT>
__global__ void __launch_bounds__(kThreads)
    mlp_fp32_kernel(NetDesc net, const float* __restrict__ gweights, int weights_in_smem,
                    Source src, Sink sink, unsigned long long n) {
    extern __shared__ float4 smem4[];
    const float* w = gweights;
    if (weights_in_smem) {
        float* s = reinterpret_cast<float*>(smem4);
        for (int i = threadIdx.x; i < net.total + net.bias_total; i += blockDim.x)
            s[i] = gweights[i];
        __syncthreads();
        w = s;
    }
    const float* bias = w + net.total;
    const unsigned long long step = 1ull * gridDim.x * blockDim.x * PPT;
    for (unsigned long long base = (1ull * blockIdx.x * blockDim.x + threadIdx.x) * PPT; base < n;
         base += step) {
        float h[PPT][W];
        double v[PPT][kMaxIo];
#pragma unroll
        for (int p = 0; p < PPT; ++p) {
#pragma unroll
            for (int i = 0; i < W; ++i) h[p][i] = 0.0f;
            const unsigned long long idx = base + p < n ? base + p : n - 1;
            load_inputs(src, idx, net.n_in, v[p]);
#pragma unroll
            for (int i = 0; i < kMaxIo && i < W; ++i)
                if (i < net.widths[0]) h[p][i] = feature(net, v[p], i);
        }
        for (int l = 0; l < net.n_layers; ++l) {
            const int in = net.widths[l], out = net.widths[l + 1], code = net.act[l];
            const float4* wl = reinterpret_cast<const float4*>(w + net.w_off[l]);
            const float* bl = bias + net.b_off[l];
            const int stride4 = net.stride[l] / 4;
            float g[PPT][W];
#pragma unroll
            for (int o = 0; o < W; ++o) {
                if (o < out) {
                    float acc[PPT];
                    const float b = bl[o];
#pragma unroll
                    for (int p = 0; p < PPT; ++p) acc[p] = b;
                    const float4* row = wl + o * stride4;
#pragma unroll
                    for (int i4 = 0; i4 < W / 4; ++i4) {
                        if (4 * i4 < in) {  // padding weights are zero
                            const float4 q = row[i4];
#pragma unroll
                            for (int p = 0; p < PPT; ++p) {
                                acc[p] = fmaf(q.x, h[p][4 * i4 + 0], acc[p]);
                                acc[p] = fmaf(q.y, h[p][4 * i4 + 1], acc[p]);
                                acc[p] = fmaf(q.z, h[p][4 * i4 + 2], acc[p]);
                                acc[p] = fmaf(q.w, h[p][4 * i4 + 3], acc[p]);
                            }
                        }
                    }
#pragma unroll
                    for (int p = 0; p < PPT; ++p) g[p][o] = activate_fast(code, acc[p]);
                } else {
#pragma unroll
                    for (int p = 0; p < PPT; ++p) g[p][o] = 0.0f;
                }
            }
#pragma unroll
            for (int p = 0; p < PPT; ++p)
#pragma unroll
                for (int o = 0; o < W; ++o) h[p][o] = g[p][o];
        }
#pragma unroll
        for (int p = 0; p < PPT; ++p)
            if (base + p < n) write_outputs(net, sink, base + p, v[p], h[p]);
    }
}

// ---- tensor-core path: WP = padded max width (multiple of 16), one 16-point tile per warp --
template <int WP>
__global__ void __launch_bounds__(kThreads)
    mlp_wmma_kernel(NetDesc net, const __half* __restrict__ gweights,
                    const float* __restrict__ gbias, Source src, Sink sink, unsigned long long n) {
    using namespace nvcuda;
    extern __shared__ float4 smem4[];
    constexpr int kWarps = kThreads / 32;
    __half* ws = reinterpret_cast<__half*>(smem4);
    float* bs = reinterpret_cast<float*>(ws + net.total);
    for (int i = threadIdx.x; i < net.total; i += blockDim.x) ws[i] = gweights[i];
    for (int i = threadIdx.x; i < net.bias_total; i += blockDim.x) bs[i] = gbias[i];
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    __half* A = reinterpret_cast<__half*>(bs + net.bias_total) + warp * 16 * WP;
    float* C = reinterpret_cast<float*>(reinterpret_cast<__half*>(bs + net.bias_total) +
                                        kWarps * 16 * WP) +
               warp * 16 * WP;
    __syncthreads();

    const unsigned long long tiles = (n + 15) / 16;
    for (unsigned long long tile = 1ull * blockIdx.x * kWarps + warp; tile < tiles;
         tile += 1ull * gridDim.x * kWarps) {
        const unsigned long long base = tile * 16;
        double v[kMaxIo];
        const int r = lane & 15;
        const unsigned long long idx = base + r < n ? base + r : n - 1;
        if (lane < 16) {
            load_inputs(src, idx, net.n_in, v);
            for (int c = 0; c < WP; ++c)
                A[r * WP + c] = __float2half(c < net.widths[0] ? feature(net, v, c) : 0.0f);
        }
        __syncwarp();
        for (int l = 0; l < net.n_layers; ++l) {
            const int kin = net.stride[l];  // padded fan-in (multiple of 16)
            const int nout = (net.widths[l + 1] + 15) / 16 * 16;
            const __half* wl = ws + net.w_off[l];
            for (int nt = 0; nt < nout / 16; ++nt) {
                wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
                wmma::fill_fragment(acc, 0.0f);
                for (int kt = 0; kt < kin / 16; ++kt) {
                    wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> a;
                    wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> b;
                    wmma::load_matrix_sync(a, A + kt * 16, WP);
                    // B[k][j] = W[j][k]: W row-major [out][kin] read as column-major B.
                    wmma::load_matrix_sync(b, wl + nt * 16 * kin + kt * 16, kin);
                    wmma::mma_sync(acc, a, b, acc);
                }
                wmma::store_matrix_sync(C + nt * 16, acc, WP, wmma::mem_row_major);
            }
            __syncwarp();
            const int out = net.widths[l + 1], code = net.act[l];
            const float* bl = bs + net.b_off[l];
            const bool last = l + 1 == net.n_layers;
            for (int e = lane; e < 16 * WP; e += 32) {
                const int row = e / WP, c = e % WP;
                const float y = c < out ? activate_fast(code, C[row * WP + c] + bl[c]) : 0.0f;
                if (last)
                    C[row * WP + c] = y;  // keep the output layer in FP32
                else
                    A[row * WP + c] = __float2half(y);
            }
            __syncwarp();
        }
        if (lane < 16 && base + r < n) write_outputs(net, sink, base + r, v, C + r * WP);
        __syncwarp();
    }
}

// ---- host side ------------------------------------------------------------------------------

int padded_width_fp32(int w) {
    for (int c : {8, 16, 20, 24, 32, 40, 64, 128})
        if (w <= c) return c;
    return 0;
}

NetDesc describe(const MlpModel& m) {
    if (m.n_layers() > static_cast<std::size_t>(kMaxLayers))
        throw Unavailable("the CUDA engine supports at most " + std::to_string(kMaxLayers) +
                          " layers; the model has " + std::to_string(m.n_layers()));
    if (m.n_inputs() > kMaxIo || m.n_outputs() > kMaxIo)
        throw Unavailable("the CUDA engine supports at most 8 inputs and 8 outputs");
    NetDesc d{};
    d.n_layers = static_cast<int>(m.n_layers());
    d.n_in = static_cast<int>(m.n_inputs());
    d.n_out = static_cast<int>(m.n_outputs());
    for (std::size_t l = 0; l < m.widths.size(); ++l) d.widths[l] = m.widths[l];
    for (std::size_t l = 0; l < m.n_layers(); ++l) d.act[l] = static_cast<int>(m.activations[l]);
    for (int i = 0; i < d.n_in; ++i) {
        d.in_log10[i] = m.in_log10[i];
        d.in_shift[i] = m.in_shift[i];
        d.in_scale[i] = m.in_scale[i];
        d.in_offset[i] = m.in_offset[i];
    }
    for (int j = 0; j < d.n_out; ++j) {
        d.out_scale[j] = m.out_scale[j];
        d.out_offset[j] = m.out_offset[j];
    }
    d.elastic = static_cast<int>(m.elastic);
    for (int k = 0; k < 3; ++k) d.elastic_in[k] = m.elastic_inputs[k];
    d.radial = m.geometry == Geometry::radial_strike_slip ? 1 : 0;
    d.r_scale = m.r_scale;
    d.r_offset = m.r_offset;
    return d;
}

/// Packs layer weights with rows padded to `align` (zeros), biases padded likewise; T = float
/// or __half. Fills the offsets of `d`.
template <class T>
std::vector<T> pack_weights(const MlpModel& m, NetDesc& d, int align, bool pad_rows,
                            std::vector<float>& bias) {
    std::vector<T> w;
    bias.clear();
    for (int l = 0; l < d.n_layers; ++l) {
        const int in = m.widths[l], out = m.widths[l + 1];
        const int stride = (in + align - 1) / align * align;
        const int rows = pad_rows ? (out + align - 1) / align * align : out;
        d.stride[l] = stride;
        d.w_off[l] = static_cast<int>(w.size());
        d.b_off[l] = static_cast<int>(bias.size());
        w.resize(w.size() + static_cast<std::size_t>(rows) * stride, T(0.0f));
        for (int o = 0; o < out; ++o)
            for (int i = 0; i < in; ++i)
                w[d.w_off[l] + o * stride + i] = T(m.weights[m.weight_offset[l] + o * in + i]);
        const int bpad = (rows + 3) / 4 * 4;  // keep every offset 16-byte aligned
        bias.resize(bias.size() + bpad, 0.0f);
        for (int o = 0; o < out; ++o) bias[d.b_off[l] + o] = m.biases[m.bias_offset[l] + o];
    }
    d.total = static_cast<int>(w.size());
    d.bias_total = static_cast<int>(bias.size());
    return w;
}

/// Device buffer freed on scope exit.
struct DeviceBuffer {
    void* p = nullptr;
    explicit DeviceBuffer(std::size_t bytes) { VISCOANN_CUDA_CHECK(cudaMalloc(&p, bytes)); }
    ~DeviceBuffer() { cudaFree(p); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
};
struct PinnedBuffer {
    void* p = nullptr;
    explicit PinnedBuffer(std::size_t bytes) { VISCOANN_CUDA_CHECK(cudaMallocHost(&p, bytes)); }
    ~PinnedBuffer() { cudaFreeHost(p); }
    PinnedBuffer(const PinnedBuffer&) = delete;
    PinnedBuffer& operator=(const PinnedBuffer&) = delete;
};
struct Stream {
    cudaStream_t s{};
    Stream() { VISCOANN_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking)); }
    ~Stream() { cudaStreamDestroy(s); }
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;
};

/// A net uploaded to the device, with the kernel launcher chosen for its widths.
class DeviceNet {
   public:
    DeviceNet(const MlpModel& m, CudaPrecision precision, bool add_elastic) : desc_(describe(m)) {
        if (!add_elastic) desc_.elastic = 0;  // postseismic: u(t) - u(0), Okada's u(0) left out
        int dev = 0;
        VISCOANN_CUDA_CHECK(cudaGetDevice(&dev));
        VISCOANN_CUDA_CHECK(cudaDeviceGetAttribute(&sms_, cudaDevAttrMultiProcessorCount, dev));
        int smem_optin = 0;
        VISCOANN_CUDA_CHECK(
            cudaDeviceGetAttribute(&smem_optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev));
        std::vector<float> bias;
        tensor_ = precision == CudaPrecision::tensor_fp16;
        if (tensor_) {
            int wp = (m.max_layer_width() + 15) / 16 * 16;
            if (wp == 48) wp = 64;
            if (wp > 64)
                throw Unavailable("the tensor-core path supports widths up to 64; the model has " +
                                  std::to_string(m.max_layer_width()) + " (use precision fp32)");
            wp_ = wp;
            auto w = pack_weights<__half>(m, desc_, 16, true, bias);
            smem_ = w.size() * sizeof(__half) + bias.size() * sizeof(float) +
                    (kThreads / 32) * 16 * wp * (sizeof(__half) + sizeof(float));
            smem_ = (smem_ + 15) / 16 * 16;
            if (smem_ > static_cast<std::size_t>(smem_optin))
                throw Unavailable("the tensor-core path needs " + std::to_string(smem_) +
                                  " bytes of shared memory; the GPU offers " +
                                  std::to_string(smem_optin) + " (use precision fp32)");
            upload(w.data(), w.size() * sizeof(__half), bias);
        } else {
            wp_ = padded_width_fp32(m.max_layer_width());
            if (wp_ == 0)
                throw Unavailable("the CUDA FP32 path supports widths up to 128; the model has " +
                                  std::to_string(m.max_layer_width()));
            auto w = pack_weights<float>(m, desc_, 4, false, bias);
            w.insert(w.end(), bias.begin(), bias.end());  // biases follow the weights
            const std::size_t bytes = w.size() * sizeof(float);
            // Too large for shared memory: the same kernel reads weights through L1/L2.
            in_smem_ = bytes <= static_cast<std::size_t>(smem_optin);
            smem_ = in_smem_ ? bytes : 0;
            upload(w.data(), bytes, {});
        }
    }

    void launch(const Source& src, const Sink& sink, unsigned long long n, cudaStream_t s) const {
        if (n == 0) return;
        if (tensor_) {
            switch (wp_) {
                case 16:
                    return go_wmma<16>(src, sink, n, s);
                case 32:
                    return go_wmma<32>(src, sink, n, s);
                default:
                    return go_wmma<64>(src, sink, n, s);
            }
        }
        switch (wp_) {
            case 8:
                return go_fp32<8, 2>(src, sink, n, s);
            case 16:
                return go_fp32<16, 2>(src, sink, n, s);
            case 20:
                return go_fp32<20, 2>(src, sink, n, s);
            case 24:
                return go_fp32<24, 2>(src, sink, n, s);
            case 32:
                return go_fp32<32, 1>(src, sink, n, s);
            case 40:
                return go_fp32<40, 1>(src, sink, n, s);
            case 64:
                return go_fp32<64, 1>(src, sink, n, s);
            default:
                return go_fp32<128, 1>(src, sink, n, s);
        }
    }

   private:
    void upload(const void* w, std::size_t bytes, const std::vector<float>& bias) {
        weights_ = std::make_unique<DeviceBuffer>(bytes);
        VISCOANN_CUDA_CHECK(cudaMemcpy(weights_->p, w, bytes, cudaMemcpyHostToDevice));
        if (!bias.empty()) {
            bias_ = std::make_unique<DeviceBuffer>(bias.size() * sizeof(float));
            VISCOANN_CUDA_CHECK(cudaMemcpy(bias_->p, bias.data(), bias.size() * sizeof(float),
                                           cudaMemcpyHostToDevice));
        }
    }

    unsigned blocks_for(unsigned long long work) const {
        const unsigned long long want = (work + kThreads - 1) / kThreads;
        return static_cast<unsigned>(std::min<unsigned long long>(want, 16ull * sms_));
    }

    template <int W, int PPT>
    void go_fp32(const Source& src, const Sink& sink, unsigned long long n, cudaStream_t s) const {
        auto* k = &mlp_fp32_kernel<W, PPT>;
        VISCOANN_CUDA_CHECK(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                 static_cast<int>(smem_)));
        k<<<blocks_for((n + PPT - 1) / PPT), kThreads, smem_, s>>>(
            desc_, static_cast<const float*>(weights_->p), in_smem_ ? 1 : 0, src, sink, n);
        VISCOANN_CUDA_CHECK(cudaGetLastError());
    }

    template <int WP>
    void go_wmma(const Source& src, const Sink& sink, unsigned long long n, cudaStream_t s) const {
        auto* k = &mlp_wmma_kernel<WP>;
        VISCOANN_CUDA_CHECK(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                 static_cast<int>(smem_)));
        k<<<blocks_for(((n + 15) / 16) * 32), kThreads, smem_, s>>>(
            desc_, static_cast<const __half*>(weights_->p), static_cast<const float*>(bias_->p),
            src, sink, n);
        VISCOANN_CUDA_CHECK(cudaGetLastError());
    }

    NetDesc desc_;
    int sms_ = 1, wp_ = 0;
    bool tensor_ = false, in_smem_ = false;
    std::size_t smem_ = 0;
    std::unique_ptr<DeviceBuffer> weights_, bias_;
};

void require_gpu() {
    if (cuda_device_count() <= 0)
        throw Unavailable("device = 'cuda': no CUDA GPU is present on this machine");
}

constexpr std::size_t kChunk = std::size_t{1} << 21;  // points per pipelined chunk

/// A buffer that grows to the largest size asked of it, and is kept.
template <class Buffer>
struct Grown {
    std::unique_ptr<Buffer> b;
    std::size_t bytes = 0;
    void* get(std::size_t want) {
        if (want > bytes || !b) {
            b.reset();
            b = std::make_unique<Buffer>(std::max<std::size_t>(want, 1));
            bytes = std::max<std::size_t>(want, 1);
        }
        return b->p;
    }
};

/// One model's GPU state between calls (mlp_cuda.hpp); `mu` serialises its calls.
struct Cached {
    std::mutex mu;
    int device = -1;
    CudaPrecision precision{};
    bool add_elastic = false;
    std::unique_ptr<DeviceNet> net;
    std::unique_ptr<Stream> streams[2];
    Grown<PinnedBuffer> pinned_in[2], pinned_out[2];
    Grown<DeviceBuffer> dev_in[2], dev_out[2], axes;

    /// The net for these choices on the current device (uploaded again only when they change;
    /// another device drops everything).
    const DeviceNet& prepare(const MlpModel& m, CudaPrecision p, bool elastic) {
        int dev = 0;
        VISCOANN_CUDA_CHECK(cudaGetDevice(&dev));
        if (dev != device) {
            net.reset();
            for (int s = 0; s < 2; ++s) {
                streams[s].reset();
                pinned_in[s] = {}, pinned_out[s] = {}, dev_in[s] = {}, dev_out[s] = {};
            }
            axes = {};
            device = dev;
        }
        if (!net || precision != p || add_elastic != elastic) {
            net.reset();
            net = std::make_unique<DeviceNet>(m, p, elastic);
            precision = p, add_elastic = elastic;
        }
        for (auto& st : streams)
            if (!st) st = std::make_unique<Stream>();
        return *net;
    }
};

/// The state of model m, made on its first call; entries of models that no longer exist are
/// dropped (their device memory freed) at the next call of any model.
std::shared_ptr<Cached> cached_for(const std::shared_ptr<const MlpModel>& m) {
    static std::mutex mu;
    static std::vector<std::pair<std::weak_ptr<const MlpModel>, std::shared_ptr<Cached>>> all;
    std::lock_guard<std::mutex> lock(mu);
    all.erase(
        std::remove_if(all.begin(), all.end(), [](const auto& e) { return e.first.expired(); }),
        all.end());
    for (auto& e : all)
        if (e.first.lock() == m) return e.second;
    all.emplace_back(m, std::make_shared<Cached>());
    return all.back().second;
}

/// Runs chunks [0, n) through two streams: chunk c uses stream c % 2 and its pinned buffers;
/// the host copies chunk c's results out while the GPU works on chunk c + 1.
template <class Stage>
void pipeline(Cached& cache, std::size_t n, std::size_t out_bytes_per_point, void* out,
              Stage&& stage) {
    const std::size_t cap = std::min(n, kChunk) * out_bytes_per_point;
    void* pinned_out[2] = {cache.pinned_out[0].get(cap), cache.pinned_out[1].get(cap)};
    void* dev_out[2] = {cache.dev_out[0].get(cap), cache.dev_out[1].get(cap)};
    cudaStream_t streams[2] = {cache.streams[0]->s, cache.streams[1]->s};
    std::size_t pending[2] = {0, 0}, pending_len[2] = {0, 0};
    bool busy[2] = {false, false};
    auto drain = [&](int s) {
        if (!busy[s]) return;
        VISCOANN_CUDA_CHECK(cudaStreamSynchronize(streams[s]));
        std::memcpy(static_cast<char*>(out) + pending[s] * out_bytes_per_point, pinned_out[s],
                    pending_len[s] * out_bytes_per_point);
        busy[s] = false;
    };
    try {
        int c = 0;
        for (std::size_t begin = 0; begin < n; begin += kChunk, c ^= 1) {
            drain(c);
            const std::size_t len = std::min(kChunk, n - begin);
            stage(begin, len, c, streams[c], dev_out[c]);
            VISCOANN_CUDA_CHECK(cudaMemcpyAsync(pinned_out[c], dev_out[c],
                                                len * out_bytes_per_point, cudaMemcpyDeviceToHost,
                                                streams[c]));
            pending[c] = begin;
            pending_len[c] = len;
            busy[c] = true;
        }
        drain(0);
        drain(1);
    } catch (...) {
        // The kept buffers are reused by the next call: nothing may still be in flight.
        cudaStreamSynchronize(streams[0]);
        cudaStreamSynchronize(streams[1]);
        throw;
    }
}

}  // namespace

void mlp_cuda_predict(const std::shared_ptr<const MlpModel>& model, const double* X, std::size_t n,
                      void* out, bool out_f64, CudaPrecision precision, bool add_elastic) {
    require_gpu();
    if (n == 0) return;
    const MlpModel& m = *model;
    const auto cache = cached_for(model);
    std::lock_guard<std::mutex> lock(cache->mu);
    const DeviceNet& net = cache->prepare(m, precision, add_elastic);
    const std::size_t n_in = m.n_inputs();
    const std::size_t out_bytes = m.n_outputs() * (out_f64 ? sizeof(double) : sizeof(float));
    const std::size_t cap = std::min(n, kChunk) * n_in * sizeof(double);
    void* pinned_in[2] = {cache->pinned_in[0].get(cap), cache->pinned_in[1].get(cap)};
    void* dev_in[2] = {cache->dev_in[0].get(cap), cache->dev_in[1].get(cap)};
    pipeline(*cache, n, out_bytes, out,
             [&](std::size_t begin, std::size_t len, int c, cudaStream_t s, void* dev_out) {
                 const std::size_t bytes = len * n_in * sizeof(double);
                 std::memcpy(pinned_in[c], X + begin * n_in, bytes);
                 VISCOANN_CUDA_CHECK(
                     cudaMemcpyAsync(dev_in[c], pinned_in[c], bytes, cudaMemcpyHostToDevice, s));
                 Source src{};
                 src.X = static_cast<const double*>(dev_in[c]);
                 net.launch(src, Sink{dev_out, out_f64 ? 1 : 0}, len, s);
             });
}

void mlp_cuda_predict_grid(const std::shared_ptr<const MlpModel>& model, const InputGrid& g,
                           void* out, bool out_f64, CudaPrecision precision, bool add_elastic) {
    require_gpu();
    const std::size_t n = g.size();
    if (n == 0) return;
    const MlpModel& m = *model;
    const auto cache = cached_for(model);
    std::lock_guard<std::mutex> lock(cache->mu);
    const DeviceNet& net = cache->prepare(m, precision, add_elastic);
    // The axes go to the device once; every point is decoded from its index in the kernel.
    const std::size_t na = 2 * g.n_points + g.n_depths + g.n_times + 2 * g.n_etas;
    std::vector<double> axes;
    axes.reserve(na);
    axes.insert(axes.end(), g.x, g.x + g.n_points);
    axes.insert(axes.end(), g.y, g.y + g.n_points);
    axes.insert(axes.end(), g.depths, g.depths + g.n_depths);
    axes.insert(axes.end(), g.times, g.times + g.n_times);
    axes.insert(axes.end(), g.eta_M, g.eta_M + g.n_etas);
    axes.insert(axes.end(), g.eta_K, g.eta_K + g.n_etas);
    void* dev_axes = cache->axes.get(na * sizeof(double));
    VISCOANN_CUDA_CHECK(
        cudaMemcpy(dev_axes, axes.data(), na * sizeof(double), cudaMemcpyHostToDevice));
    const double* a = static_cast<const double*>(dev_axes);
    const std::size_t out_bytes = m.n_outputs() * (out_f64 ? sizeof(double) : sizeof(float));
    pipeline(*cache, n, out_bytes, out,
             [&](std::size_t begin, std::size_t len, int, cudaStream_t s, void* dev_out) {
                 Source src{};
                 src.x = a;
                 src.y = a + g.n_points;
                 src.depth = src.y + g.n_points;
                 src.time = src.depth + g.n_depths;
                 src.eta_m = src.time + g.n_times;
                 src.eta_k = src.eta_m + g.n_etas;
                 src.n_points = g.n_points;
                 src.n_depths = g.n_depths;
                 src.n_times = g.n_times;
                 src.first = begin;
                 net.launch(src, Sink{dev_out, out_f64 ? 1 : 0}, len, s);
             });
}

}  // namespace viscoann::detail
