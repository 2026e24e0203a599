// RFC 3394 AES key wrap/unwrap through wolfCrypt's wc_AesKeyWrap/wc_AesKeyUnWrap.
#include "crypto/key_wrap.hpp"

#include "crypto/wolfcrypt_backend.hpp"

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/aes.h>

#include <climits>

namespace websrt::crypto {
namespace {

// RFC 3394 needs at least two 64-bit blocks of key data (n >= 2).
constexpr std::size_t min_key_size = 16;

bool valid_key_data_size(std::size_t size) noexcept {
    return size >= min_key_size && size % 8 == 0 && size <= UINT_MAX - key_wrap_overhead;
}

}  // namespace

CryptoStatus aes_key_wrap(std::span<const std::uint8_t> kek, std::span<const std::uint8_t> key,
                          std::span<std::uint8_t> wrapped_out) noexcept {
    if (!detail::is_aes_key_length(kek.size())) {
        return CryptoError::bad_key_length;
    }
    if (!valid_key_data_size(key.size()) || wrapped_out.size() != key.size() + key_wrap_overhead) {
        return CryptoError::bad_argument;
    }
    if (!detail::ensure_wolfcrypt_initialized()) {
        return CryptoError::backend_failure;
    }
    // Returns the output length on success; a null IV selects RFC 3394's default IV.
    const int result =
        wc_AesKeyWrap(kek.data(), static_cast<word32>(kek.size()), key.data(), static_cast<word32>(key.size()),
                      wrapped_out.data(), static_cast<word32>(wrapped_out.size()), nullptr);
    if (result < 0) {
        detail::secure_zero(wrapped_out);
        return detail::from_wolfcrypt(result);
    }
    return {};
}

CryptoStatus aes_key_unwrap(std::span<const std::uint8_t> kek, std::span<const std::uint8_t> wrapped,
                            std::span<std::uint8_t> key_out) noexcept {
    if (!detail::is_aes_key_length(kek.size())) {
        return CryptoError::bad_key_length;
    }
    if (wrapped.size() < key_wrap_overhead || !valid_key_data_size(wrapped.size() - key_wrap_overhead) ||
        key_out.size() != wrapped.size() - key_wrap_overhead) {
        return CryptoError::bad_argument;
    }
    if (!detail::ensure_wolfcrypt_initialized()) {
        return CryptoError::backend_failure;
    }
    const int result = wc_AesKeyUnWrap(kek.data(), static_cast<word32>(kek.size()), wrapped.data(),
                                       static_cast<word32>(wrapped.size()), key_out.data(),
                                       static_cast<word32>(key_out.size()), nullptr);
    if (result < 0) {
        // wolfCrypt has written the candidate key before checking the IV; never hand it out.
        detail::secure_zero(key_out);
        return detail::from_wolfcrypt(result);
    }
    return {};
}

}  // namespace websrt::crypto
