// AesCtr in the native build: our AES-NI counter mode (aesni_ctr.hpp) where the CPU has AES-NI,
// else wolfCrypt's wc_AesCtrEncrypt, run out of place into an aligned scratch buffer.
#include "crypto/aes_ctr.hpp"

#include "crypto/aesni_ctr.hpp"
#include "crypto/wolfcrypt_backend.hpp"

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/aes.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace websrt::crypto {

struct AesCtr::Impl {
    const bool use_aesni = AesNiCtr::supported();
    AesNiCtr aesni;
    Aes aes;  // 16-byte aligned for AES-NI; operator new honours alignof(Impl)
    // Out of place, wolfSSL's CTR writes the counter blocks into its output and encrypts them all
    // in one ECB call; an unaligned output would cost a bounce buffer per block. A packet fits.
    alignas(16) std::uint8_t scratch[2048];
    bool initialized = false;
    bool keyed = false;

    ~Impl() {
        if (initialized) {
            wc_AesFree(&aes);
        }
        detail::secure_zero(&aes, sizeof aes);
        detail::secure_zero(scratch, sizeof scratch);
    }
};

AesCtr::AesCtr() noexcept : impl_(new (std::nothrow) Impl) {
    if (impl_ && detail::ensure_wolfcrypt_initialized()) {
        impl_->initialized = (wc_AesInit(&impl_->aes, nullptr, INVALID_DEVID) == 0);
    }
}

AesCtr::~AesCtr() = default;
AesCtr::AesCtr(AesCtr&&) noexcept = default;
AesCtr& AesCtr::operator=(AesCtr&&) noexcept = default;

CryptoStatus AesCtr::set_key(std::span<const std::uint8_t> key) noexcept {
    if (!impl_ || !impl_->initialized) {
        return CryptoError::backend_failure;
    }
    impl_->keyed = false;
    if (!detail::is_aes_key_length(key.size())) {
        return CryptoError::bad_key_length;
    }
    if (impl_->use_aesni) {
        impl_->keyed = impl_->aesni.set_key(key);
        return impl_->keyed ? CryptoStatus{} : CryptoStatus{CryptoError::backend_failure};
    }
    // Counter mode only ever runs the forward cipher, for both directions.
    const int result = wc_AesSetKey(&impl_->aes, key.data(), static_cast<word32>(key.size()), nullptr, AES_ENCRYPTION);
    if (result != 0) {
        return detail::from_wolfcrypt(result);
    }
    impl_->keyed = true;
    return {};
}

bool AesCtr::has_key() const noexcept { return impl_ && impl_->keyed; }

CryptoStatus AesCtr::apply(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> input,
                           std::span<std::uint8_t> output) noexcept {
    if (!has_key() || input.size() != output.size()) {
        return CryptoError::bad_argument;
    }
    if (output.empty()) {
        return {};
    }
    if (impl_->use_aesni) {
        impl_->aesni.ctr_xor(iv, input.data(), output.data(), output.size());
        return {};
    }
    int result = wc_AesSetIV(&impl_->aes, iv.data());  // also drops leftover keystream bytes
    // Through the scratch buffer in whole blocks (the counter carries over between calls);
    // memmove, as input and output may overlap.
    constexpr std::size_t chunk_size = sizeof impl_->scratch;
    for (std::size_t offset = 0; result == 0 && offset < output.size(); offset += chunk_size) {
        const std::size_t chunk = std::min(chunk_size, output.size() - offset);
        result = wc_AesCtrEncrypt(&impl_->aes, impl_->scratch, input.data() + offset, static_cast<word32>(chunk));
        if (result == 0) std::memmove(output.data() + offset, impl_->scratch, chunk);
    }
    if (result != 0) {
        detail::secure_zero(output);
        return detail::from_wolfcrypt(result);
    }
    return {};
}

}  // namespace websrt::crypto
