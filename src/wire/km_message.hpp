// The Key Material message that carries wrapped stream keys (draft-sharabayko-srt §3.2.2;
// libsrt haicrypt/hcrypt_msg.h). libsrt pre-swaps it, so it appears on the wire in plain byte order
// both inside a handshake KMREQ/KMRSP block and in an in-band UMSG_EXT KM message.
#pragma once

#include "wire/byte_io.hpp"
#include "wire/constants.hpp"
#include "wire/result.hpp"

namespace websrt::wire {

struct KmMessage {
    std::uint8_t version = km_version;          // high nibble of byte 0
    std::uint8_t packet_type = km_packet_type;  // low nibble of byte 0
    std::uint16_t signature = km_signature;
    std::uint8_t reserved_flags = 0;  // upper 6 bits of byte 3 (zero in libsrt)
    EncryptionKey keys = EncryptionKey::even;
    std::uint32_t keki = 0;
    std::uint8_t cipher = 2;                // 2 AES-CTR, 4 AES-GCM (libsrt HCRYPT_CIPHER_*)
    std::uint8_t auth = 0;                  // 0 none, 1 GCM tag (libsrt HCRYPT_AUTH_*)
    std::uint8_t stream_encapsulation = 2;  // 2 = SRT (libsrt HCRYPT_SE_TSSRT)
    std::uint8_t reserved1 = 0;
    std::uint16_t reserved2 = 0;
    Bytes salt;                    // SLen = byte 14 × 4 bytes
    std::uint8_t key_length = 16;  // KLen = byte 15 × 4 bytes: length of ONE unwrapped key
    Bytes wrapped_keys;            // 8-byte ICV + KLen per key announced in `keys`

    friend bool operator==(const KmMessage& a, const KmMessage& b);
};

/// Number of keys a KK value announces (both keys for a refresh, libsrt hcrypt_msg.h).
constexpr unsigned key_count(EncryptionKey keys) noexcept {
    return (static_cast<unsigned>(keys) & 1u) + ((static_cast<unsigned>(keys) >> 1) & 1u);
}

/// Decodes a KM message; the salt and keys view `bytes`. Checks version, type, signature and
/// that the size matches SLen, KLen and the key count exactly.
Result<KmMessage> decode_km_message(Bytes bytes);
void write_km_message(const KmMessage& km, ByteWriter& out);

}  // namespace websrt::wire
