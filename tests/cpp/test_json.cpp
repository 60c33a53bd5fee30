// ctest for the model-file headers' JSON parser: valid documents parse to the values written;
// every malformed class is refused with a FormatError naming the byte and the reason.
#include <cmath>
#include <string>

#include "check.hpp"
#include "json.hpp"
#include "viscoann/errors.hpp"

using viscoann::FormatError;
using viscoann::detail::Json;
using viscoann::detail::parse_json;

static Json parse(const std::string& text) { return parse_json(text.data(), text.size(), "test"); }

static void test_valid() {
    const Json j =
        parse(R"( {"a": [1, -2.5e3, true, null], "b": "x\"\\\u00e9\ud83d\ude00", "c": {}} )");
    CHECK(j.type == Json::Type::object && j.object.size() == 3);
    const Json* a = j.find("a");
    CHECK(a && a->type == Json::Type::array && a->array.size() == 4);
    CHECK(a->array[0].number == 1.0 && a->array[1].number == -2500.0);
    CHECK(a->array[2].boolean && a->array[3].type == Json::Type::null);
    CHECK(j.find("b")->string == "x\"\\\xc3\xa9\xf0\x9f\x98\x80");  // é and U+1F600 in UTF-8
    CHECK(j.find("missing") == nullptr);
    CHECK(parse("1.7976931348623157e308").number == 1.7976931348623157e308);
    // 64 levels below the top value are allowed: 65 nested arrays parse.
    CHECK(parse(std::string(65, '[') + std::string(65, ']')).type == Json::Type::array);
}

static void test_malformed() {
    struct Case {
        std::string text, reason;
    };
    const Case cases[] = {
        {R"({"a": 1)", "expected '}'"},                // truncated object
        {R"({"a": "xy)", "unterminated string"},       // truncated string
        {"", "unexpected end of text"},                // empty document
        {"[1, 2", "expected ']'"},                     // truncated array
        {R"("\x")", "invalid escape '\\x'"},           // bad escape
        {R"("\u12")", "truncated \\u escape"},         // short \u escape
        {R"("\u12g4")", "invalid hex digit"},          // bad hex
        {R"("\ud800")", "unpaired UTF-16 surrogate"},  // lone high surrogate
        {"\"a\x01\"", "control character in string"},
        {"\"\xff\"", "invalid UTF-8"},
        {R"({"a": 1, "a": 2})", "duplicate key 'a'"},
        {"1e400", "number out of range"},
        {"-1e400", "number out of range"},
        {"1.", "digit expected after '.'"},
        {"1e", "digit expected in exponent"},
        {"01", "unexpected characters after the JSON value"},  // leading zero
        {"[1,]", "unexpected character"},                      // trailing comma
        {"NaN", "unexpected character"},
        {"tru", "invalid literal, expected 'true'"},
        {"{} x", "unexpected characters after the JSON value"},
        {"{1: 2}", "expected a string key"},
        {"// c\n{}", "unexpected character"},  // no comments
    };
    for (const Case& c : cases) CHECK_THROWS(parse(c.text), FormatError, c.reason.c_str());
    CHECK_THROWS(parse(std::string(66, '[') + std::string(66, ']')), FormatError,
                 "nesting deeper than 64 levels");
    CHECK_THROWS(parse(std::string(100000, '[')), FormatError,
                 "nesting deeper");  // no stack overflow
    // The message names where and what: "invalid JSON in <what> at byte N: <reason>".
    CHECK_THROWS(parse("[1, @]"), FormatError,
                 "invalid JSON in test at byte 4: unexpected character");
}

int main() {
    test_valid();
    test_malformed();
    return check::report();
}
