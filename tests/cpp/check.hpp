// Minimal assertions for the ctest executables: count failures, report them, exit non-zero.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

namespace check {
inline int& failures() {
    static int n = 0;
    return n;
}
inline int report() {
    if (failures()) std::fprintf(stderr, "%d check(s) failed\n", failures());
    return failures() ? 1 : 0;
}
}  // namespace check

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            std::fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
            ++check::failures();                                                          \
        }                                                                                 \
    } while (0)

// |a - b| <= tol, printing both values on failure.
#define CHECK_NEAR(a, b, tol)                                                                   \
    do {                                                                                        \
        const double va_ = (a), vb_ = (b), vt_ = (tol);                                         \
        if (!(std::fabs(va_ - vb_) <= vt_)) {                                                   \
            std::fprintf(stderr, "%s:%d: |%s - %s| = %.3e > %.3e (%.17g vs %.17g)\n", __FILE__, \
                         __LINE__, #a, #b, std::fabs(va_ - vb_), vt_, va_, vb_);                \
            ++check::failures();                                                                \
        }                                                                                       \
    } while (0)

// The expression throws exception type E whose message contains `needle`.
#define CHECK_THROWS(expr, E, needle)                                                            \
    do {                                                                                         \
        bool caught_ = false;                                                                    \
        try {                                                                                    \
            (void)(expr);                                                                        \
        } catch (const E& e_) {                                                                  \
            caught_ = std::string(e_.what()).find(needle) != std::string::npos;                  \
            if (!caught_)                                                                        \
                std::fprintf(stderr, "%s:%d: message '%s' lacks '%s'\n", __FILE__, __LINE__,     \
                             e_.what(), needle);                                                 \
        }                                                                                        \
        if (!caught_) {                                                                          \
            std::fprintf(stderr, "%s:%d: %s did not throw %s\n", __FILE__, __LINE__, #expr, #E); \
            ++check::failures();                                                                 \
        }                                                                                        \
    } while (0)
