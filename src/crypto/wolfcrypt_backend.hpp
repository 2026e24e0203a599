// Internal to src/crypto: what every adapter file needs from wolfCrypt (init, error mapping,
// wiping secrets). Not a public header: only src/crypto/*.cpp include it.
#pragma once

#include "crypto/crypto_error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace websrt::crypto::detail {

/// Runs wolfCrypt_Init() once per process (thread-safe); false if it failed.
bool ensure_wolfcrypt_initialized() noexcept;

/// Maps a wolfCrypt return code (negative) to our error enum.
CryptoError from_wolfcrypt(int wolfcrypt_error) noexcept;

/// Overwrites secrets in a way the optimiser may not remove (keys, unauthenticated plaintext).
void secure_zero(void* data, std::size_t size) noexcept;
inline void secure_zero(std::span<std::uint8_t> bytes) noexcept { secure_zero(bytes.data(), bytes.size()); }

/// True for the AES key sizes (AES-128/192/256).
constexpr bool is_aes_key_length(std::size_t size) noexcept { return size == 16 || size == 24 || size == 32; }

}  // namespace websrt::crypto::detail
