// Fuzz target for the model-file reader: any input either parses or throws FormatError. The
// CMake target viscoann_fuzz_model_io (cmake/fuzz.cmake) builds it with the tests: libFuzzer
// with clang, the replay driver (replay_main.cpp) otherwise. A long libFuzzer run (results in
// bench/RESULTS.md), from a clang build with -DVISCOANN_BUILD_TESTS=ON:
//   build/tests/cpp/viscoann_fuzz_model_io -max_total_time=600 -dict=tests/fuzz/model_io.dict \
//     build/tests/cpp/fuzz_corpus
#include <cstddef>
#include <cstdint>

#include "mlp_model.hpp"
#include "viscoann/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto m = viscoann::detail::parse_model(data, size);
        // A parsed model must be self-consistent: the engines index by these.
        std::size_t w = 0, b = 0;
        for (std::size_t l = 0; l < m.n_layers(); ++l) {
            if (m.weight_offset[l] != w || m.bias_offset[l] != b) __builtin_trap();
            w += static_cast<std::size_t>(m.widths[l]) * static_cast<std::size_t>(m.widths[l + 1]);
            b += static_cast<std::size_t>(m.widths[l + 1]);
        }
        if (w != m.weights.size() || b != m.biases.size()) __builtin_trap();
    } catch (const viscoann::FormatError&) {
    }
    return 0;
}
