// PBKDF2-HMAC-SHA1: how SRT turns the passphrase into the KEK (draft-sharabayko-srt 6.1.4).
#pragma once

#include "crypto/crypto_error.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace websrt::crypto {

/// Derives output.size() bytes from `passphrase` and `salt` with PBKDF2 (RFC 8018) over
/// HMAC-SHA1. SRT uses the low 8 bytes of the KM salt, 2048 iterations and the key length.
/// Errors: bad_argument if iterations < 1, output is empty, or a size exceeds INT_MAX;
/// backend_failure otherwise (output is then wiped).
CryptoStatus pbkdf2_hmac_sha1(std::string_view passphrase, std::span<const std::uint8_t> salt, int iterations,
                              std::span<std::uint8_t> output) noexcept;

}  // namespace websrt::crypto
