// KM message layout (draft-sharabayko-srt §3.2.2, Figure 11; libsrt haicrypt/hcrypt_msg.h):
//   byte 0 V(4)|PT(4), bytes 1-2 Sign, byte 3 Resv(6)|KK(2), bytes 4-7 KEKI, byte 8 Cipher,
//   byte 9 Auth, byte 10 SE, byte 11 Resv1, bytes 12-13 Resv2, byte 14 SLen/4, byte 15 KLen/4,
//   then Salt[SLen] and Wrap[8 + KLen × key count].
#include "wire/km_message.hpp"

#include <algorithm>

namespace websrt::wire {

bool operator==(const KmMessage& a, const KmMessage& b) {
    return a.version == b.version && a.packet_type == b.packet_type && a.signature == b.signature &&
           a.reserved_flags == b.reserved_flags && a.keys == b.keys && a.keki == b.keki && a.cipher == b.cipher &&
           a.auth == b.auth && a.stream_encapsulation == b.stream_encapsulation && a.reserved1 == b.reserved1 &&
           a.reserved2 == b.reserved2 && a.key_length == b.key_length && same_bytes(a.salt, b.salt) &&
           same_bytes(a.wrapped_keys, b.wrapped_keys);
}

Result<KmMessage> decode_km_message(Bytes bytes) {
    ByteReader in(bytes);
    KmMessage km;
    const std::uint8_t version_and_type = in.u8();
    km.version = version_and_type >> 4;
    km.packet_type = version_and_type & 0x0Fu;
    km.signature = in.u16();
    const std::uint8_t flags = in.u8();
    km.reserved_flags = flags >> 2;
    km.keys = static_cast<EncryptionKey>(flags & 0x3u);
    km.keki = in.u32();
    km.cipher = in.u8();
    km.auth = in.u8();
    km.stream_encapsulation = in.u8();
    km.reserved1 = in.u8();
    km.reserved2 = in.u16();
    const std::size_t salt_length = std::size_t{in.u8()} * 4;
    const std::uint8_t key_length_words = in.u8();
    if (!in.ok()) return WireError::truncated;
    // One key is at most 32 bytes in SRT; anything whose byte length cannot be held is invalid.
    if (key_length_words > 63) return WireError::bad_value;
    km.key_length = static_cast<std::uint8_t>(key_length_words * 4);
    if (km.version != km_version || km.packet_type != km_packet_type || km.signature != km_signature)
        return WireError::bad_value;
    const unsigned keys = key_count(km.keys);
    if (keys == 0 || km.key_length == 0) return WireError::bad_value;
    const std::size_t wrap_length = key_wrap_icv_size + std::size_t{km.key_length} * keys;
    if (in.remaining() != salt_length + wrap_length) return WireError::bad_length;
    km.salt = in.bytes(salt_length);
    km.wrapped_keys = in.bytes(wrap_length);
    return km;
}

void write_km_message(const KmMessage& km, ByteWriter& out) {
    // SLen and KLen travel as word counts in one byte each, and the wrap must hold exactly the
    // keys KK announces: anything else would be unreadable by our own decoder.
    const unsigned keys = key_count(km.keys);
    if (km.salt.size() % 4 != 0 || km.salt.size() > 255 * 4 || km.key_length % 4 != 0 || km.key_length == 0 ||
        keys == 0 || km.wrapped_keys.size() != key_wrap_icv_size + std::size_t{km.key_length} * keys) {
        out.fail(WireError::bad_length);
        return;
    }
    out.u8(static_cast<std::uint8_t>((km.version << 4) | (km.packet_type & 0x0Fu)));
    out.u16(km.signature);
    out.u8(static_cast<std::uint8_t>((km.reserved_flags << 2) | static_cast<std::uint8_t>(km.keys)));
    out.u32(km.keki);
    out.u8(km.cipher);
    out.u8(km.auth);
    out.u8(km.stream_encapsulation);
    out.u8(km.reserved1);
    out.u16(km.reserved2);
    out.u8(static_cast<std::uint8_t>(km.salt.size() / 4));
    out.u8(static_cast<std::uint8_t>(km.key_length / 4));
    out.bytes(km.salt);
    out.bytes(km.wrapped_keys);
}

}  // namespace websrt::wire
