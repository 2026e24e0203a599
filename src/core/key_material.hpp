// SRT's key material: the stream encrypting keys (SEKs) a KM message carries wrapped under a key
// derived from the passphrase, and the per-packet AES-CTR counter block (draft-sharabayko-srt §6;
// libsrt haicrypt: hcrypt_ctx_rx.c, hcrypt_sa.c, hcrypt_xpt_srt.c).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <vector>

#include "base/expected.hpp"
#include "core/random_source.hpp"
#include "wire/km_message.hpp"
#include "wire/seq.hpp"

namespace websrt::core {

/// PBKDF2-HMAC-SHA1 iterations for the KEK (libsrt HAICRYPT_PBKDF2_ITER_CNT, draft §6.1.4).
inline constexpr int kek_pbkdf2_iterations = 2048;
/// The KEK's PBKDF2 salt is the KM salt's last 8 bytes (libsrt HAICRYPT_PBKDF2_SALT_LEN and
/// hcrypt_sa.c: `&salt[salt_len - HAICRYPT_PBKDF2_SALT_LEN]`).
inline constexpr std::size_t kek_salt_size = 8;
/// The KM salt is 16 bytes and keys 16, 24 or 32 (libsrt HAICRYPT_SALT_SZ, HAICRYPT_KEY_MAX_SZ).
inline constexpr std::size_t km_salt_size = 16;
inline constexpr std::size_t max_key_size = 32;
/// The SEK lengths SRT defines: AES-128, -192, -256 (draft §3.2.2 KLen; libsrt pbkeylen 16/24/32).
constexpr bool is_sek_size(std::size_t size) { return size == 16 || size == 24 || size == 32; }
/// KM cipher values (libsrt HCRYPT_CIPHER_AES_CTR, HCRYPT_CIPHER_AES_GCM in hcrypt_msg.h).
inline constexpr std::uint8_t km_cipher_aes_ctr = 2;
inline constexpr std::uint8_t km_cipher_aes_gcm = 4;

enum class KeyMaterialError : std::uint8_t {
    bad_secret,          // the passphrase does not unwrap the keys (libsrt "bad secret")
    unsupported_cipher,  // neither AES-CTR (2) nor AES-GCM (4)
    malformed,           // salt, key length or wrapped size not as SRT defines them
    crypto_failure,      // the crypto backend failed
};

const char* describe(KeyMaterialError error) noexcept;

/// The SEKs and salt one KM message announced. Wiped on destruction.
struct StreamKeys {
    std::array<std::uint8_t, km_salt_size> salt{};
    std::size_t key_size = 0;
    bool has_even = false;
    bool has_odd = false;
    std::array<std::uint8_t, max_key_size> even{};
    std::array<std::uint8_t, max_key_size> odd{};
    std::uint8_t cipher = km_cipher_aes_ctr;

    StreamKeys() = default;
    StreamKeys(const StreamKeys&) = default;
    StreamKeys& operator=(const StreamKeys&) = default;
    ~StreamKeys();

    [[nodiscard]] std::span<const std::uint8_t> even_key() const { return {even.data(), key_size}; }
    [[nodiscard]] std::span<const std::uint8_t> odd_key() const { return {odd.data(), key_size}; }
};

class KekCache;

/// libsrt's KM `auth` values (HCRYPT_AUTH_NONE, HCRYPT_AUTH_AES_GCM) and the only stream
/// encapsulation SRT uses (HCRYPT_SE_TSSRT); hcryptCtx_Rx_ParseKM refuses any other combination.
inline constexpr std::uint8_t km_auth_none = 0;
inline constexpr std::uint8_t km_auth_aes_gcm = 1;
inline constexpr std::uint8_t km_se_srt = 2;

/// Derives the KEK from `passphrase` (through `cache` when given) and unwraps the keys of `km`
/// (even first when both). Errors: unsupported_cipher; malformed (sizes, or an `auth`/SE field
/// that does not go with the cipher); bad_secret; crypto_failure.
Expected<StreamKeys, KeyMaterialError> unwrap_key_material(const wire::KmMessage& km, std::string_view passphrase,
                                                           KekCache* cache = nullptr);

/// A fresh salt and the keys `which` announces, `key_size` bytes each (is_sek_size: the caller checks; libsrt
/// hcryptCtx_Tx_Init / hcryptCtx_Tx_Refresh draw them from the CSPRNG).
StreamKeys generate_stream_keys(RandomSource& random, std::size_t key_size, wire::EncryptionKey which,
                                std::uint8_t cipher = km_cipher_aes_ctr);

/// The keys of a refresh: `current`'s `active` key and salt kept, a fresh key drawn for the other
/// slot (libsrt hcryptCtx_Tx_Refresh: "Keep same KEK, configuration, and salt").
StreamKeys refresh_stream_keys(RandomSource& random, const StreamKeys& current, wire::EncryptionKey active);

/// A KM message encoded as it goes on the wire (used to echo a KMREQ back as the KMRSP).
std::vector<std::uint8_t> encode_key_material(const wire::KmMessage& km);

/// The KM message announcing `which` of `keys`, wrapped under the KEK from `passphrase`, encoded
/// as it goes on the wire (in a KMREQ/KMRSP block or an in-band KM message). libsrt's fields:
/// version 1, packet type 2, sign 0x2029, KEKI 0, SE 2 (SRT), no auth for AES-CTR.
Expected<std::vector<std::uint8_t>, KeyMaterialError> build_key_material(const StreamKeys& keys,
                                                                         wire::EncryptionKey which,
                                                                         std::string_view passphrase);

/// XORs a packet's 32-bit index big-endian into `iv` at `offset`: how libsrt derives both the CTR
/// counter block (offset 10) and the GCM nonce (offset 8) from the salt.
inline void xor_packet_index(std::span<std::uint8_t> iv, std::size_t offset, std::uint32_t index) {
    iv[offset] ^= static_cast<std::uint8_t>(index >> 24);
    iv[offset + 1] ^= static_cast<std::uint8_t>(index >> 16);
    iv[offset + 2] ^= static_cast<std::uint8_t>(index >> 8);
    iv[offset + 3] ^= static_cast<std::uint8_t>(index);
}

/// The AES-CTR initial counter block of the packet with `seq`: the salt with the 32-bit packet
/// index XORed into bytes 10..13 and the block counter (bytes 14..15) zero (libsrt
/// hcrypt_SetCtrIV; draft §6.2.1).
std::array<std::uint8_t, 16> ctr_iv(std::span<const std::uint8_t, km_salt_size> salt, wire::SeqNo seq);

}  // namespace websrt::core
