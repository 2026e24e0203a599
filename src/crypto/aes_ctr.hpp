// AES-CTR: SRT's classic payload cipher (KM cipher 2), keyed once per SEK, applied per packet.
#pragma once

#include "crypto/crypto_error.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace websrt::crypto {

/// An expanded AES key for counter mode. set_key() once per SEK, then apply() per packet: no
/// allocation after construction. Move-only; not thread-safe (one per connection direction).
class AesCtr {
public:
    static constexpr std::size_t iv_size = 16;

    AesCtr() noexcept;  // allocates the key schedule once; a failed allocation shows in set_key()
    ~AesCtr();          // wipes the key schedule
    AesCtr(AesCtr&&) noexcept;
    AesCtr& operator=(AesCtr&&) noexcept;
    AesCtr(const AesCtr&) = delete;
    AesCtr& operator=(const AesCtr&) = delete;

    /// Expands a 16/24/32-byte key. Errors: bad_key_length; backend_failure (also after a move
    /// or a failed allocation). On error the object holds no key.
    CryptoStatus set_key(std::span<const std::uint8_t> key) noexcept;

    [[nodiscard]] bool has_key() const noexcept;

    /// XORs the keystream for the 128-bit initial counter block `iv` (SRT builds it from the
    /// salt and the packet sequence number) into output: output = input ^ keystream. The counter
    /// is big-endian over all 16 bytes. input and output must have equal sizes and may be the
    /// same buffer or overlap. Errors: bad_argument (sizes differ, or no key set),
    /// backend_failure.
    CryptoStatus apply(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> input,
                       std::span<std::uint8_t> output) noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace websrt::crypto
