#include "core/key_material.hpp"

#include "core/kek_cache.hpp"

#include "crypto/key_wrap.hpp"
#include "crypto/pbkdf2.hpp"
#include "crypto/wipe.hpp"

namespace websrt::core {

namespace {

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

Expected<StreamKeys, KeyMaterialError> unwrap_key_material(const wire::KmMessage& km, std::string_view passphrase,
                                                           KekCache* cache) {
    if (km.cipher != km_cipher_aes_ctr && km.cipher != km_cipher_aes_gcm) return KeyMaterialError::unsupported_cipher;
    const std::uint8_t expected_auth = km.cipher == km_cipher_aes_gcm ? km_auth_aes_gcm : km_auth_none;
    if (km.auth != expected_auth || km.stream_encapsulation != km_se_srt) return KeyMaterialError::malformed;
    const std::size_t key_size = km.key_length;
    const unsigned keys = wire::key_count(km.keys);
    if (km.salt.size() != km_salt_size || !is_sek_size(key_size) || keys == 0 ||
        km.wrapped_keys.size() != keys * key_size + crypto::key_wrap_overhead)
        return KeyMaterialError::malformed;

    StreamKeys result;
    result.key_size = key_size;
    result.cipher = km.cipher;
    std::copy(km.salt.begin(), km.salt.end(), result.salt.begin());

    WipedBuffer<max_key_size> kek;
    const auto kek_span = std::span<std::uint8_t>(kek.bytes.data(), key_size);
    const auto kek_salt = km.salt.subspan(km_salt_size - kek_salt_size);
    const bool derived =
        cache ? cache->derive(passphrase, kek_salt, kek_span)
              : static_cast<bool>(crypto::pbkdf2_hmac_sha1(passphrase, kek_salt, kek_pbkdf2_iterations, kek_span));
    if (!derived) return KeyMaterialError::crypto_failure;

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

namespace {

void fill_random(RandomSource& random, std::span<std::uint8_t> out) {
    for (std::size_t i = 0; i < out.size(); i += 4) {
        const std::uint32_t word = random.next_u32();
        for (std::size_t b = 0; b < 4 && i + b < out.size(); ++b)
            out[i + b] = static_cast<std::uint8_t>(word >> (8 * b));
    }
}

}  // namespace

StreamKeys generate_stream_keys(RandomSource& random, std::size_t key_size, wire::EncryptionKey which,
                                std::uint8_t cipher) {
    const auto fill = [&](std::span<std::uint8_t> out) { fill_random(random, out); };
    StreamKeys keys;
    keys.key_size = key_size;
    keys.cipher = cipher;
    fill(keys.salt);
    keys.has_even = (static_cast<unsigned>(which) & static_cast<unsigned>(wire::EncryptionKey::even)) != 0;
    keys.has_odd = (static_cast<unsigned>(which) & static_cast<unsigned>(wire::EncryptionKey::odd)) != 0;
    if (keys.has_even) fill({keys.even.data(), key_size});
    if (keys.has_odd) fill({keys.odd.data(), key_size});
    return keys;
}

StreamKeys refresh_stream_keys(RandomSource& random, const StreamKeys& current, wire::EncryptionKey active) {
    StreamKeys keys = current;
    keys.has_even = keys.has_odd = true;
    if (active == wire::EncryptionKey::even)
        fill_random(random, {keys.odd.data(), keys.key_size});
    else
        fill_random(random, {keys.even.data(), keys.key_size});
    return keys;
}

std::vector<std::uint8_t> encode_key_material(const wire::KmMessage& km) {
    auto measuring = wire::ByteWriter::measuring();
    wire::write_km_message(km, measuring);
    std::vector<std::uint8_t> encoded(measuring.written());
    wire::ByteWriter writer(encoded);
    wire::write_km_message(km, writer);
    return encoded;
}

Expected<std::vector<std::uint8_t>, KeyMaterialError> build_key_material(const StreamKeys& keys,
                                                                         wire::EncryptionKey which,
                                                                         std::string_view passphrase) {
    const std::size_t key_size = keys.key_size;
    const bool even = (static_cast<unsigned>(which) & static_cast<unsigned>(wire::EncryptionKey::even)) != 0;
    const bool odd = (static_cast<unsigned>(which) & static_cast<unsigned>(wire::EncryptionKey::odd)) != 0;
    if (!is_sek_size(key_size) || (!even && !odd) || (even && !keys.has_even) || (odd && !keys.has_odd))
        return KeyMaterialError::malformed;
    if (keys.cipher != km_cipher_aes_ctr && keys.cipher != km_cipher_aes_gcm)
        return KeyMaterialError::unsupported_cipher;

    WipedBuffer<max_key_size> kek;
    const auto kek_span = std::span<std::uint8_t>(kek.bytes.data(), key_size);
    const auto salt = std::span<const std::uint8_t>(keys.salt);
    if (!crypto::pbkdf2_hmac_sha1(passphrase, salt.subspan(km_salt_size - kek_salt_size), kek_pbkdf2_iterations,
                                  kek_span))
        return KeyMaterialError::crypto_failure;

    WipedBuffer<2 * max_key_size> plain;  // even first, as libsrt wraps them
    std::size_t plain_size = 0;
    if (even) {
        std::copy_n(keys.even.begin(), key_size, plain.bytes.begin());
        plain_size = key_size;
    }
    if (odd) {
        std::copy_n(keys.odd.begin(), key_size, plain.bytes.begin() + static_cast<std::ptrdiff_t>(plain_size));
        plain_size += key_size;
    }
    std::vector<std::uint8_t> wrapped(plain_size + crypto::key_wrap_overhead);
    if (!crypto::aes_key_wrap(kek_span, std::span<const std::uint8_t>(plain.bytes.data(), plain_size), wrapped))
        return KeyMaterialError::crypto_failure;

    wire::KmMessage km;
    km.keys = which;
    km.cipher = keys.cipher;
    km.auth = keys.cipher == km_cipher_aes_gcm ? km_auth_aes_gcm : km_auth_none;
    km.salt = salt;
    km.key_length = static_cast<std::uint8_t>(key_size);
    km.wrapped_keys = wrapped;
    return encode_key_material(km);
}

std::array<std::uint8_t, 16> ctr_iv(std::span<const std::uint8_t, km_salt_size> salt, wire::SeqNo seq) {
    std::array<std::uint8_t, 16> iv{};
    std::copy(salt.begin(), salt.end(), iv.begin());
    xor_packet_index(iv, 10, seq.value());
    iv[14] = 0;
    iv[15] = 0;
    return iv;
}

}  // namespace websrt::core
