// Errors of the crypto adapter as values: the error enum and a tiny result type (no exceptions).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <variant>

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
class CryptoResult {
public:
    CryptoResult(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
    CryptoResult(CryptoError error) : state_(error) {}         // NOLINT: implicit by design

    [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    [[nodiscard]] T& value() & { return *std::get_if<0>(&state_); }
    [[nodiscard]] const T& value() const& { return *std::get_if<0>(&state_); }
    [[nodiscard]] T&& value() && { return std::move(*std::get_if<0>(&state_)); }
    T* operator->() { return std::get_if<0>(&state_); }
    const T* operator->() const { return std::get_if<0>(&state_); }

    /// Meaningful only when !ok().
    [[nodiscard]] CryptoError error() const noexcept {
        const CryptoError* e = std::get_if<1>(&state_);
        return e ? *e : CryptoError::backend_failure;
    }

private:
    std::variant<T, CryptoError> state_;
};

/// Success or a CryptoError, for operations whose output goes to a caller-owned buffer.
class [[nodiscard]] CryptoStatus {
public:
    constexpr CryptoStatus() noexcept = default;  // success
    constexpr CryptoStatus(CryptoError error) noexcept : error_(error) {}  // NOLINT: implicit

    [[nodiscard]] constexpr bool ok() const noexcept { return !error_.has_value(); }
    constexpr explicit operator bool() const noexcept { return ok(); }
    /// Meaningful only when !ok().
    [[nodiscard]] constexpr CryptoError error() const noexcept {
        return error_.value_or(CryptoError::backend_failure);
    }

private:
    std::optional<CryptoError> error_;
};

}  // namespace websrt::crypto
