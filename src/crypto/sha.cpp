// SHA-1 and SHA-256 through wolfCrypt's one-shot wc_ShaHash/wc_Sha256Hash; HMAC through wc_Hmac.
#include "crypto/sha.hpp"

#include "crypto/wolfcrypt_backend.hpp"

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/hmac.h>

#include <cstdint>

namespace websrt::crypto {

CryptoResult<Sha1Digest> sha1(std::span<const std::uint8_t> input) noexcept {
    if (input.size() > UINT32_MAX) {
        return CryptoError::bad_argument;
    }
    Sha1Digest digest{};
    const int result = wc_ShaHash(input.data(), static_cast<word32>(input.size()), digest.data());
    if (result != 0) {
        return detail::from_wolfcrypt(result);
    }
    return digest;
}

CryptoResult<Sha256Digest> sha256(std::span<const std::uint8_t> input) noexcept {
    if (input.size() > UINT32_MAX) {
        return CryptoError::bad_argument;
    }
    Sha256Digest digest{};
    const int result = wc_Sha256Hash(input.data(), static_cast<word32>(input.size()), digest.data());
    if (result != 0) {
        return detail::from_wolfcrypt(result);
    }
    return digest;
}

CryptoResult<Sha256Digest> hmac_sha256(std::span<const std::uint8_t> key,
                                       std::span<const std::uint8_t> input) noexcept {
    if (key.size() > UINT32_MAX || input.size() > UINT32_MAX) {
        return CryptoError::bad_argument;
    }
    Hmac hmac;
    if (const int result = wc_HmacInit(&hmac, nullptr, INVALID_DEVID); result != 0) {
        return detail::from_wolfcrypt(result);
    }
    Sha256Digest digest{};
    int result = wc_HmacSetKey(&hmac, WC_SHA256, key.data(), static_cast<word32>(key.size()));
    if (result == 0) result = wc_HmacUpdate(&hmac, input.data(), static_cast<word32>(input.size()));
    if (result == 0) result = wc_HmacFinal(&hmac, digest.data());
    wc_HmacFree(&hmac);
    if (result != 0) {
        return detail::from_wolfcrypt(result);
    }
    return digest;
}

}  // namespace websrt::crypto
