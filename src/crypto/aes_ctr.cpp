// AesCtr on wolfCrypt's wc_AesCtrEncrypt, always run in place.
#include "crypto/aes_ctr.hpp"

#include "crypto/wolfcrypt_backend.hpp"

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/aes.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace websrt::crypto {

struct AesCtr::Impl {
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
    // Counter mode only ever runs the forward cipher, for both directions.
    const int result = wc_AesSetKey(&impl_->aes, key.data(), static_cast<word32>(key.size()),
                                    nullptr, AES_ENCRYPTION);
    if (result != 0) {
        return detail::from_wolfcrypt(result);
    }
    impl_->keyed = true;
    return {};
}

bool AesCtr::has_key() const noexcept { return impl_ && impl_->keyed; }

CryptoStatus AesCtr::apply(std::span<const std::uint8_t, iv_size> iv,
                           std::span<const std::uint8_t> input,
                           std::span<std::uint8_t> output) noexcept {
    if (!has_key() || input.size() != output.size()) {
        return CryptoError::bad_argument;
    }
    if (output.empty()) {
        return {};
    }
    // wolfSSL 5.5's out-of-place CTR path builds counter blocks in `output` and AES-NI-encrypts
    // them there, allocating a bounce buffer per block when `output` is not 16-byte aligned. Its
    // in-place path encrypts from the aligned counter inside Aes and never allocates. So copy
    // first (memmove: overlap allowed) and always run in place.
    if (input.data() != output.data()) {
        std::memmove(output.data(), input.data(), input.size());
    }
    int result = wc_AesSetIV(&impl_->aes, iv.data());  // also drops leftover keystream bytes
    // wc_AesCtrEncrypt takes a 32-bit length; the counter carries over between calls.
    constexpr std::size_t max_chunk = std::size_t{1} << 30;
    for (std::size_t offset = 0; result == 0 && offset < output.size(); offset += max_chunk) {
        const std::size_t chunk = std::min(max_chunk, output.size() - offset);
        std::uint8_t* data = output.data() + offset;
        result = wc_AesCtrEncrypt(&impl_->aes, data, data, static_cast<word32>(chunk));
    }
    if (result != 0) {
        detail::secure_zero(output);
        return detail::from_wolfcrypt(result);
    }
    return {};
}

}  // namespace websrt::crypto
