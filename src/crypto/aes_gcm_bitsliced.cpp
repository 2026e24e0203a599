// AesGcm in the WebAssembly build: the constant-time bitsliced AES and GHASH (bitsliced_gcm.hpp)
// in place of wolfCrypt's table-based C code. Native builds use aes_gcm.cpp (AES-NI, PCLMUL).
#include "crypto/aes_gcm.hpp"

#include "crypto/aes_arguments.hpp"
#include "crypto/bitsliced_gcm.hpp"

#include <new>

namespace websrt::crypto {

struct AesGcm::Impl {
    BitslicedGcm gcm;
};

AesGcm::AesGcm() noexcept : impl_(new (std::nothrow) Impl) {}
AesGcm::~AesGcm() = default;
AesGcm::AesGcm(AesGcm&&) noexcept = default;
AesGcm& AesGcm::operator=(AesGcm&&) noexcept = default;

CryptoStatus AesGcm::set_key(std::span<const std::uint8_t> key) noexcept {
    if (!impl_) return CryptoError::backend_failure;
    if (!impl_->gcm.set_key(key)) return CryptoError::bad_key_length;
    return {};
}

bool AesGcm::has_key() const noexcept { return impl_ && impl_->gcm.has_key(); }

CryptoStatus AesGcm::seal(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> aad,
                          std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> ciphertext_out,
                          std::span<std::uint8_t, tag_size> tag_out) noexcept {
    if (!has_key() || plaintext.size() != ciphertext_out.size() ||
        !detail::same_or_disjoint(plaintext, ciphertext_out)) {
        return CryptoError::bad_argument;
    }
    impl_->gcm.seal(iv, aad, plaintext, ciphertext_out, tag_out);
    return {};
}

CryptoStatus AesGcm::open(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> aad,
                          std::span<const std::uint8_t> ciphertext, std::span<const std::uint8_t, tag_size> tag,
                          std::span<std::uint8_t> plaintext_out) noexcept {
    if (!has_key() || ciphertext.size() != plaintext_out.size() ||
        !detail::same_or_disjoint(ciphertext, plaintext_out)) {
        return CryptoError::bad_argument;
    }
    if (!impl_->gcm.open(iv, aad, ciphertext, tag, plaintext_out)) return CryptoError::authentication_failed;
    return {};
}

}  // namespace websrt::crypto
