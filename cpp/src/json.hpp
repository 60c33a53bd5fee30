// Private: a small, strict JSON (RFC 8259) parser for model-file headers. No extensions:
// no comments, trailing commas, NaN, duplicate keys; nesting depth is bounded.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace viscoann::detail {

struct Json {
    enum class Type { null, boolean, number, string, array, object };
    Type type = Type::null;
    bool boolean = false;
    double number = 0.0;
    std::string string;
    std::vector<Json> array;
    std::vector<std::pair<std::string, Json>> object;  // in file order, keys unique

    /// Member `key` of an object, or nullptr.
    const Json* find(const std::string& key) const noexcept;
};

/// Parses the whole text as one JSON value (surrounding whitespace allowed). Throws
/// FormatError "invalid JSON in <what> at byte N: <reason>".
Json parse_json(const char* text, std::size_t size, const std::string& what);

const char* json_type_name(Json::Type t) noexcept;

}  // namespace viscoann::detail
