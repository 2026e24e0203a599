// AES-GCM: SRT's authenticated payload cipher (KM cipher 4, libsrt 1.5.2+), one key per SEK.
#pragma once

#include "crypto/crypto_error.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace websrt::crypto {

/// An expanded AES key with its GHASH key for GCM. set_key() once per SEK, then seal()/open()
/// per packet: no allocation after construction. Move-only; not thread-safe.
class AesGcm {
public:
    static constexpr std::size_t iv_size = 12;   // the 96-bit nonce GCM is designed for
    static constexpr std::size_t tag_size = 16;  // full-length tag, as SRT sends it

    AesGcm() noexcept;  // allocates the key schedule once; a failed allocation shows in set_key()
    ~AesGcm();          // wipes the key schedule
    AesGcm(AesGcm&&) noexcept;
    AesGcm& operator=(AesGcm&&) noexcept;
    AesGcm(const AesGcm&) = delete;
    AesGcm& operator=(const AesGcm&) = delete;

    /// Expands a 16/24/32-byte key. Errors: bad_key_length; backend_failure (also after a move
    /// or a failed allocation). On error the object holds no key.
    CryptoStatus set_key(std::span<const std::uint8_t> key) noexcept;

    [[nodiscard]] bool has_key() const noexcept;

    /// Encrypts `plaintext` into `ciphertext_out` (same size; may be the same buffer, must not
    /// otherwise overlap) and writes the tag over `aad` and the ciphertext. Never reuse an iv
    /// with the same key. Errors: bad_argument (sizes, no key), backend_failure.
    CryptoStatus seal(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> aad,
                      std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> ciphertext_out,
                      std::span<std::uint8_t, tag_size> tag_out) noexcept;

    /// Checks `tag` over `aad` and `ciphertext`, and decrypts into `plaintext_out` (same size;
    /// may be the same buffer, must not otherwise overlap). Errors: authentication_failed when
    /// the tag does not match: the packet is forged or damaged and must be dropped;
    /// plaintext_out is then wiped (so in place, the ciphertext is gone too).
    /// bad_argument (sizes, no key), backend_failure.
    CryptoStatus open(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> aad,
                      std::span<const std::uint8_t> ciphertext, std::span<const std::uint8_t, tag_size> tag,
                      std::span<std::uint8_t> plaintext_out) noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace websrt::crypto
