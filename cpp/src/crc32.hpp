// Private: CRC-32 (IEEE 802.3: reflected polynomial 0xEDB88320, initial value and final xor
// 0xFFFFFFFF; the value zlib.crc32 and PNG use), the model file's tensor checksum.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace viscoann::detail {

inline constexpr std::array<std::uint32_t, 256> crc32_table() {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t b = 0; b < 256; ++b) {
        std::uint32_t c = b;
        for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[b] = c;
    }
    return t;
}

/// CRC-32 of n bytes (crc32("123456789") = 0xCBF43926). Detects every error burst of up to
/// 32 bits, so any single flipped bit or byte.
inline std::uint32_t crc32(const unsigned char* p, std::size_t n) noexcept {
    static constexpr std::array<std::uint32_t, 256> table = crc32_table();
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t k = 0; k < n; ++k) c = table[(c ^ p[k]) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

}  // namespace viscoann::detail
