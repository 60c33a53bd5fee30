// Driver of fuzz_model_io.cpp where libFuzzer is not available (e.g. gcc): replays each file
// named on the command line, then a deterministic sweep of its single-bit flips and
// truncations (every `stride`-th byte) through LLVMFuzzerTestOneInput; a crash or sanitizer
// report fails. Usage: viscoann_fuzz_model_io [-stride=N] FILE...
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    std::size_t stride = 7, runs = 0;
    int files = 0;
    for (int a = 1; a < argc; ++a) {
        if (std::strncmp(argv[a], "-stride=", 8) == 0) {
            stride = std::max<std::size_t>(1, std::strtoul(argv[a] + 8, nullptr, 10));
            continue;
        }
        std::ifstream f(argv[a], std::ios::binary);
        if (!f) {
            std::fprintf(stderr, "cannot read %s\n", argv[a]);
            return 2;
        }
        const std::vector<std::uint8_t> seed{std::istreambuf_iterator<char>(f), {}};
        ++files;
        LLVMFuzzerTestOneInput(seed.data(), seed.size());
        std::vector<std::uint8_t> b;
        for (std::size_t p = 0; p < seed.size(); p += stride) {
            b = seed;
            b[p] ^= static_cast<std::uint8_t>(1u << (p % 8));
            LLVMFuzzerTestOneInput(b.data(), b.size());
            LLVMFuzzerTestOneInput(seed.data(), p);  // truncated at p
            runs += 2;
        }
    }
    std::printf("replayed %d file(s), %zu variants\n", files, runs);
    return files > 0 ? 0 : 2;
}
