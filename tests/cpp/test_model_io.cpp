// Model file reader (model_io.cpp): a valid file parses; each malformed case is refused with a
// FormatError naming the problem; random mutations of a valid file never crash (run under
// ASan + UBSan by `make test`). `test_model_io N` runs N mutations (the long fuzz run).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "check.hpp"
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
    long w0_begin = 0;         // data_offsets of layers.0.weight
};

std::string doc(const Spec& s) {
    return "{\"format\": \"viscoann-mlp\", \"version\": " + s.version +
           ", \"widths\": " + s.widths + ", \"activations\": " + s.acts +
           ", \"inputs\": [{\"name\": \"a\", \"unit\": \"m\", \"log10\": false, \"domain\": [-1, 1],"
           " \"scale\": 1, \"offset\": 0}, {\"name\": \"b\", \"unit\": \"Pa s\", \"log10\": true,"
           " \"domain\": [1e18, 1e21], \"scale\": 0.5, \"offset\": -9.75}],"
           " \"outputs\": [{\"name\": \"u\", \"unit\": \"m\", \"scale\": 2, \"offset\": 0.5}],"
           " \"provenance\": {\"note\": \"caf\\u00e9\"}}";
}

// Layers 2 -> 3 -> 1: weight0 6 floats, bias0 3, weight1 3, bias1 1 (13 floats, 52 bytes).
Bytes make(const Spec& s = {}) {
    const float vals[13] = {0.5f, -0.25f, 1.0f, 0.75f, -1.0f, 0.1f,  // W0 [3][2]
                            0.0f, 0.2f, -0.3f,                      // b0
                            1.0f, -2.0f, 0.5f,                      // W1 [1][3]
                            0.05f};                                  // b1
    std::string h = "{";
    if (s.metadata) h += "\"__metadata__\": {\"viscoann\": \"" + escape(doc(s)) + "\"}, ";
    h += "\"layers.0.weight\": {\"dtype\": \"" + s.dtype + "\", \"shape\": [3, 2], \"data_offsets\": [" +
         std::to_string(s.w0_begin) + ", " + std::to_string(s.w0_begin + 24) + "]}, ";
    h += "\"layers.0.bias\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [24, 36]}, ";
    h += "\"layers.1.weight\": {\"dtype\": \"F32\", \"shape\": " + s.w1_shape +
         ", \"data_offsets\": [36, 48]}, ";
    h += "\"layers.1.bias\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [48, 52]}";
    h += s.extra_tensor + "}";
    Bytes out(8);
    std::uint64_t n = h.size();
    for (int k = 0; k < 8; ++k) out[k] = static_cast<unsigned char>(n >> (8 * k));
    out.insert(out.end(), h.begin(), h.end());
    for (float f : vals) {
        std::uint32_t u;
        std::memcpy(&u, &f, 4);
        for (int k = 0; k < 4; ++k) out.push_back(static_cast<unsigned char>(u >> (8 * k)));
    }
    return out;
}

viscoann::Surrogate parse(const Bytes& b) { return viscoann::Surrogate::from_bytes(b.data(), b.size()); }

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

void malformed_files() {
    const Bytes good = make();
    CHECK_THROWS(parse(Bytes(good.begin(), good.begin() + 5)), FormatError, "truncated");
    Bytes hl = good;
    hl[0] = 0xff, hl[1] = 0xff;
    CHECK_THROWS(parse(hl), FormatError, "runs past the end of the file");
    CHECK_THROWS(parse(Bytes(good.begin(), good.end() - 3)), FormatError, "run past the end of the data section");
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
    ex.extra_tensor = ", \"head\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [52, 52]}";
    CHECK_THROWS(parse(make(ex)), FormatError, "unexpected tensor 'head'");
    Spec w;
    w.widths = "[2, 3, 2]";
    CHECK_THROWS(parse(make(w)), FormatError, "\"outputs\" has 1 entries");
    CHECK_THROWS(viscoann::Surrogate::load("/nonexistent/model.safetensors"), viscoann::IoError,
                 "cannot open");
}

void json_strictness() {
    using viscoann::detail::parse_model;
    const char* bad_headers[] = {
        "{\"a\": 1,}",  "{\"a\": 1 \"b\": 2}", "{\"a\": 01}", "{\"a\": 1.}", "{\"a\": NaN}",
        "{\"a\": \"\\x\"}", "{\"a\": \"\\ud800\"}", "{\"a\": 1, \"a\": 2}", "{\"a\": tru}",
        "{\"a\": \"\xc3\x28\"}", "{\"a\": 1e999}", "{\"a\": [1, 2]] }",
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

// Byte flips, truncations, header-length edits and insertions of a valid file: each result
// either parses or throws FormatError (anything else, or a sanitizer report, fails).
long mutations(long iterations, std::uint64_t seed) {
    const Bytes good = make();
    std::mt19937_64 rng(seed);
    long refused = 0;
    for (long it = 0; it < iterations; ++it) {
        Bytes b = good;
        const int kind = static_cast<int>(rng() % 5);
        const int count = 1 + static_cast<int>(rng() % 4);
        for (int c = 0; c < count; ++c) {
            if (b.empty()) break;
            switch (kind) {
                case 0: b[rng() % b.size()] = static_cast<unsigned char>(rng()); break;
                case 1: b.resize(rng() % b.size()); break;
                case 2: b[rng() % 8 % b.size()] = static_cast<unsigned char>(rng()); break;
                case 3: b.insert(b.begin() + static_cast<long>(rng() % b.size()),
                                 static_cast<unsigned char>("{}[]\",:0123456789eE.-\\u"[rng() % 24]));
                        break;
                default: b[8 + rng() % (b.size() > 60 ? b.size() - 60 : 1)] ^= static_cast<unsigned char>(1u << (rng() % 8));
            }
        }
        try {
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
    malformed_files();
    json_strictness();
    const long n = argc > 1 ? std::atol(argv[1]) : 3000;
    const long refused = mutations(n, 12345);
    std::printf("mutations: %ld, refused: %ld\n", n, refused);
    CHECK(refused > n / 4);
    return check::report();
}
