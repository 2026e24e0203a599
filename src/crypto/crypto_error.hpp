// Errors of the crypto adapter as values: the error enum and a tiny result type (no exceptions).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "base/expected.hpp"

namespace websrt::crypto {

enum class CryptoError : std::uint8_t {
    bad_key_length,           // key (or KEK) is not 16, 24 or 32 bytes
    bad_argument,             // a buffer has the wrong size, a count is out of range, or no key set
    authentication_failed,    // AES-GCM tag mismatch: the packet must be dropped
    unwrap_integrity_failed,  // RFC 3394 integrity check failed: wrong KEK (passphrase) or damage
    backend_failure,          // wolfCrypt failed internally (entropy source, allocation, self test)
};

/// A short, static, human-readable description; never allocates.
constexpr const char* describe(CryptoError error) noexcept {
    switch (error) {
    case CryptoError::bad_key_length: return "key length must be 16, 24 or 32 bytes";
    case CryptoError::bad_argument: return "invalid argument or buffer size";
    case CryptoError::authentication_failed: return "authentication tag mismatch";
    case CryptoError::unwrap_integrity_failed: return "key unwrap integrity check failed";
    case CryptoError::backend_failure: return "crypto backend failure";
    }
    return "unknown crypto error";
}

/// Either a value or a CryptoError. Callers test `ok()` before `value()`.
template <class T>
using CryptoResult = Expected<T, CryptoError>;

/// Success or a CryptoError, for operations whose output goes to a caller-owned buffer.
class [[nodiscard]] CryptoStatus {
public:
    constexpr CryptoStatus() noexcept = default;                           // success
    constexpr CryptoStatus(CryptoError error) noexcept : error_(error) {}  // NOLINT: implicit

    [[nodiscard]] constexpr bool ok() const noexcept { return !error_.has_value(); }
    constexpr explicit operator bool() const noexcept { return ok(); }
    /// Meaningful only when !ok().
    [[nodiscard]] constexpr CryptoError error() const noexcept { return error_.value_or(CryptoError::backend_failure); }

private:
    std::optional<CryptoError> error_;
};

}  // namespace websrt::crypto
