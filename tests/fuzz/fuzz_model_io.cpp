// libFuzzer target for the model-file reader: any input either parses or throws FormatError.
// Build and run (clang only; not part of CI, results in bench/RESULTS.md):
//   clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -Icpp/include -Icpp/src \
//     -Ibuild/ctest/include tests/fuzz/fuzz_model_io.cpp cpp/src/model_io.cpp cpp/src/json.cpp \
//     -o build/fuzz_model_io
//   build/fuzz_model_io -max_total_time=600 -dict=tests/fuzz/model_io.dict CORPUS tests/data
#include <cstddef>
#include <cstdint>

#include "c_api_guard.hpp"
#include "mlp_model.hpp"

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
