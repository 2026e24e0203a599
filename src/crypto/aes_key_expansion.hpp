// The AES key expansion (FIPS-197 §5.2), shared by the AES implementations that keep their own
// round keys (bitsliced_aes.cpp, aesni_ctr.cpp); each brings its own constant-time SubWord.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace websrt::crypto::detail {

inline constexpr int aes_max_rounds = 14;  // AES-256 (FIPS-197 §5, Nr)

/// Round key words, little-endian (byte 0 of the key lowest), 4 per round key.
using AesKeyWords = std::array<std::uint32_t, 4 * (aes_max_rounds + 1)>;

/// Expands a 16/24/32-byte key into `words`; returns the number of rounds (10, 12, 14), or 0
/// for other key sizes. `sub_word` applies the S-box to each byte of a word; it must not depend
/// on secrets for its timing.
template <class SubWord>
int expand_aes_key(std::span<const std::uint8_t> key, AesKeyWords& words, SubWord sub_word) noexcept {
    if (key.size() != 16 && key.size() != 24 && key.size() != 32) return 0;
    // Rcon[i] = x^(i-1) in GF(2^8) (§5.2).
    constexpr std::array<std::uint8_t, 10> round_constants = {0x01, 0x02, 0x04, 0x08, 0x10,
                                                              0x20, 0x40, 0x80, 0x1b, 0x36};
    const std::size_t key_words = key.size() / 4;        // Nk
    const int rounds = static_cast<int>(key_words) + 6;  // Nr
    const std::size_t total_words = 4 * static_cast<std::size_t>(rounds + 1);
    for (std::size_t i = 0; i < key_words; ++i) {
        words[i] = static_cast<std::uint32_t>(key[4 * i]) | static_cast<std::uint32_t>(key[4 * i + 1]) << 8 |
                   static_cast<std::uint32_t>(key[4 * i + 2]) << 16 | static_cast<std::uint32_t>(key[4 * i + 3]) << 24;
    }
    for (std::size_t i = key_words; i < total_words; ++i) {
        std::uint32_t temp = words[i - 1];
        if (i % key_words == 0) {
            temp = sub_word((temp >> 8) | (temp << 24)) ^ round_constants[i / key_words - 1];  // RotWord first
        } else if (key_words > 6 && i % key_words == 4) {
            temp = sub_word(temp);
        }
        words[i] = words[i - key_words] ^ temp;
    }
    return rounds;
}

}  // namespace websrt::crypto::detail
