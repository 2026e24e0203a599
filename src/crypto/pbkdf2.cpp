// PBKDF2-HMAC-SHA1 through wolfCrypt's wc_PBKDF2.
#include "crypto/pbkdf2.hpp"

#include "crypto/wolfcrypt_backend.hpp"

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/pwdbased.h>
#include <wolfssl/wolfcrypt/sha.h>

#include <climits>

namespace websrt::crypto {

CryptoStatus pbkdf2_hmac_sha1(std::string_view passphrase, std::span<const std::uint8_t> salt, int iterations,
                              std::span<std::uint8_t> output) noexcept {
    // wolfCrypt quietly treats iterations <= 0 as 1; a caller asking for that has a bug.
    if (iterations < 1 || output.empty() || passphrase.size() > INT_MAX || salt.size() > INT_MAX ||
        output.size() > INT_MAX) {
        return CryptoError::bad_argument;
    }
    if (!detail::ensure_wolfcrypt_initialized()) {
        return CryptoError::backend_failure;
    }
    // wolfCrypt takes non-const byte pointers for inputs it only reads; an empty view may carry
    // a null pointer, which HMAC accepts for a zero-length key.
    const int result =
        wc_PBKDF2(output.data(), reinterpret_cast<const byte*>(passphrase.data()), static_cast<int>(passphrase.size()),
                  salt.data(), static_cast<int>(salt.size()), iterations, static_cast<int>(output.size()), WC_SHA);
    if (result != 0) {
        detail::secure_zero(output);
        return detail::from_wolfcrypt(result);
    }
    return {};
}

}  // namespace websrt::crypto
