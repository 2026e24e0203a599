// One-shot SHA-1 and SHA-256 digests and HMAC-SHA256 (handshake cookies; PBKDF2 hashes internally).
#pragma once

#include "crypto/crypto_error.hpp"

#include <array>
#include <cstdint>
#include <span>

namespace websrt::crypto {

using Sha1Digest = std::array<std::uint8_t, 20>;
using Sha256Digest = std::array<std::uint8_t, 32>;

/// Errors: bad_argument if the input exceeds 4 GiB - 1; backend_failure.
CryptoResult<Sha1Digest> sha1(std::span<const std::uint8_t> input) noexcept;

/// Errors: bad_argument if the input exceeds 4 GiB - 1; backend_failure.
CryptoResult<Sha256Digest> sha256(std::span<const std::uint8_t> input) noexcept;

/// HMAC-SHA256 of `input` under `key` (RFC 2104). Errors: bad_argument if either exceeds
/// 4 GiB - 1; backend_failure.
CryptoResult<Sha256Digest> hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> input) noexcept;

}  // namespace websrt::crypto
