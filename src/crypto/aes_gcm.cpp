// AesGcm on wolfCrypt's one-shot wc_AesGcmEncrypt/wc_AesGcmDecrypt.
#include "crypto/aes_gcm.hpp"

#include "crypto/aes_arguments.hpp"
#include "crypto/wolfcrypt_backend.hpp"

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/aes.h>

#include <cstdint>
#include <new>

namespace websrt::crypto {
namespace {

// wolfCrypt's one-shot GCM takes 32-bit lengths.
bool fits_word32(std::size_t size) noexcept { return size <= UINT32_MAX; }

}  // namespace

struct AesGcm::Impl {
    Aes aes;  // 16-byte aligned for AES-NI; operator new honours alignof(Impl)
    bool initialized = false;
    bool keyed = false;

    ~Impl() {
        if (initialized) {
            wc_AesFree(&aes);
        }
        detail::secure_zero(&aes, sizeof aes);
    }
};

AesGcm::AesGcm() noexcept : impl_(new (std::nothrow) Impl) {
    if (impl_ && detail::ensure_wolfcrypt_initialized()) {
        impl_->initialized = (wc_AesInit(&impl_->aes, nullptr, INVALID_DEVID) == 0);
    }
}

AesGcm::~AesGcm() = default;
AesGcm::AesGcm(AesGcm&&) noexcept = default;
AesGcm& AesGcm::operator=(AesGcm&&) noexcept = default;

CryptoStatus AesGcm::set_key(std::span<const std::uint8_t> key) noexcept {
    if (!impl_ || !impl_->initialized) {
        return CryptoError::backend_failure;
    }
    impl_->keyed = false;
    if (!detail::is_aes_key_length(key.size())) {
        return CryptoError::bad_key_length;
    }
    const int result = wc_AesGcmSetKey(&impl_->aes, key.data(), static_cast<word32>(key.size()));
    if (result != 0) {
        return detail::from_wolfcrypt(result);
    }
    impl_->keyed = true;
    return {};
}

bool AesGcm::has_key() const noexcept { return impl_ && impl_->keyed; }

CryptoStatus AesGcm::seal(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> aad,
                          std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> ciphertext_out,
                          std::span<std::uint8_t, tag_size> tag_out) noexcept {
    if (!has_key() || plaintext.size() != ciphertext_out.size() || !fits_word32(plaintext.size()) ||
        !fits_word32(aad.size()) || !detail::same_or_disjoint(plaintext, ciphertext_out)) {
        return CryptoError::bad_argument;
    }
    const int result =
        wc_AesGcmEncrypt(&impl_->aes, ciphertext_out.data(), plaintext.data(), static_cast<word32>(plaintext.size()),
                         iv.data(), static_cast<word32>(iv.size()), tag_out.data(), static_cast<word32>(tag_out.size()),
                         aad.data(), static_cast<word32>(aad.size()));
    if (result != 0) {
        return detail::from_wolfcrypt(result);
    }
    return {};
}

CryptoStatus AesGcm::open(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> aad,
                          std::span<const std::uint8_t> ciphertext, std::span<const std::uint8_t, tag_size> tag,
                          std::span<std::uint8_t> plaintext_out) noexcept {
    if (!has_key() || ciphertext.size() != plaintext_out.size() || !fits_word32(ciphertext.size()) ||
        !fits_word32(aad.size()) || !detail::same_or_disjoint(ciphertext, plaintext_out)) {
        return CryptoError::bad_argument;
    }
    const int result =
        wc_AesGcmDecrypt(&impl_->aes, plaintext_out.data(), ciphertext.data(), static_cast<word32>(ciphertext.size()),
                         iv.data(), static_cast<word32>(iv.size()), tag.data(), static_cast<word32>(tag.size()),
                         aad.data(), static_cast<word32>(aad.size()));
    if (result != 0) {
        // The AES-NI path decrypts while it authenticates: wipe what it wrote.
        detail::secure_zero(plaintext_out);
        return detail::from_wolfcrypt(result);
    }
    return {};
}

}  // namespace websrt::crypto
