// Constant-time AES-GCM for the WebAssembly build (NIST SP 800-38D with 96-bit IVs): the
// bitsliced AES in counter mode and the constant-time GHASH. The wasm build's AesGcm wraps it;
// natively the tests hold it against wolfCrypt's AES-GCM.
#pragma once

#include "crypto/bitsliced_aes.hpp"
#include "crypto/ghash.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace websrt::crypto {

class BitslicedGcm {
public:
    static constexpr std::size_t iv_size = 12;
    static constexpr std::size_t tag_size = 16;

    /// Expands a 16/24/32-byte key and derives the hash key; false, and no key, otherwise.
    bool set_key(std::span<const std::uint8_t> key) noexcept;
    [[nodiscard]] bool has_key() const noexcept { return aes_.has_key(); }

    /// Encrypts `plaintext` into `ciphertext_out` (same size; the same buffer or disjoint) and
    /// writes the tag over `aad` and the ciphertext. Needs a key.
    void seal(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> aad,
              std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> ciphertext_out,
              std::span<std::uint8_t, tag_size> tag_out) noexcept;

    /// Checks `tag` and decrypts `ciphertext` into `plaintext_out` (same size; the same buffer or
    /// disjoint). False when the tag does not match, with plaintext_out wiped. Needs a key.
    bool open(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> aad,
              std::span<const std::uint8_t> ciphertext, std::span<const std::uint8_t, tag_size> tag,
              std::span<std::uint8_t> plaintext_out) noexcept;

private:
    /// The tag: E(K, J0) ⊕ GHASH(A, C); also runs the counter mode from J0 + 1 over `data`.
    std::array<std::uint8_t, tag_size> counter_mode(std::span<const std::uint8_t, iv_size> iv,
                                                    std::span<const std::uint8_t> in,
                                                    std::span<std::uint8_t> out) noexcept;

    BitslicedAes aes_;
    Ghash ghash_;
};

}  // namespace websrt::crypto
