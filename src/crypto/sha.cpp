// SHA-1 and SHA-256 through wolfCrypt's one-shot wc_ShaHash/wc_Sha256Hash.
#include "crypto/sha.hpp"

#include "crypto/wolfcrypt_backend.hpp"

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/hash.h>

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
    const int result =
        wc_Sha256Hash(input.data(), static_cast<word32>(input.size()), digest.data());
    if (result != 0) {
        return detail::from_wolfcrypt(result);
    }
    return digest;
}

}  // namespace websrt::crypto
