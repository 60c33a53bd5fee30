// Model file reader: safetensors (8-byte little-endian header length, JSON header, raw
// little-endian tensors) whose "__metadata__"."viscoann" entry is a JSON document describing
// the MLP (format in python/viscoann/export.py). Strict: every malformed case is a FormatError,
// bytes no tensor owns included; the optional "tensors_crc32" is verified (crc32.hpp).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "crc32.hpp"
#include "json.hpp"
#include "mlp_model.hpp"
#include "viscoann/errors.hpp"

namespace viscoann::detail {

namespace {

constexpr std::uint64_t max_header_bytes = 100u << 20;  // safetensors' own limit

[[noreturn]] void bad(const std::string& why) { throw FormatError("model file: " + why); }

struct TensorEntry {
    std::string name;
    std::vector<std::uint64_t> shape;
    std::uint64_t begin = 0, end = 0;
};

std::string shape_str(const std::vector<std::uint64_t>& s) {
    std::string out = "[";
    for (std::size_t k = 0; k < s.size(); ++k) out += (k ? ", " : "") + std::to_string(s[k]);
    return out + "]";
}

// A JSON number that is an exact non-negative integer not above `limit`.
std::uint64_t as_uint(const Json& v, const std::string& what, std::uint64_t limit) {
    if (v.type != Json::Type::number || !(v.number >= 0) || v.number != std::floor(v.number) ||
        v.number > static_cast<double>(limit))
        bad(what + " must be an integer in [0, " + std::to_string(limit) + "]");
    return static_cast<std::uint64_t>(v.number);
}

const Json& member(const Json& obj, const std::string& key, Json::Type type,
                   const std::string& where) {
    const Json* v = obj.find(key);
    if (!v) bad(where + " lacks \"" + key + "\"");
    if (v->type != type)
        bad(where + " \"" + key + "\" must be a " + json_type_name(type) + ", not a " +
            json_type_name(v->type));
    return *v;
}

double finite_number(const Json& obj, const std::string& key, const std::string& where) {
    const double d = member(obj, key, Json::Type::number, where).number;
    if (!std::isfinite(d)) bad(where + " \"" + key + "\" must be finite");
    return d;
}

Activation parse_activation(const std::string& s, std::size_t layer) {
    if (s == "identity" || s == "linear") return Activation::identity;
    if (s == "tanh") return Activation::tanh;
    if (s == "relu") return Activation::relu;
    if (s == "sigmoid") return Activation::sigmoid;
    bad("unknown activation '" + s + "' for layer " + std::to_string(layer) +
        " (known: identity, tanh, relu, sigmoid)");
}

std::vector<TensorEntry> parse_tensor_table(const Json& header, std::uint64_t data_size,
                                            const Json** metadata) {
    std::vector<TensorEntry> tensors;
    *metadata = nullptr;
    for (const auto& [name, v] : header.object) {
        if (name == "__metadata__") {
            if (v.type != Json::Type::object) bad("\"__metadata__\" must be an object");
            *metadata = &v;
            continue;
        }
        const std::string where = "tensor '" + name + "'";
        if (v.type != Json::Type::object) bad(where + " entry must be an object");
        const std::string& dtype = member(v, "dtype", Json::Type::string, where).string;
        if (dtype != "F32") bad(where + " has dtype '" + dtype + "'; only F32 is supported");
        TensorEntry t;
        t.name = name;
        std::uint64_t count = 1;
        for (const Json& d : member(v, "shape", Json::Type::array, where).array) {
            const std::uint64_t e = as_uint(d, where + " shape entry", 1u << 24);
            t.shape.push_back(e);
            if (t.shape.size() > 3) bad(where + " has more than 3 dimensions");
            // Each factor <= 2^24: the product of two stays exact; a third only while the
            // tensor could still fit the data section (else the size check below says so).
            count = count > data_size ? count : count * e;
        }
        const auto& off = member(v, "data_offsets", Json::Type::array, where).array;
        if (off.size() != 2) bad(where + " \"data_offsets\" must hold [begin, end]");
        const std::uint64_t huge = std::uint64_t(1) << 53;  // exact in a JSON double
        t.begin = as_uint(off[0], where + " data_offsets begin", huge);
        t.end = as_uint(off[1], where + " data_offsets end", huge);
        if (t.begin > data_size || t.end > data_size)
            bad(where + " data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                "] run past the end of the data section (" + std::to_string(data_size) +
                " bytes): out of range or truncated file");
        if (t.end < t.begin)
            bad(where + " data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                "] end before begin");
        if (t.end - t.begin != count * 4)
            bad(where + " has " + std::to_string(t.end - t.begin) + " bytes but shape " +
                shape_str(t.shape) + " of F32 needs " + std::to_string(count * 4));
        tensors.push_back(std::move(t));
    }
    std::vector<const TensorEntry*> order;
    for (const auto& t : tensors) order.push_back(&t);
    std::sort(order.begin(), order.end(),
              [](const TensorEntry* a, const TensorEntry* b) { return a->begin < b->begin; });
    for (std::size_t k = 1; k < order.size(); ++k)
        if (order[k]->begin < order[k - 1]->end)
            bad("tensors '" + order[k - 1]->name + "' and '" + order[k]->name +
                "' overlap in the data section");
    // The tensors must tile the data section (safetensors: no holes); bytes nothing reads
    // are a damaged or hand-edited file, never silently ignored.
    std::uint64_t at = 0;
    for (const TensorEntry* t : order) {
        if (t->begin != at)
            bad("bytes [" + std::to_string(at) + ", " + std::to_string(t->begin) +
                ") of the data section belong to no tensor (a hole before '" + t->name + "')");
        at = t->end;
    }
    if (at != data_size)
        bad(std::to_string(data_size - at) + " trailing bytes after the last tensor (the data " +
            "section has " + std::to_string(data_size) + " bytes, the tensors end at " +
            std::to_string(at) + ")");
    return tensors;
}

float load_f32_le(const unsigned char* p) {
    const std::uint32_t u = std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 |
                            std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

void copy_tensor(const std::vector<TensorEntry>& tensors, const unsigned char* data,
                 const std::string& name, std::vector<std::uint64_t> expect,
                 std::vector<float>& dst, const char* from = "the widths") {
    const TensorEntry* t = nullptr;
    for (const auto& e : tensors)
        if (e.name == name) t = &e;
    if (!t) bad("missing tensor '" + name + "'");
    if (t->shape != expect)
        bad("tensor '" + name + "' has shape " + shape_str(t->shape) + ", expected " +
            shape_str(expect) + " from " + from);
    const std::size_t n = static_cast<std::size_t>((t->end - t->begin) / 4);
    for (std::size_t k = 0; k < n; ++k) {
        const float f = load_f32_le(data + t->begin + 4 * k);
        if (!std::isfinite(f))
            bad("tensor '" + name + "' holds a non-finite value at flat index " +
                std::to_string(k));
        dst.push_back(f);
    }
}

std::string num_str(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

void parse_io_list(const Json& doc, const char* key, std::size_t count, bool inputs, int version,
                   MlpModel& m) {
    const auto& list = member(doc, key, Json::Type::array, "metadata").array;
    if (list.size() != count)
        bad(std::string("metadata \"") + key + "\" has " + std::to_string(list.size()) +
            " entries, the widths say " + std::to_string(count));
    for (std::size_t k = 0; k < count; ++k) {
        const Json& e = list[k];
        const std::string where = std::string("metadata ") + key + "[" + std::to_string(k) + "]";
        if (e.type != Json::Type::object) bad(where + " must be an object");
        const std::string name = member(e, "name", Json::Type::string, where).string;
        const std::string unit = member(e, "unit", Json::Type::string, where).string;
        const double scale = finite_number(e, "scale", where);
        const double offset = finite_number(e, "offset", where);
        if (inputs && scale == 0.0)
            bad(where + " (" + name +
                ") has \"scale\" = 0: the input would not reach the net (a constant feature)");
        if (inputs) {
            const bool lg = member(e, "log10", Json::Type::boolean, where).boolean;
            const auto& dom = member(e, "domain", Json::Type::array, where).array;
            if (dom.size() != 2 || dom[0].type != Json::Type::number ||
                dom[1].type != Json::Type::number || !std::isfinite(dom[0].number) ||
                !std::isfinite(dom[1].number) || !(dom[0].number <= dom[1].number))
                bad(where + " \"domain\" must be [lower, upper] finite numbers, lower <= upper");
            double shift = 0.0;
            if (e.find("shift")) {
                if (version < 2)
                    bad(where + " has \"shift\", which needs format version 2 (the file says " +
                        std::to_string(version) + ")");
                shift = finite_number(e, "shift", where);
                if (!lg)
                    bad(where + " (" + name + ") has \"shift\" = " + num_str(shift) +
                        " but is not log10: shift applies to log10 inputs only");
            }
            if (lg && !(dom[0].number + shift > 0))
                bad(where + " is log10 but its domain is not > 0" +
                    (shift != 0.0 ? " after the shift (lower + shift = " +
                                        num_str(dom[0].number + shift) + ")"
                                  : std::string()));
            m.input_names.push_back(name);
            m.input_units.push_back(unit);
            m.in_log10.push_back(lg ? 1 : 0);
            m.in_shift.push_back(shift);
            m.in_scale.push_back(scale);
            m.in_offset.push_back(offset);
            m.domain_lo.push_back(dom[0].number);
            m.domain_hi.push_back(dom[1].number);
        } else {
            m.output_names.push_back(name);
            m.output_units.push_back(unit);
            m.out_scale.push_back(scale);
            m.out_offset.push_back(offset);
        }
    }
}

// A [lo, hi] pair of finite numbers, 0 < lo <= hi when `positive`, else lo <= hi.
void number_range(const Json& obj, const std::string& key, const std::string& where, bool positive,
                  double* lo, double* hi) {
    const auto& a = member(obj, key, Json::Type::array, where).array;
    if (a.size() != 2 || a[0].type != Json::Type::number || a[1].type != Json::Type::number ||
        !std::isfinite(a[0].number) || !std::isfinite(a[1].number) ||
        !(a[0].number <= a[1].number) || (positive && !(a[0].number > 0)))
        bad(where + " \"" + key + "\" must be [lower, upper] finite numbers, " +
            (positive ? "0 < lower <= upper" : "lower <= upper"));
    *lo = a[0].number;
    *hi = a[1].number;
}

double positive_number(const Json& obj, const std::string& key, const std::string& where) {
    const double v = finite_number(obj, key, where);
    if (!(v > 0)) bad(where + " \"" + key + "\" = " + num_str(v) + " must be > 0");
    return v;
}

// The object has exactly `keys` (a typo or a newer writer's entry is refused, not ignored).
void exact_keys(const Json& obj, std::initializer_list<const char*> keys,
                const std::string& where) {
    std::string list;
    for (const char* k : keys) list += std::string(list.empty() ? "" : ", ") + k;
    for (const auto& kv : obj.object) {
        bool known = false;
        for (const char* k : keys) known = known || kv.first == k;
        if (!known) bad(where + " has unknown key \"" + kv.first + "\" (known: " + list + ")");
    }
    for (const char* k : keys)
        if (!obj.find(k)) bad(where + " lacks \"" + k + "\"");
}

// "geometry" {"kind": "elementary_kernel", ...} (version 3; export.py's module docstring).
void parse_kernel_geometry(const Json& geo, MlpModel& m) {
    const std::string where = "metadata geometry 'elementary_kernel'";
    exact_keys(geo, {"kind", "n_modes", "rho_spacing", "n_r", "mu_M", "mu_K", "family"}, where);
    KernelGeometry& k = m.kernel;
    k.n_modes = static_cast<std::size_t>(as_uint(*geo.find("n_modes"), where + " \"n_modes\"",
                                                 static_cast<std::uint64_t>(max_width)));
    k.n_r = static_cast<std::size_t>(as_uint(*geo.find("n_r"), where + " \"n_r\"", 1u << 24));
    if (k.n_modes < 1) bad(where + " \"n_modes\" = 0 must be >= 1");
    if (k.n_r < 4) bad(where + " \"n_r\" = " + std::to_string(k.n_r) + " must be >= 4");
    k.rho_spacing = positive_number(geo, "rho_spacing", where);
    k.mu_M = positive_number(geo, "mu_M", where);
    k.mu_K = positive_number(geo, "mu_K", where);
    const std::string fw = where + " family";
    const Json& fam = member(geo, "family", Json::Type::object, where);
    exact_keys(fam, {"H", "depth_margin", "eta_M", "eta_K", "maxwell", "r_max", "t_max"}, fw);
    number_range(fam, "H", fw, true, &k.H_lo, &k.H_hi);
    k.depth_margin = finite_number(fam, "depth_margin", fw);
    if (!(k.depth_margin >= 0) || !(2 * k.depth_margin < k.H_lo))
        bad(fw + " \"depth_margin\" = " + num_str(k.depth_margin) +
            " must be >= 0 and below half the smallest H (" + num_str(k.H_lo) + ")");
    number_range(fam, "eta_M", fw, true, &k.eta_M_lo, &k.eta_M_hi);
    number_range(fam, "eta_K", fw, true, &k.eta_K_lo, &k.eta_K_hi);
    k.maxwell = member(fam, "maxwell", Json::Type::boolean, fw).boolean;
    k.r_max = positive_number(fam, "r_max", fw);
    k.t_max = positive_number(fam, "t_max", fw);
    // The cubic stencil's last radius at the smallest H.
    const double r_top = static_cast<double>(k.n_r - 3) * k.rho_spacing * k.H_lo;
    if (!(k.r_max <= r_top))
        bad(fw + " \"r_max\" = " + num_str(k.r_max) + " lies beyond the basis grid ((n_r - 3) " +
            "rho_spacing H_lo = " + num_str(r_top) + ")");
    m.geometry = Geometry::elementary_kernel;
    if (m.n_features() != 3 || m.n_outputs() != kernel_functions * k.n_modes)
        bad(where + " needs widths[0] = 3 and widths[-1] = 10 n_modes = " +
            std::to_string(kernel_functions * k.n_modes) + "; the widths are " +
            std::to_string(m.n_features()) + " ... " + std::to_string(m.n_outputs()));
}

// "geometry" (version 2): absent or {"kind": "cartesian"}, or {"kind": "radial_strike_slip",
// "r_scale": s > 0, "r_offset": o}; version 3: {"kind": "elementary_kernel", ...} and nothing
// else. Sets m.geometry; checks what follows from the widths.
void parse_geometry(const Json& doc, int version, MlpModel& m) {
    const Json* geo = doc.find("geometry");
    if (!geo) {
        if (version == format_version_kernel)
            bad("format version 3 needs a \"geometry\" of kind 'elementary_kernel'");
        return;
    }
    if (version < 2)
        bad("metadata \"geometry\" needs format version 2 (the file says " +
            std::to_string(version) + ")");
    if (geo->type != Json::Type::object) bad("metadata \"geometry\" must be an object");
    const std::string& kind = member(*geo, "kind", Json::Type::string, "metadata geometry").string;
    if ((kind == "elementary_kernel") != (version == format_version_kernel))
        bad("geometry kind '" + kind + "' with format version " + std::to_string(version) +
            ": the 'elementary_kernel' geometry is format version 3, and version 3 is only it");
    if (kind == "elementary_kernel") return parse_kernel_geometry(*geo, m);
    if (kind == "cartesian") return;
    if (kind != "radial_strike_slip")
        bad("unknown geometry kind '" + kind +
            "' (known: cartesian, radial_strike_slip, elementary_kernel)");
    const double s = member(*geo, "r_scale", Json::Type::number, "metadata geometry").number;
    if (!std::isfinite(s) || !(s > 0))
        bad("metadata geometry \"r_scale\" = " + num_str(s) + " must be finite and > 0");
    m.r_scale = s;
    m.r_offset = finite_number(*geo, "r_offset", "metadata geometry");
    m.geometry = Geometry::radial_strike_slip;
    if (m.n_outputs() != 3)
        bad("geometry 'radial_strike_slip' needs 3 net outputs (g_r, g_phi, g_z); widths[-1] = " +
            std::to_string(m.n_outputs()));
    const Json* inputs = doc.find("inputs");  // absent or not a list: parse_io_list says so
    if (inputs && inputs->type == Json::Type::array && inputs->array.size() != m.n_inputs())
        bad("geometry 'radial_strike_slip' needs widths[0] = n_inputs - 1 (x, y become one "
            "feature r): widths[0] = " +
            std::to_string(m.n_features()) + " with " + std::to_string(inputs->array.size()) +
            " inputs");
}

// "tensors_crc32" (optional; files written before it have none): 8 lowercase hex digits, the
// CRC-32 of the whole data section (every tensor byte, in file order). A mismatch is a damaged
// file: flipped weight bits would otherwise load and predict wrong numbers silently.
void check_crc32(const Json& doc, const unsigned char* data, std::uint64_t size) {
    const Json* c = doc.find("tensors_crc32");
    if (!c) return;
    const std::string where = "metadata \"tensors_crc32\"";
    if (c->type != Json::Type::string || c->string.size() != 8 ||
        c->string.find_first_not_of("0123456789abcdef") != std::string::npos)
        bad(where + " must be a string of 8 lowercase hex digits");
    const auto stored = static_cast<std::uint32_t>(std::stoul(c->string, nullptr, 16));
    const std::uint32_t computed = crc32(data, static_cast<std::size_t>(size));
    if (stored != computed) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "stored %08x, computed %08x", stored, computed);
        bad("the tensor data fail their checksum (CRC-32 " + std::string(buf) +
            "): the file is damaged");
    }
}

}  // namespace

std::vector<unsigned char> read_model_file(const std::string& path) {
    // A directory opens as a filebuf on Linux and only fails on the first read, with an
    // ios_base::failure ("basic_filebuf::underflow"): name it before opening.
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw IoError("cannot read model file '" + path + "': it is a directory");
    std::ifstream f(path, std::ios::binary);
    if (!f) throw IoError("cannot open model file '" + path + "'");
    std::vector<unsigned char> bytes;
    try {
        bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    } catch (const std::ios_base::failure& e) {
        throw IoError("cannot read model file '" + path + "': " + e.what());
    }
    if (f.bad()) throw IoError("cannot read model file '" + path + "'");
    return bytes;
}

const char* activation_name(Activation a) noexcept {
    switch (a) {
        case Activation::identity:
            return "identity";
        case Activation::tanh:
            return "tanh";
        case Activation::relu:
            return "relu";
        case Activation::sigmoid:
            return "sigmoid";
    }
    return "?";
}

MlpModel parse_model(const unsigned char* data, std::size_t size) {
    if (size < 8)
        bad("truncated: " + std::to_string(size) + " bytes, fewer than the 8-byte header length");
    std::uint64_t hlen = 0;
    for (int k = 7; k >= 0; --k) hlen = (hlen << 8) | data[k];
    if (hlen > size - 8)
        bad("header length " + std::to_string(hlen) + " runs past the end of the file (" +
            std::to_string(size) + " bytes): truncated or not a safetensors file");
    if (hlen > max_header_bytes) bad("header length " + std::to_string(hlen) + " exceeds 100 MiB");
    const char* htext = reinterpret_cast<const char*>(data + 8);
    const Json header = parse_json(htext, static_cast<std::size_t>(hlen), "the safetensors header");
    if (header.type != Json::Type::object) bad("the safetensors header is not a JSON object");
    const unsigned char* tdata = data + 8 + hlen;
    const std::uint64_t tsize = size - 8 - hlen;

    const Json* meta = nullptr;
    const std::vector<TensorEntry> tensors = parse_tensor_table(header, tsize, &meta);
    if (!meta) bad("no \"__metadata__\" (not a viscoann model file)");
    for (const auto& kv : meta->object)
        if (kv.second.type != Json::Type::string)
            bad("\"__metadata__\" value of '" + kv.first + "' is not a string");
    const Json* doc_text = meta->find("viscoann");
    if (!doc_text) bad("\"__metadata__\" has no \"viscoann\" entry (not a viscoann model file)");

    MlpModel m;
    m.metadata_json = doc_text->string;
    const Json doc =
        parse_json(m.metadata_json.data(), m.metadata_json.size(), "the \"viscoann\" metadata");
    if (doc.type != Json::Type::object) bad("the \"viscoann\" metadata is not a JSON object");
    const std::string& fmt = member(doc, "format", Json::Type::string, "metadata").string;
    if (fmt != "viscoann-mlp") bad("unknown format '" + fmt + "' (expected 'viscoann-mlp')");
    const Json& ver = member(doc, "version", Json::Type::number, "metadata");
    if (ver.number != 1 && ver.number != 2 && ver.number != 3)
        bad("unknown format version " + num_str(ver.number) + " (this reader knows 1, 2, 3)");
    const int version = static_cast<int>(ver.number);
    check_crc32(doc, tdata, tsize);

    const auto& widths = member(doc, "widths", Json::Type::array, "metadata").array;
    if (widths.size() < 2) bad("metadata \"widths\" needs at least 2 entries (inputs, outputs)");
    const int w_max = version == format_version_kernel ? max_kernel_width : max_width;
    for (std::size_t k = 0; k < widths.size(); ++k) {
        const auto w = as_uint(widths[k], "metadata widths[" + std::to_string(k) + "]",
                               static_cast<std::uint64_t>(w_max));
        if (w == 0) bad("metadata widths[" + std::to_string(k) + "] is 0");
        m.widths.push_back(static_cast<int>(w));
    }
    const auto& acts = member(doc, "activations", Json::Type::array, "metadata").array;
    if (acts.size() != widths.size() - 1)
        bad("metadata \"activations\" has " + std::to_string(acts.size()) + " entries for " +
            std::to_string(widths.size() - 1) + " layers");
    for (std::size_t l = 0; l < acts.size(); ++l) {
        if (acts[l].type != Json::Type::string)
            bad("metadata activations[" + std::to_string(l) + "] is not a string");
        m.activations.push_back(parse_activation(acts[l].string, l));
    }

    parse_geometry(doc, version, m);
    parse_io_list(doc, "inputs", m.n_inputs(), true, version, m);
    parse_io_list(doc, "outputs", m.n_outputs(), false, version, m);
    if (m.geometry == Geometry::radial_strike_slip) {
        for (std::size_t k = 0; k < 2; ++k)
            if (m.input_names[k] != (k ? "y" : "x") || m.in_log10[k])
                bad("geometry 'radial_strike_slip' needs x and y (not log10) as inputs 0 and 1; "
                    "inputs[" +
                    std::to_string(k) + "] is '" + m.input_names[k] + "'" +
                    (m.in_log10[k] ? " (log10)" : ""));
    }
    if (m.geometry == Geometry::elementary_kernel) {
        // export.KERNEL_FEATURES, in order, none log10 (the engine forms log10 itself).
        static const char* const features[3] = {"depth_over_H", "log10_t_over_tau_M",
                                                "log10_1p_t_over_tau_K"};
        for (std::size_t k = 0; k < 3; ++k)
            if (m.input_names[k] != features[k] || m.in_log10[k])
                bad("geometry 'elementary_kernel' needs the inputs depth_over_H, "
                    "log10_t_over_tau_M, log10_1p_t_over_tau_K (not log10); inputs[" +
                    std::to_string(k) + "] is '" + m.input_names[k] + "'" +
                    (m.in_log10[k] ? " (log10)" : ""));
    }

    const Json* ep = doc.find("elastic_part");
    if (ep) {
        if (ep->type != Json::Type::string) bad("metadata \"elastic_part\" is not a string");
        if (ep->string == "okada_point_strike_slip") {
            m.elastic = ElasticPart::okada_point_strike_slip;
            if (m.n_outputs() != 3)
                bad("elastic_part 'okada_point_strike_slip' needs 3 outputs (ux, uy, uz)");
            const auto& idx = member(doc, "elastic_inputs", Json::Type::array, "metadata").array;
            if (idx.size() != 3) bad("metadata \"elastic_inputs\" must hold 3 input indices");
            for (int k = 0; k < 3; ++k)
                m.elastic_inputs[k] =
                    static_cast<int>(as_uint(idx[static_cast<std::size_t>(k)],
                                             "metadata elastic_inputs entry", m.n_inputs() - 1));
        } else if (ep->string != "none") {
            bad("unknown elastic_part '" + ep->string + "' (known: none, okada_point_strike_slip)");
        }
    }
    if (m.geometry == Geometry::elementary_kernel && m.elastic != ElasticPart::none)
        bad("geometry 'elementary_kernel' needs elastic_part 'none' (the engine adds the lid's "
            "Okada itself)");

    std::size_t used = 0;
    for (std::size_t l = 0; l < m.n_layers(); ++l) {
        const auto in = static_cast<std::uint64_t>(m.widths[l]);
        const auto out = static_cast<std::uint64_t>(m.widths[l + 1]);
        const std::string p = "layers." + std::to_string(l);
        m.weight_offset.push_back(m.weights.size());
        copy_tensor(tensors, tdata, p + ".weight", {out, in}, m.weights);
        m.bias_offset.push_back(m.biases.size());
        copy_tensor(tensors, tdata, p + ".bias", {out}, m.biases);
        used += 2;
    }
    if (m.geometry == Geometry::elementary_kernel) {
        const auto K = static_cast<std::uint64_t>(m.kernel.n_modes);
        const auto nr = static_cast<std::uint64_t>(m.kernel.n_r);
        copy_tensor(tensors, tdata, "basis", {kernel_functions, K, nr}, m.kernel.basis,
                    "the geometry (10, n_modes, n_r)");
        used += 1;
    }
    if (tensors.size() != used) {
        for (const auto& t : tensors) {
            const auto dot = t.name.find('.', 7);
            bool known = t.name.rfind("layers.", 0) == 0 && dot != std::string::npos;
            if (known) {
                const std::string idx = t.name.substr(7, dot - 7), tail = t.name.substr(dot);
                known = (tail == ".weight" || tail == ".bias") && !idx.empty() && idx.size() < 6 &&
                        idx.find_first_not_of("0123456789") == std::string::npos &&
                        std::stoul(idx) < m.n_layers() && std::to_string(std::stoul(idx)) == idx;
            }
            known = known || (t.name == "basis" && m.geometry == Geometry::elementary_kernel);
            if (!known) bad("unexpected tensor '" + t.name + "' (not a layer of the widths)");
        }
    }
    return m;
}

}  // namespace viscoann::detail
