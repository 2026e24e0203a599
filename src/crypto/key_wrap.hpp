// AES key wrap (RFC 3394): how SRT's KM message carries the SEKs encrypted under the KEK.
#pragma once

#include "crypto/crypto_error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace websrt::crypto {

/// The wrapped form is the key plus one 8-byte integrity block (RFC 3394 section 2.2.1).
inline constexpr std::size_t key_wrap_overhead = 8;

/// Wraps `key` (a multiple of 8 bytes, at least 16) under `kek` (16, 24 or 32 bytes) with the
/// default IV A6A6A6A6A6A6A6A6. `wrapped_out` must be exactly key.size() + key_wrap_overhead bytes.
/// Errors: bad_key_length (kek), bad_argument (sizes), backend_failure.
CryptoStatus aes_key_wrap(std::span<const std::uint8_t> kek, std::span<const std::uint8_t> key,
                          std::span<std::uint8_t> wrapped_out) noexcept;

/// Unwraps `wrapped` (a multiple of 8 bytes, at least 24) under `kek` into `key_out`, which must
/// be exactly wrapped.size() - key_wrap_overhead bytes.
/// Errors: unwrap_integrity_failed when the integrity check fails: in SRT that means the peer
/// used another passphrase (libsrt rejects the KM with "bad secret"); key_out is then wiped.
/// bad_key_length (kek), bad_argument (sizes), backend_failure.
CryptoStatus aes_key_unwrap(std::span<const std::uint8_t> kek, std::span<const std::uint8_t> wrapped,
                            std::span<std::uint8_t> key_out) noexcept;

}  // namespace websrt::crypto
