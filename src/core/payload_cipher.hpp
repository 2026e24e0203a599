// One direction's payload cipher: the AES contexts of the even and the odd stream encrypting key
// (SEK) and the salt their IVs derive from (draft-sharabayko-srt §6.2; libsrt haicrypt
// cryspr.c crysprFallback_MsEncrypt / MsDecrypt). Only the payload is encrypted; the header
// stays clear and, with AES-GCM, is authenticated.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/key_material.hpp"
#include "crypto/aes_ctr.hpp"
#include "crypto/aes_gcm.hpp"
#include "wire/data_packet.hpp"

namespace websrt::core {

/// AES-GCM appends a full 16-byte tag after the payload (libsrt HAICRYPT_AUTHTAG_MAX).
inline constexpr std::size_t gcm_tag_size = crypto::AesGcm::tag_size;

/// How AES-GCM derives a packet's nonce and associated data. libsrt 1.5.4 changed both and, for
/// compatibility, still uses the old way towards a peer announcing 1.5.3 or older (core.cpp
/// createCrypter / crypto.cpp m_bUseGcm153, cryspr.c crysprFallback_MsEncrypt).
enum class GcmLayout {
    /// libsrt >= 1.5.4: the nonce is the salt's first 12 bytes with the packet index XORed into
    /// bytes 8..11 (hcrypt_SetGcmIV); the associated data is the header in network order.
    current,
    /// libsrt 1.5.2 and 1.5.3: the nonce is the first 12 bytes of the CTR counter block (so only
    /// the index's upper 16 bits reach it, in bytes 10..11), and the associated data is the header
    /// as libsrt holds it in memory: each 32-bit word in host order, little-endian on every
    /// platform libsrt ships for.
    libsrt_1_5_3,
};

/// The layout libsrt uses towards a peer announcing `peer_srt_version` (0x00MMmmpp).
GcmLayout gcm_layout_for_peer(std::uint32_t peer_srt_version);

class PayloadCipher {
public:
    /// Keys the even and/or odd context with what `keys` carries, and takes its salt and cipher.
    /// A key `keys` does not carry keeps its old value (a refresh KM carries both).
    crypto::CryptoStatus install(const StreamKeys& keys);

    /// A refresh on the receiving side: `keys` replaces `installed` (what install() was last
    /// given). A slot whose key changes keeps its old key for packets before `retire_before`, so
    /// a late retransmission of a packet sent under the old key (its KK names the same slot)
    /// still decrypts. libsrt overwrites the slot; its default refresh period makes the overlap
    /// theoretical, a short kmrefreshrate does not.
    crypto::CryptoStatus install_refresh(const StreamKeys& keys, const StreamKeys& installed,
                                         wire::SeqNo retire_before);

    [[nodiscard]] bool has_key(wire::EncryptionKey which) const;
    [[nodiscard]] bool keyed() const { return has_key(wire::EncryptionKey::even) || has_key(wire::EncryptionKey::odd); }
    [[nodiscard]] std::uint8_t cipher() const { return cipher_; }
    /// Bytes a sealed payload grows by: the GCM tag, nothing for CTR.
    [[nodiscard]] std::size_t overhead() const { return cipher_ == km_cipher_aes_gcm ? gcm_tag_size : 0; }

    /// Encrypts, in place, the payload of the data packet `packet` already encoded into
    /// `datagram` (header included), with the key its KK flags name. Returns the datagram's new
    /// size (GCM appends the tag, so `datagram` needs that room).
    std::optional<std::size_t> seal(const wire::DataPacket& packet, wire::MutableBytes datagram,
                                    GcmLayout layout = GcmLayout::current);

    /// Decrypts the payload of a received `packet` into `out`; its size, or nothing when the key
    /// is missing or (GCM) the packet fails authentication.
    std::optional<std::size_t> open(const wire::DataPacket& packet, wire::MutableBytes out,
                                    GcmLayout layout = GcmLayout::current);

private:
    struct Key {
        crypto::AesCtr ctr;
        crypto::AesGcm gcm;
        bool keyed = false;
    };
    struct Slot {
        Key current;
        Key previous;  // the key this slot had before a refresh, for packets before retire_before
        std::optional<wire::SeqNo> retire_before;
    };
    crypto::CryptoStatus set_key(Key& key, std::span<const std::uint8_t> bytes) const;
    static const Key* key_for(const Slot& slot, wire::SeqNo seq);
    Slot* slot(wire::EncryptionKey which);
    [[nodiscard]] const Slot* slot(wire::EncryptionKey which) const;

    std::array<Slot, 2> slots_;  // even, odd
    std::array<std::uint8_t, km_salt_size> salt_{};
    std::uint8_t cipher_ = km_cipher_aes_ctr;
};

/// The AES-GCM nonce of the packet with `seq` in `layout`.
std::array<std::uint8_t, 12> gcm_iv(std::span<const std::uint8_t, km_salt_size> salt, wire::SeqNo seq,
                                    GcmLayout layout = GcmLayout::current);

}  // namespace websrt::core
