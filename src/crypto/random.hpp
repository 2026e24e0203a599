// Cryptographically secure random bytes (wolfCrypt's SHA-256 hash DRBG, seeded by the OS): for
// SEKs, salts, and the core's injected generator in production.
#pragma once

#include "crypto/crypto_error.hpp"

#include <cstdint>
#include <memory>
#include <span>

namespace websrt::crypto {

/// A DRBG instance, seeded on first use from getentropy() (the kernel natively; Web Crypto or
/// Node's crypto in wasm) and reseeded by wolfCrypt as its reseed interval requires.
/// Move-only; not thread-safe (one per thread or per endpoint). Not fork-aware: a forked child
/// must build its own instead of continuing the parent's DRBG stream.
class SecureRandom {
public:
    SecureRandom() noexcept;  // allocates the DRBG state; seeding waits for the first fill()
    ~SecureRandom();          // wipes the DRBG state
    SecureRandom(SecureRandom&&) noexcept;
    SecureRandom& operator=(SecureRandom&&) noexcept;
    SecureRandom(const SecureRandom&) = delete;
    SecureRandom& operator=(const SecureRandom&) = delete;

    /// Fills `output` with random bytes. Errors: backend_failure when the entropy source or the
    /// DRBG health test fails (output is then wiped; a later call tries to seed again), or
    /// after a move or a failed allocation.
    CryptoStatus fill(std::span<std::uint8_t> output) noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace websrt::crypto
