// AesCtr in the WebAssembly build: the constant-time bitsliced AES (bitsliced_aes.hpp) in place
// of wolfCrypt's table-based C AES, whose secret-indexed lookups a page's other scripts could
// time through the cache. Native builds use aes_ctr.cpp (wolfCrypt with AES-NI).
#include "crypto/aes_ctr.hpp"

#include "crypto/bitsliced_aes.hpp"
#include "crypto/wolfcrypt_backend.hpp"

#include <new>

namespace websrt::crypto {

struct AesCtr::Impl {
    BitslicedAes aes;
};

AesCtr::AesCtr() noexcept : impl_(new (std::nothrow) Impl) {}
AesCtr::~AesCtr() = default;
AesCtr::AesCtr(AesCtr&&) noexcept = default;
AesCtr& AesCtr::operator=(AesCtr&&) noexcept = default;

CryptoStatus AesCtr::set_key(std::span<const std::uint8_t> key) noexcept {
    if (!impl_) return CryptoError::backend_failure;
    if (!impl_->aes.set_key(key)) return CryptoError::bad_key_length;
    return {};
}

bool AesCtr::has_key() const noexcept { return impl_ && impl_->aes.has_key(); }

CryptoStatus AesCtr::apply(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> input,
                           std::span<std::uint8_t> output) noexcept {
    if (!has_key() || input.size() != output.size()) return CryptoError::bad_argument;
    impl_->aes.ctr_xor(iv, BitslicedAes::CounterWidth::bits128, input.data(), output.data(), output.size());
    return {};
}

}  // namespace websrt::crypto
