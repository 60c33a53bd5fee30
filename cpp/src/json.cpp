// Strict JSON parser (RFC 8259) used by the model-file reader; errors name the byte offset.
#include "json.hpp"

#include <charconv>
#include <cstdint>

#include "viscoann/errors.hpp"

namespace viscoann::detail {

namespace {

constexpr int max_depth = 64;

class Parser {
   public:
    Parser(const char* p, std::size_t n, const std::string& what) : s_(p), n_(n), what_(what) {}

    Json parse_document() {
        skip_ws();
        Json v = value(0);
        skip_ws();
        if (i_ != n_) fail("unexpected characters after the JSON value");
        return v;
    }

   private:
    const char* s_;
    std::size_t n_, i_ = 0;
    const std::string& what_;

    [[noreturn]] void fail(const std::string& why) const {
        throw FormatError("invalid JSON in " + what_ + " at byte " + std::to_string(i_) + ": " +
                          why);
    }
    bool eof() const { return i_ >= n_; }
    char peek() const { return eof() ? '\0' : s_[i_]; }
    void skip_ws() {
        while (!eof() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
            ++i_;
    }
    void expect(char c) {
        if (eof() || s_[i_] != c) fail(std::string("expected '") + c + "'");
        ++i_;
    }
    void literal(const char* word) {
        for (const char* w = word; *w; ++w) {
            if (eof() || s_[i_] != *w)
                fail(std::string("invalid literal, expected '") + word + "'");
            ++i_;
        }
    }

    Json value(int depth) {
        if (depth > max_depth) fail("nesting deeper than 64 levels");
        if (eof()) fail("unexpected end of text");
        Json v;
        switch (peek()) {
            case '{':
                object(v, depth);
                break;
            case '[':
                array(v, depth);
                break;
            case '"':
                v.type = Json::Type::string;
                v.string = string();
                break;
            case 't':
                literal("true");
                v.type = Json::Type::boolean;
                v.boolean = true;
                break;
            case 'f':
                literal("false");
                v.type = Json::Type::boolean;
                break;
            case 'n':
                literal("null");
                break;
            default:
                v.type = Json::Type::number;
                v.number = number();
                break;
        }
        return v;
    }

    void object(Json& v, int depth) {
        v.type = Json::Type::object;
        expect('{');
        skip_ws();
        if (peek() == '}') {
            ++i_;
            return;
        }
        for (;;) {
            skip_ws();
            if (peek() != '"') fail("expected a string key");
            std::string key = string();
            for (const auto& kv : v.object)
                if (kv.first == key) fail("duplicate key '" + key + "'");
            skip_ws();
            expect(':');
            skip_ws();
            v.object.emplace_back(std::move(key), value(depth + 1));
            skip_ws();
            if (peek() == ',') {
                ++i_;
                continue;
            }
            expect('}');
            return;
        }
    }

    void array(Json& v, int depth) {
        v.type = Json::Type::array;
        expect('[');
        skip_ws();
        if (peek() == ']') {
            ++i_;
            return;
        }
        for (;;) {
            skip_ws();
            v.array.push_back(value(depth + 1));
            skip_ws();
            if (peek() == ',') {
                ++i_;
                continue;
            }
            expect(']');
            return;
        }
    }

    unsigned hex4() {
        if (n_ - i_ < 4) fail("truncated \\u escape");
        unsigned u = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s_[i_++];
            u <<= 4;
            if (c >= '0' && c <= '9')
                u |= unsigned(c - '0');
            else if (c >= 'a' && c <= 'f')
                u |= unsigned(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                u |= unsigned(c - 'A' + 10);
            else
                fail("invalid hex digit in \\u escape");
        }
        return u;
    }

    static void put_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xC0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += char(0xE0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        } else {
            out += char(0xF0 | (cp >> 18));
            out += char(0x80 | ((cp >> 12) & 0x3F));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        }
    }

    // Copies one multi-byte UTF-8 sequence starting with lead byte c, rejecting overlong
    // forms, surrogates and values above U+10FFFF (RFC 3629), so every string is valid UTF-8.
    void utf8_sequence(std::string& out, unsigned char c) {
        int len;
        std::uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 1;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 2;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 3;
            cp = c & 0x07u;
        } else {
            --i_;
            fail("invalid UTF-8 in string");
        }
        if (n_ - i_ < static_cast<std::size_t>(len)) fail("truncated UTF-8 sequence in string");
        out += char(c);
        for (int k = 0; k < len; ++k) {
            const unsigned char d = static_cast<unsigned char>(s_[i_]);
            if ((d & 0xC0u) != 0x80u) fail("invalid UTF-8 in string");
            cp = (cp << 6) | (d & 0x3Fu);
            out += char(d);
            ++i_;
        }
        if ((len == 2 && cp < 0x800) || (len == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp < 0xE000))
            fail("invalid UTF-8 in string");
    }

    std::string string() {
        expect('"');
        std::string out;
        for (;;) {
            if (eof()) fail("unterminated string");
            const unsigned char c = static_cast<unsigned char>(s_[i_++]);
            if (c == '"') return out;
            if (c < 0x20) fail("control character in string");
            if (c >= 0x80) {
                utf8_sequence(out, c);
                continue;
            }
            if (c != '\\') {
                out += char(c);
                continue;
            }
            if (eof()) fail("unterminated escape");
            const char e = s_[i_++];
            switch (e) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '/':
                    out += '/';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    std::uint32_t cp = hex4();
                    if (cp >= 0xD800 && cp < 0xDC00) {  // high surrogate: a low one must follow
                        if (n_ - i_ < 2 || s_[i_] != '\\' || s_[i_ + 1] != 'u')
                            fail("unpaired UTF-16 surrogate");
                        i_ += 2;
                        const std::uint32_t lo = hex4();
                        if (lo < 0xDC00 || lo >= 0xE000) fail("invalid UTF-16 surrogate pair");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    } else if (cp >= 0xDC00 && cp < 0xE000) {
                        fail("unpaired UTF-16 surrogate");
                    }
                    put_utf8(out, cp);
                    break;
                }
                default: {
                    const bool printable = e > 0x20 && e < 0x7f;
                    fail(printable ? std::string("invalid escape '\\") + e + "'"
                                   : "invalid escape character " +
                                         std::to_string(static_cast<unsigned char>(e)));
                }
            }
        }
    }

    double number() {
        const std::size_t start = i_;
        if (peek() == '-') ++i_;
        if (peek() == '0') {
            ++i_;
        } else if (peek() >= '1' && peek() <= '9') {
            while (peek() >= '0' && peek() <= '9') ++i_;
        } else {
            fail("unexpected character");
        }
        if (peek() == '.') {
            ++i_;
            if (!(peek() >= '0' && peek() <= '9')) fail("digit expected after '.'");
            while (peek() >= '0' && peek() <= '9') ++i_;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++i_;
            if (peek() == '+' || peek() == '-') ++i_;
            if (!(peek() >= '0' && peek() <= '9')) fail("digit expected in exponent");
            while (peek() >= '0' && peek() <= '9') ++i_;
        }
        double d = 0.0;
        const auto r = std::from_chars(s_ + start, s_ + i_, d);
        if (r.ec != std::errc() || r.ptr != s_ + i_) {
            i_ = start;
            fail("number out of range");
        }
        return d;
    }
};

}  // namespace

const Json* Json::find(const std::string& key) const noexcept {
    for (const auto& kv : object)
        if (kv.first == key) return &kv.second;
    return nullptr;
}

Json parse_json(const char* text, std::size_t size, const std::string& what) {
    return Parser(text, size, what).parse_document();
}

const char* json_type_name(Json::Type t) noexcept {
    switch (t) {
        case Json::Type::null:
            return "null";
        case Json::Type::boolean:
            return "boolean";
        case Json::Type::number:
            return "number";
        case Json::Type::string:
            return "string";
        case Json::Type::array:
            return "array";
        case Json::Type::object:
            return "object";
    }
    return "?";
}

}  // namespace viscoann::detail
