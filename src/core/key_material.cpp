#include "core/key_material.hpp"

#include "crypto/key_wrap.hpp"
#include "crypto/pbkdf2.hpp"
#include "crypto/wipe.hpp"

namespace websrt::core {

namespace {

/// KM cipher values (libsrt HCRYPT_CIPHER_AES_CTR, HCRYPT_CIPHER_AES_GCM).
constexpr std::uint8_t cipher_aes_ctr = 2;
constexpr std::uint8_t cipher_aes_gcm = 4;

/// Wipes a key buffer when it goes out of scope, whatever path leaves it.
template <std::size_t N>
struct WipedBuffer {
    std::array<std::uint8_t, N> bytes{};
    ~WipedBuffer() { crypto::wipe(bytes); }
};

}  // namespace

const char* describe(KeyMaterialError error) noexcept {
    switch (error) {
    case KeyMaterialError::bad_secret: return "the passphrase does not match the peer's (bad secret)";
    case KeyMaterialError::unsupported_cipher: return "the peer's cipher is not supported";
    case KeyMaterialError::malformed: return "malformed key material";
    case KeyMaterialError::crypto_failure: return "crypto backend failure";
    }
    return "unknown key material error";
}

StreamKeys::~StreamKeys() {
    crypto::wipe(even);
    crypto::wipe(odd);
}

Expected<StreamKeys, KeyMaterialError> unwrap_key_material(const wire::KmMessage& km, std::string_view passphrase) {
    if (km.cipher != cipher_aes_ctr && km.cipher != cipher_aes_gcm) return KeyMaterialError::unsupported_cipher;
    const std::size_t key_size = km.key_length;
    const unsigned keys = wire::key_count(km.keys);
    if (km.salt.size() != km_salt_size || (key_size != 16 && key_size != 24 && key_size != 32) || keys == 0 ||
        km.wrapped_keys.size() != keys * key_size + crypto::key_wrap_overhead)
        return KeyMaterialError::malformed;

    StreamKeys result;
    result.key_size = key_size;
    result.cipher = km.cipher;
    std::copy(km.salt.begin(), km.salt.end(), result.salt.begin());

    WipedBuffer<max_key_size> kek;
    const auto kek_span = std::span<std::uint8_t>(kek.bytes.data(), key_size);
    if (!crypto::pbkdf2_hmac_sha1(passphrase, km.salt.subspan(km_salt_size - kek_salt_size), kek_pbkdf2_iterations, kek_span))
        return KeyMaterialError::crypto_failure;

    // Both keys are wrapped together, even first (libsrt hcryptCtx_Rx_ParseKM).
    WipedBuffer<2 * max_key_size> unwrapped;
    const auto unwrapped_span = std::span<std::uint8_t>(unwrapped.bytes.data(), keys * key_size);
    if (const auto status = crypto::aes_key_unwrap(kek_span, km.wrapped_keys, unwrapped_span); !status) {
        return status.error() == crypto::CryptoError::unwrap_integrity_failed ? KeyMaterialError::bad_secret
                                                                               : KeyMaterialError::crypto_failure;
    }
    std::size_t offset = 0;
    if (static_cast<unsigned>(km.keys) & static_cast<unsigned>(wire::EncryptionKey::even)) {
        std::copy_n(unwrapped.bytes.begin(), key_size, result.even.begin());
        result.has_even = true;
        offset = key_size;
    }
    if (static_cast<unsigned>(km.keys) & static_cast<unsigned>(wire::EncryptionKey::odd)) {
        std::copy_n(unwrapped.bytes.begin() + static_cast<std::ptrdiff_t>(offset), key_size, result.odd.begin());
        result.has_odd = true;
    }
    return result;
}

std::array<std::uint8_t, 16> ctr_iv(std::span<const std::uint8_t, km_salt_size> salt, wire::SeqNo seq) {
    std::array<std::uint8_t, 16> iv{};
    std::copy(salt.begin(), salt.end(), iv.begin());
    const std::uint32_t index = seq.value();
    iv[10] ^= static_cast<std::uint8_t>(index >> 24);
    iv[11] ^= static_cast<std::uint8_t>(index >> 16);
    iv[12] ^= static_cast<std::uint8_t>(index >> 8);
    iv[13] ^= static_cast<std::uint8_t>(index);
    iv[14] = 0;
    iv[15] = 0;
    return iv;
}

}  // namespace websrt::core
