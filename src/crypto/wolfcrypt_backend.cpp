// wolfCrypt process-wide initialisation, error-code mapping and secret wiping for the adapter.
#include "crypto/wolfcrypt_backend.hpp"

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/wc_port.h>

namespace websrt::crypto::detail {

bool ensure_wolfcrypt_initialized() noexcept {
    // A function-local static: C++ guarantees one initialisation even with concurrent callers.
    static const bool initialized = (wolfCrypt_Init() == 0);
    return initialized;
}

CryptoError from_wolfcrypt(int wolfcrypt_error) noexcept {
    switch (wolfcrypt_error) {
    case BAD_FUNC_ARG: return CryptoError::bad_argument;
    case AES_GCM_AUTH_E: return CryptoError::authentication_failed;
    case BAD_KEYWRAP_IV_E: return CryptoError::unwrap_integrity_failed;
    default: return CryptoError::backend_failure;
    }
}

void secure_zero(void* data, std::size_t size) noexcept {
    // Writes through a volatile pointer are observable behaviour, so they cannot be elided.
    volatile auto* bytes = static_cast<volatile unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = 0;
    }
}

}  // namespace websrt::crypto::detail
