// Model file reader (model_io.cpp): a valid file parses (version 1, and version 2 with a shift
// and the radial geometry); each malformed case is refused with a FormatError naming the
// problem; random mutations of a valid file never crash (run under ASan + UBSan by
// `make test`). `test_model_io N` runs N mutations (the long fuzz run).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "check.hpp"
#include "crc32.hpp"
#include "mlp_model.hpp"
#include "viscoann/errors.hpp"
#include "viscoann/surrogate.hpp"

using Bytes = std::vector<unsigned char>;
using viscoann::FormatError;

namespace {

std::string escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        o += c;
    }
    return o;
}

struct Spec {
    std::string version = "1";
    std::string widths = "[2, 3, 1]";
    std::string acts = "[\"tanh\", \"identity\"]";
    std::string dtype = "F32";
    std::string w1_shape = "[1, 3]";
    std::string extra_tensor;  // appended verbatim to the header
    bool metadata = true;
    long w0_begin = 0;  // data_offsets of layers.0.weight
    std::string inputs =
        "[{\"name\": \"a\", \"unit\": \"m\", \"log10\": false, \"domain\": [-1, 1],"
        " \"scale\": 1, \"offset\": 0}, {\"name\": \"b\", \"unit\": \"Pa s\", \"log10\": true,"
        " \"domain\": [1e18, 1e21], \"scale\": 0.5, \"offset\": -9.75}]";
    std::string outputs = "[{\"name\": \"u\", \"unit\": \"m\", \"scale\": 2, \"offset\": 0.5}]";
    std::string extra_meta;  // appended verbatim to the metadata document (", \"geometry\": ...")
    int n_out = 1;           // 1, or 3 (layer 1: W1 [3][3], b1 [3])
};

std::string doc(const Spec& s) {
    return "{\"format\": \"viscoann-mlp\", \"version\": " + s.version +
           ", \"widths\": " + s.widths + ", \"activations\": " + s.acts +
           ", \"inputs\": " + s.inputs + ", \"outputs\": " + s.outputs + s.extra_meta +
           ", \"provenance\": {\"note\": \"caf\\u00e9\"}}";
}

// Layers 2 -> 3 -> n_out: weight0 6 floats, bias0 3, weight1 3 n_out, bias1 n_out
// (13 floats, 52 bytes for n_out = 1; 21 floats, 84 bytes for n_out = 3).
Bytes make(const Spec& s = {}) {
    const float vals1[13] = {0.5f, -0.25f, 1.0f,  0.75f, -1.0f, 0.1f,  // W0 [3][2]
                             0.0f, 0.2f,   -0.3f,                      // b0
                             1.0f, -2.0f,  0.5f,                       // W1 [1][3]
                             0.05f};                                   // b1
    const float vals3[21] = {0.5f, -0.25f, 1.0f,  0.75f, -1.0f, 0.1f,  // W0 [3][2]
                             0.0f, 0.2f,   -0.3f,                      // b0
                             1.0f, -2.0f,  0.5f,                       // W1 [3][3]
                             0.3f, 0.4f,   -0.6f, -0.7f, 0.2f,  0.9f, 0.05f, -0.1f, 0.15f};  // b1
    const float* vals = s.n_out == 3 ? vals3 : vals1;
    const int n_vals = s.n_out == 3 ? 21 : 13;
    const std::string w1_end = std::to_string(36 + 12 * s.n_out);
    const std::string b1_end = std::to_string(36 + 16 * s.n_out);
    std::string h = "{";
    if (s.metadata) h += "\"__metadata__\": {\"viscoann\": \"" + escape(doc(s)) + "\"}, ";
    h += "\"layers.0.weight\": {\"dtype\": \"" + s.dtype +
         "\", \"shape\": [3, 2], \"data_offsets\": [" + std::to_string(s.w0_begin) + ", " +
         std::to_string(s.w0_begin + 24) + "]}, ";
    h += "\"layers.0.bias\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [24, 36]}, ";
    h += "\"layers.1.weight\": {\"dtype\": \"F32\", \"shape\": " + s.w1_shape +
         ", \"data_offsets\": [36, " + w1_end + "]}, ";
    h += "\"layers.1.bias\": {\"dtype\": \"F32\", \"shape\": [" + std::to_string(s.n_out) +
         "], \"data_offsets\": [" + w1_end + ", " + b1_end + "]}";
    h += s.extra_tensor + "}";
    Bytes out;
    out.reserve(8 + h.size() + 4 * static_cast<std::size_t>(n_vals));  // (no GCC 12 -Warray-bounds)
    std::uint64_t n = h.size();
    for (int k = 0; k < 8; ++k) out.push_back(static_cast<unsigned char>(n >> (8 * k)));
    out.insert(out.end(), h.begin(), h.end());
    for (int v = 0; v < n_vals; ++v) {
        const float f = vals[v];
        std::uint32_t u;
        std::memcpy(&u, &f, 4);
        for (int k = 0; k < 4; ++k) out.push_back(static_cast<unsigned char>(u >> (8 * k)));
    }
    return out;
}

viscoann::Surrogate parse(const Bytes& b) {
    return viscoann::Surrogate::from_bytes(b.data(), b.size());
}

void valid_file() {
    const auto s = parse(make());
    CHECK(s.n_inputs() == 2 && s.n_outputs() == 1);
    CHECK(s.activations() == (std::vector<std::string>{"tanh", "identity"}));
    CHECK(s.input_units()[1] == "Pa s");
    CHECK(s.metadata_json().find("caf\\u00e9") != std::string::npos);
    // One point by hand: z = (0.3, 0.5 * log10(1e19) - 9.75 = -0.25)
    const double X[2] = {0.3, 1e19};
    const double z0 = 0.3, z1 = 0.5 * 19.0 - 9.75;
    const double h0 = std::tanh(0.5 * z0 - 0.25 * z1 + 0.0);
    const double h1 = std::tanh(1.0 * z0 + 0.75 * z1 + 0.2);
    const double h2 = std::tanh(-1.0 * z0 + 0.1 * z1 - 0.3);
    const double expect = 2.0 * (1.0 * h0 - 2.0 * h1 + 0.5 * h2 + 0.05) + 0.5;
    double u = 0.0;
    s.predict(X, 1, &u);
    CHECK_NEAR(u, expect, 1e-5);
    bool mask = false;
    CHECK(s.in_domain(X, 1, &mask) == 0 && mask);
}

// Version 2, radial geometry: inputs (x, y, b) with b = log10(b + shift); widths 2 -> 3 -> 3.
Spec radial_spec() {
    Spec s;
    s.version = "2";
    s.widths = "[2, 3, 3]";
    s.w1_shape = "[3, 3]";
    s.n_out = 3;
    s.inputs =
        "[{\"name\": \"x\", \"unit\": \"m\", \"log10\": false, \"domain\": [-1e5, 1e5],"
        " \"scale\": 1, \"offset\": 0}, {\"name\": \"y\", \"unit\": \"m\", \"log10\": false,"
        " \"domain\": [-1e5, 1e5], \"scale\": 1, \"offset\": 0}, {\"name\": \"t\", \"unit\": \"s\","
        " \"log10\": true, \"shift\": 86400, \"domain\": [0, 3e9], \"scale\": 0.4, \"offset\": "
        "-3}]";
    s.outputs =
        "[{\"name\": \"ux\", \"unit\": \"m\", \"scale\": 2, \"offset\": 0.5}, {\"name\": \"uy\","
        " \"unit\": \"m\", \"scale\": 3, \"offset\": -0.25}, {\"name\": \"uz\", \"unit\": \"m\","
        " \"scale\": 0.5, \"offset\": 0.125}]";
    s.extra_meta =
        ", \"geometry\": {\"kind\": \"radial_strike_slip\", \"r_scale\": 1e-5,"
        " \"r_offset\": -0.5}";
    return s;
}

void radial_file() {
    const auto s = parse(make(radial_spec()));
    CHECK(s.n_inputs() == 3 && s.n_outputs() == 3);
    CHECK(s.widths() == (std::vector<int>{2, 3, 3}));
    // One point by hand: features (1e-5 r - 0.5, 0.4 log10(t + 86400) - 3), then the rotation.
    const double X[3] = {30e3, -40e3, 1e7};
    const double z0 = 1e-5 * 50e3 - 0.5, z1 = 0.4 * std::log10(1e7 + 86400.0) - 3.0;
    const double h[3] = {std::tanh(0.5 * z0 - 0.25 * z1 + 0.0),
                         std::tanh(1.0 * z0 + 0.75 * z1 + 0.2),
                         std::tanh(-1.0 * z0 + 0.1 * z1 - 0.3)};
    const double g[3] = {2.0 * (1.0 * h[0] - 2.0 * h[1] + 0.5 * h[2] + 0.05) + 0.5,
                         3.0 * (0.3 * h[0] + 0.4 * h[1] - 0.6 * h[2] - 0.1) - 0.25,
                         0.5 * (-0.7 * h[0] + 0.2 * h[1] + 0.9 * h[2] + 0.15) + 0.125};
    const double c = 0.6, sn = -0.8, s2 = 2 * sn * c, c2 = c * c - sn * sn;
    const double expect[3] = {g[0] * s2 * c - g[1] * c2 * sn, g[0] * s2 * sn + g[1] * c2 * c,
                              g[2] * s2};
    double u[3] = {0, 0, 0};
    s.predict(X, 1, u);
    for (int j = 0; j < 3; ++j) CHECK_NEAR(u[j], expect[j], 1e-5);
    // t must be >= 0 (the tighter bound than t + shift > 0): refused naming value and range.
    const double bad[3] = {1.0, 2.0, -1e5};
    CHECK_THROWS(s.predict(bad, 1, u), std::invalid_argument,
                 "X[0, 2] (t) = -100000 is invalid; allowed: finite and >= 0 s");
}

void malformed_geometry() {
    auto with = [](auto fn) {
        Spec s = radial_spec();
        fn(s);
        return make(s);
    };
    CHECK_THROWS(parse(with([](Spec& s) { s.version = "1"; })), FormatError,
                 "needs format version 2 (the file says 1)");
    CHECK_THROWS(
        parse(with([](Spec& s) { s.extra_meta = ", \"geometry\": {\"kind\": \"polar\"}"; })),
        FormatError, "unknown geometry kind 'polar'");
    CHECK_THROWS(parse(with([](Spec& s) { s.extra_meta = ", \"geometry\": \"radial\""; })),
                 FormatError, "\"geometry\" must be an object");
    for (const char* r : {"0", "-2"}) {
        const std::string msg = std::string("\"r_scale\" = ") + r + " must be finite and > 0";
        CHECK_THROWS(parse(with([r](Spec& s) {
                         s.extra_meta = std::string(
                                            ", \"geometry\": {\"kind\": "
                                            "\"radial_strike_slip\", \"r_scale\": ") +
                                        r + ", \"r_offset\": 0}";
                     })),
                     FormatError, msg.c_str());
    }
    CHECK_THROWS(parse(with([](Spec& s) {
                     s.extra_meta =
                         ", \"geometry\": {\"kind\": \"radial_strike_slip\", "
                         "\"r_scale\": 1e999, \"r_offset\": 0}";
                 })),
                 FormatError, "number out of range");
    CHECK_THROWS(parse(with([](Spec& s) {
                     s.extra_meta =
                         ", \"geometry\": {\"kind\": \"radial_strike_slip\", "
                         "\"r_scale\": 1}";
                 })),
                 FormatError, "lacks \"r_offset\"");
    // widths[0] must be n_inputs - 1: the 2-input cartesian list with the radial geometry.
    CHECK_THROWS(parse(with([](Spec& s) { s.inputs = Spec().inputs; })), FormatError,
                 "widths[0] = n_inputs - 1");
    // 3 net outputs: the 1-output layer with the radial geometry.
    CHECK_THROWS(parse(with([](Spec& s) {
                     s.widths = "[2, 3, 1]";
                     s.w1_shape = "[1, 3]";
                     s.n_out = 1;
                     s.outputs = Spec().outputs;
                 })),
                 FormatError, "needs 3 net outputs");
    // x and y must be inputs 0 and 1.
    CHECK_THROWS(parse(with([](Spec& s) {
                     const auto p = s.inputs.find("\"x\"");
                     const auto q = s.inputs.find("\"y\"");
                     s.inputs[p + 1] = 'y';
                     s.inputs[q + 1] = 'x';
                 })),
                 FormatError, "needs x and y (not log10) as inputs 0 and 1; inputs[0] is 'y'");
    // shift: only on log10 inputs, only from version 2.
    Spec sh;
    sh.version = "2";
    sh.inputs.insert(sh.inputs.find("\"scale\": 1"), "\"shift\": 3, ");
    CHECK_THROWS(parse(make(sh)), FormatError, "(a) has \"shift\" = 3 but is not log10");
    Spec sv;
    sv.inputs.insert(sv.inputs.find("\"scale\": 0.5"), "\"shift\": 3, ");
    CHECK_THROWS(parse(make(sv)), FormatError, "needs format version 2 (the file says 1)");
    sv.version = "2";
    CHECK(parse(make(sv)).n_inputs() == 2);
    Spec sd = sv;  // domain [1e18, 1e21] with shift -1e19: lower + shift <= 0
    const std::string shift3 = "\"shift\": 3";
    sd.inputs.replace(sd.inputs.find(shift3), shift3.size(), "\"shift\": -1e19");
    CHECK_THROWS(parse(make(sd)), FormatError, "not > 0 after the shift");
    Spec v3;
    v3.version = "3";
    CHECK_THROWS(parse(make(v3)), FormatError,
                 "format version 3 needs a \"geometry\" of kind 'elementary_kernel'");
    v3.version = "4";
    CHECK_THROWS(parse(make(v3)), FormatError,
                 "unknown format version 4 (this reader knows 1, 2, 3)");
    Spec radial3 = radial_spec();
    radial3.version = "3";
    CHECK_THROWS(parse(make(radial3)), FormatError,
                 "geometry kind 'radial_strike_slip' with format version 3");
}

void malformed_files() {
    const Bytes good = make();
    CHECK_THROWS(parse(Bytes(good.begin(), good.begin() + 5)), FormatError, "truncated");
    Bytes hl = good;
    hl[0] = 0xff, hl[1] = 0xff;
    CHECK_THROWS(parse(hl), FormatError, "runs past the end of the file");
    CHECK_THROWS(parse(Bytes(good.begin(), good.end() - 3)), FormatError,
                 "run past the end of the data section");
    Bytes js = good;
    js[8] = '[';
    CHECK_THROWS(parse(js), FormatError, "invalid JSON in the safetensors header");
    Spec v;
    v.version = "7";
    CHECK_THROWS(parse(make(v)), FormatError, "unknown format version 7");
    Spec d;
    d.dtype = "BF16";
    CHECK_THROWS(parse(make(d)), FormatError, "dtype 'BF16'");
    Spec a;
    a.acts = "[\"tanh\", \"softmax\"]";
    CHECK_THROWS(parse(make(a)), FormatError, "unknown activation 'softmax'");
    Spec sh;
    sh.w1_shape = "[3, 1]";
    CHECK_THROWS(parse(make(sh)), FormatError, "has shape [3, 1], expected [1, 3]");
    Spec ov;
    ov.w0_begin = 12;  // [12, 36) overlaps the bias at [24, 36)
    CHECK_THROWS(parse(make(ov)), FormatError, "overlap");
    Spec far;
    far.w0_begin = 1000;
    CHECK_THROWS(parse(make(far)), FormatError, "run past the end of the data section");
    Spec nm;
    nm.metadata = false;
    CHECK_THROWS(parse(make(nm)), FormatError, "__metadata__");
    Spec ex;
    ex.extra_tensor =
        ", \"head\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [52, 52]}";
    CHECK_THROWS(parse(make(ex)), FormatError, "unexpected tensor 'head'");
    Spec w;
    w.widths = "[2, 3, 2]";
    CHECK_THROWS(parse(make(w)), FormatError, "\"outputs\" has 1 entries");
    CHECK_THROWS(viscoann::Surrogate::load("/nonexistent/model.safetensors"), viscoann::IoError,
                 "cannot open");
    CHECK_THROWS(viscoann::Surrogate::load("."), viscoann::IoError,
                 "cannot read model file '.': it is a directory");
}

// Bytes no tensor owns, a zero input scale and damaged tensor data are refused.
void damaged_files() {
    const Bytes good = make();
    Bytes tail = good;
    tail.insert(tail.end(), {0, 0, 0, 0});
    CHECK_THROWS(parse(tail), FormatError,
                 "4 trailing bytes after the last tensor (the data section has 56 bytes, the "
                 "tensors end at 52)");
    Spec hole;
    hole.w0_begin = 52;  // weight0 moved past the end: [0, 24) belongs to no tensor
    Bytes hb = make(hole);
    hb.insert(hb.end(), 24, 0);
    CHECK_THROWS(parse(hb), FormatError,
                 "bytes [0, 24) of the data section belong to no tensor (a hole before "
                 "'layers.0.bias')");
    Spec zero;
    zero.inputs.replace(zero.inputs.find("\"scale\": 0.5"), 12, "\"scale\": 0");
    CHECK_THROWS(parse(make(zero)), FormatError,
                 "metadata inputs[1] (b) has \"scale\" = 0: the input would not reach the net");

    // CRC-32 of the data section: the standard check value, then the file's own.
    const unsigned char check_value[] = "123456789";
    CHECK(viscoann::detail::crc32(check_value, 9) == 0xCBF43926u);
    const std::size_t data_bytes = 52;
    const std::uint32_t crc =
        viscoann::detail::crc32(good.data() + good.size() - data_bytes, data_bytes);
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", crc);
    Spec sum;
    sum.extra_meta = std::string(", \"tensors_crc32\": \"") + hex + "\"";
    const Bytes summed = make(sum);
    CHECK(parse(summed).n_inputs() == 2);
    for (std::size_t k = summed.size() - data_bytes; k < summed.size(); k += 7)
        for (int bit = 0; bit < 8; bit += 3) {
            Bytes flipped = summed;
            flipped[k] ^= static_cast<unsigned char>(1u << bit);
            CHECK_THROWS(parse(flipped), FormatError,
                         "the tensor data fail their checksum (CRC-32 stored");
        }
    for (const char* v : {"\"ABCDEF01\"", "\"1234\"", "305419896"}) {
        Spec bad_sum;
        bad_sum.extra_meta = std::string(", \"tensors_crc32\": ") + v;
        CHECK_THROWS(parse(make(bad_sum)), FormatError,
                     "\"tensors_crc32\" must be a string of 8 lowercase hex digits");
    }
}

void json_strictness() {
    using viscoann::detail::parse_model;
    const char* bad_headers[] = {
        "{\"a\": 1,}",  "{\"a\": 1 \"b\": 2}",   "{\"a\": 01}",          "{\"a\": 1.}",
        "{\"a\": NaN}", "{\"a\": \"\\x\"}",      "{\"a\": \"\\ud800\"}", "{\"a\": 1, \"a\": 2}",
        "{\"a\": tru}", "{\"a\": \"\xc3\x28\"}", "{\"a\": 1e999}",       "{\"a\": [1, 2]] }",
    };
    for (const char* h : bad_headers) {
        Bytes b(8);
        const std::uint64_t n = std::strlen(h);
        for (int k = 0; k < 8; ++k) b[k] = static_cast<unsigned char>(n >> (8 * k));
        b.insert(b.end(), h, h + n);
        CHECK_THROWS(parse_model(b.data(), b.size()), FormatError, "invalid JSON");
    }
    std::string deep(200, '[');
    Bytes b(8);
    b[0] = static_cast<unsigned char>(deep.size());
    b.insert(b.end(), deep.begin(), deep.end());
    CHECK_THROWS(parse_model(b.data(), b.size()), FormatError, "nesting deeper");
}

// ---- format version 3: the neural kernel ----------------------------------------------------
// A tiny kernel file: widths 3 -> 2 -> 10 (K = 1), basis (10, 1, 4) 0.1 apart in rho = r/H.
struct KSpec {
    std::string version = "3";
    std::string widths = "[3, 2, 10]";
    std::string names[3] = {"depth_over_H", "log10_t_over_tau_M", "log10_1p_t_over_tau_K"};
    std::string log10_2 = "false";  // log10 flag of input 2
    std::string geometry_extra;     // appended inside the geometry object
    std::string n_modes = "1", n_r = "4", rho_spacing = "0.1", mu = "3e10";
    std::string family =
        "{\"H\": [1e4, 5e4], \"depth_margin\": 1000, \"eta_M\": [1e18, 1e21], \"eta_K\": [1e17, "
        "1e20], \"maxwell\": true, \"r_max\": 1000, \"t_max\": 3.15576e10}";
    std::string kind = "elementary_kernel";
    std::string elastic = "none";
    std::string basis_shape = "[10, 1, 4]";
    bool basis = true;
};

Bytes make_kernel(const KSpec& s = {}) {
    std::string ins = "[";
    for (int i = 0; i < 3; ++i)
        ins += std::string(i ? ", " : "") + "{\"name\": \"" + s.names[i] +
               "\", \"unit\": \"1\", \"log10\": " + (i == 2 ? s.log10_2 : "false") +
               ", \"domain\": [" + (i == 2 ? "1, 4.5" : "-7, 3") +
               "], \"scale\": 0.5, "
               "\"offset\": 0}";
    ins += "]";
    std::string outs = "[";
    for (int j = 0; j < 10; ++j)
        outs += std::string(j ? ", " : "") + "{\"name\": \"c" + std::to_string(j) +
                "\", \"unit\": \"m\", \"scale\": 1e-9, \"offset\": 0}";
    outs += "]";
    const std::string geo = "{\"kind\": \"" + s.kind + "\", \"n_modes\": " + s.n_modes +
                            ", \"rho_spacing\": " + s.rho_spacing + ", \"n_r\": " + s.n_r +
                            ", \"mu_M\": " + s.mu + ", \"mu_K\": 3e10, \"family\": " + s.family +
                            s.geometry_extra + "}";
    const std::string d =
        "{\"format\": \"viscoann-mlp\", \"version\": " + s.version + ", \"widths\": " + s.widths +
        ", \"activations\": [\"tanh\", \"identity\"], \"inputs\": " + ins +
        ", \"outputs\": " + outs + ", \"geometry\": " + geo + ", \"elastic_part\": \"" + s.elastic +
        "\", \"elastic_inputs\": [0, 0, 0]}";
    struct T {
        const char* name;
        std::string shape;
        int count;
    };
    std::vector<T> ts = {{"layers.0.weight", "[2, 3]", 6},
                         {"layers.0.bias", "[2]", 2},
                         {"layers.1.weight", "[10, 2]", 20},
                         {"layers.1.bias", "[10]", 10}};
    if (s.basis) ts.push_back({"basis", s.basis_shape, 40});
    std::string h = "{\"__metadata__\": {\"viscoann\": \"" + escape(d) + "\"}";
    int at = 0;
    for (const auto& t : ts) {
        h += std::string(", \"") + t.name + "\": {\"dtype\": \"F32\", \"shape\": " + t.shape +
             ", \"data_offsets\": [" + std::to_string(4 * at) + ", " +
             std::to_string(4 * (at + t.count)) + "]}";
        at += t.count;
    }
    h += "}";
    Bytes out;
    const std::uint64_t n = h.size();
    for (int k = 0; k < 8; ++k) out.push_back(static_cast<unsigned char>(n >> (8 * k)));
    out.insert(out.end(), h.begin(), h.end());
    for (int v = 0; v < at; ++v) {
        const float f = 0.01f * static_cast<float>(v % 17) - 0.05f;
        std::uint32_t u;
        std::memcpy(&u, &f, 4);
        for (int k = 0; k < 4; ++k) out.push_back(static_cast<unsigned char>(u >> (8 * k)));
    }
    return out;
}

viscoann::detail::MlpModel parse_raw(const Bytes& b) {
    return viscoann::detail::parse_model(b.data(), b.size());
}

void kernel_files() {
    using viscoann::detail::Geometry;
    const auto m = parse_raw(make_kernel());
    CHECK(m.geometry == Geometry::elementary_kernel);
    CHECK(m.kernel.n_modes == 1 && m.kernel.n_r == 4 && m.kernel.rho_spacing == 0.1);
    CHECK(m.kernel.H_lo == 1e4 && m.kernel.H_hi == 5e4 && m.kernel.maxwell);
    CHECK(m.kernel.eta_K_lo == 1e17 && m.kernel.t_max == 3.15576e10);
    CHECK(m.kernel.basis.size() == 40 && m.kernel.basis[0] == 0.01f * 4.0f - 0.05f);  // v = 38
    // Not a surrogate: Surrogate refuses it, naming the kernel's loader.
    CHECK_THROWS(parse(make_kernel()), FormatError, "load it with NeuralKernel");
    auto with = [](auto fn) {
        KSpec s;
        fn(s);
        return parse_raw(make_kernel(s));
    };
    CHECK_THROWS(with([](KSpec& s) { s.version = "2"; }), FormatError,
                 "geometry kind 'elementary_kernel' with format version 2");
    CHECK_THROWS(with([](KSpec& s) { s.kind = "cartesian"; }), FormatError,
                 "geometry kind 'cartesian' with format version 3");
    CHECK_THROWS(with([](KSpec& s) { s.widths = "[4, 2, 10]"; }), FormatError,
                 "needs widths[0] = 3 and widths[-1] = 10 n_modes = 10");
    CHECK_THROWS(with([](KSpec& s) { s.n_modes = "2"; }), FormatError,
                 "needs widths[0] = 3 and widths[-1] = 10 n_modes = 20");
    CHECK_THROWS(with([](KSpec& s) { s.n_modes = "0"; }), FormatError,
                 "\"n_modes\" = 0 must be >= 1");
    CHECK_THROWS(with([](KSpec& s) { s.n_modes = "1.5"; }), FormatError,
                 "\"n_modes\" must be an integer");
    CHECK_THROWS(with([](KSpec& s) { s.n_r = "3"; }), FormatError, "\"n_r\" = 3 must be >= 4");
    CHECK_THROWS(with([](KSpec& s) { s.rho_spacing = "-1"; }), FormatError,
                 "\"rho_spacing\" = -1 must be > 0");
    CHECK_THROWS(with([](KSpec& s) { s.mu = "\"3e10\""; }), FormatError,
                 "\"mu_M\" must be a number, not a string");
    CHECK_THROWS(with([](KSpec& s) { s.geometry_extra = ", \"r_scale\": 1"; }), FormatError,
                 "has unknown key \"r_scale\"");
    CHECK_THROWS(with([](KSpec& s) { s.family = "{\"H\": [1e4, 5e4]}"; }), FormatError,
                 "family lacks \"depth_margin\"");
    CHECK_THROWS(with([](KSpec& s) { s.family = "[]"; }), FormatError,
                 "\"family\" must be a object");
    auto family = [&](const std::string& from, const std::string& to) {
        return [=](KSpec& s) { s.family.replace(s.family.find(from), from.size(), to); };
    };
    CHECK_THROWS(with(family("\"H\": [1e4, 5e4]", "\"H\": [5e4, 1e4]")), FormatError,
                 "\"H\" must be [lower, upper] finite numbers, 0 < lower <= upper");
    CHECK_THROWS(with(family("\"eta_M\": [1e18", "\"eta_M\": [0")), FormatError,
                 "\"eta_M\" must be [lower, upper]");
    CHECK_THROWS(with(family("\"depth_margin\": 1000", "\"depth_margin\": 6000")), FormatError,
                 "\"depth_margin\" = 6000 must be >= 0 and below half the smallest H");
    CHECK_THROWS(with(family("\"maxwell\": true", "\"maxwell\": 1")), FormatError,
                 "\"maxwell\" must be a boolean");
    CHECK_THROWS(with(family("\"r_max\": 1000", "\"r_max\": 1500")), FormatError,
                 "\"r_max\" = 1500 lies beyond the basis grid");
    CHECK_THROWS(with(family(", \"t_max\": 3.15576e10", "")), FormatError,
                 "family lacks \"t_max\"");
    CHECK_THROWS(with([](KSpec& s) { s.names[1] = "log10_t"; }), FormatError,
                 "inputs[1] is 'log10_t'");
    CHECK_THROWS(with([](KSpec& s) { s.log10_2 = "true"; }), FormatError,
                 "inputs[2] is 'log10_1p_t_over_tau_K' (log10)");
    CHECK_THROWS(with([](KSpec& s) { s.elastic = "okada_point_strike_slip"; }), FormatError,
                 "needs 3 outputs" /* the elastic part's own check comes first */);
    CHECK_THROWS(with([](KSpec& s) { s.basis = false; }), FormatError, "missing tensor 'basis'");
    CHECK_THROWS(with([](KSpec& s) { s.basis_shape = "[10, 4, 1]"; }), FormatError,
                 "tensor 'basis' has shape [10, 4, 1], expected [10, 1, 4] from the geometry");
    CHECK_THROWS(with([](KSpec& s) { s.basis_shape = "[10, 1, 2, 2]"; }), FormatError,
                 "has more than 3 dimensions");
    // A 3-D shape whose product overflows 64 bits is a size mismatch, not a wrap-around.
    CHECK_THROWS(with([](KSpec& s) { s.basis_shape = "[16777216, 16777216, 16777216]"; }),
                 FormatError, "tensor 'basis' has 160 bytes but shape");
}

// Byte flips, truncations, header-length edits and insertions of a valid file: each result
// either parses or throws FormatError (anything else, or a sanitizer report, fails).
long mutations(long iterations, std::uint64_t seed, bool kernel) {
    const Bytes good = kernel ? make_kernel() : make();
    std::mt19937_64 rng(seed);
    long refused = 0;
    for (long it = 0; it < iterations; ++it) {
        Bytes b = good;
        const int kind = static_cast<int>(rng() % 5);
        const int count = 1 + static_cast<int>(rng() % 4);
        for (int c = 0; c < count; ++c) {
            if (b.empty()) break;
            switch (kind) {
                case 0:
                    b[rng() % b.size()] = static_cast<unsigned char>(rng());
                    break;
                case 1:
                    b.resize(rng() % b.size());
                    break;
                case 2:
                    b[rng() % 8 % b.size()] = static_cast<unsigned char>(rng());
                    break;
                case 3:
                    b.insert(b.begin() + static_cast<long>(rng() % b.size()),
                             static_cast<unsigned char>("{}[]\",:0123456789eE.-\\u"[rng() % 24]));
                    break;
                default:
                    b[8 + rng() % (b.size() > 60 ? b.size() - 60 : 1)] ^=
                        static_cast<unsigned char>(1u << (rng() % 8));
            }
        }
        try {
            if (kernel) {
                (void)parse_raw(b);
                continue;
            }
            const auto s = parse(b);
            double X[2] = {0.1, 1e19}, u = 0;
            if (s.n_inputs() == 2 && s.n_outputs() == 1) s.predict(X, 1, &u);
        } catch (const FormatError&) {
            ++refused;
        } catch (const std::invalid_argument&) {
            ++refused;  // a mutated domain can make the fixed test point invalid input
        }
    }
    return refused;
}

}  // namespace

int main(int argc, char** argv) {
    valid_file();
    radial_file();
    malformed_files();
    damaged_files();
    malformed_geometry();
    json_strictness();
    kernel_files();
    const long n = argc > 1 ? std::atol(argv[1]) : 3000;
    const long refused = mutations(n, 12345, false);
    const long refused_kernel = mutations(n, 54321, true);
    std::printf("mutations: %ld, refused: %ld; of a kernel file: %ld, refused: %ld\n", n, refused,
                n, refused_kernel);
    CHECK(refused > n / 4);
    CHECK(refused_kernel > n / 4);
    return check::report();
}
