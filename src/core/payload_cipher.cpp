#include "core/payload_cipher.hpp"

#include <algorithm>
#include <cstring>

namespace websrt::core {

namespace {

/// The GCM associated data is the 16-byte header with the R flag cleared, so a retransmission
/// authenticates like the original (libsrt processData resets R before decrypt): in network order,
/// or, for libsrt 1.5.3 and older, each word little-endian (see GcmLayout).
std::array<std::uint8_t, wire::header_size> gcm_aad(const wire::DataPacket& packet, GcmLayout layout) {
    wire::DataPacket header = packet;
    header.retransmitted = false;
    header.payload = {};
    std::array<std::uint8_t, wire::header_size> aad{};
    (void)wire::encode_data_packet(header, aad);
    if (layout == GcmLayout::libsrt_1_5_3)
        for (auto word = aad.begin(); word != aad.end(); word += 4) std::reverse(word, word + 4);
    return aad;
}

}  // namespace

crypto::CryptoStatus PayloadCipher::set_key(Key& key, std::span<const std::uint8_t> bytes) const {
    key.keyed = false;
    if (auto status = cipher_ == km_cipher_aes_gcm ? key.gcm.set_key(bytes) : key.ctr.set_key(bytes); !status)
        return status;
    key.keyed = true;
    return {};
}

crypto::CryptoStatus PayloadCipher::install(const StreamKeys& keys) {
    if (keys.cipher != cipher_)  // a new cipher voids every key of the old one
        for (Slot& s : slots_) s = Slot{};
    cipher_ = keys.cipher;
    salt_ = keys.salt;
    if (keys.has_even)
        if (auto status = set_key(slots_[0].current, keys.even_key()); !status) return status;
    if (keys.has_odd)
        if (auto status = set_key(slots_[1].current, keys.odd_key()); !status) return status;
    return {};
}

crypto::CryptoStatus PayloadCipher::install_refresh(const StreamKeys& keys, const StreamKeys& installed,
                                                    wire::SeqNo retire_before) {
    if (keys.cipher != cipher_ || keys.salt != salt_ || keys.key_size != installed.key_size) return install(keys);
    const auto refresh_one = [&](Slot& s, bool has_new, std::span<const std::uint8_t> key, bool had_old,
                                 std::span<const std::uint8_t> old) -> crypto::CryptoStatus {
        if (!has_new || (had_old && std::equal(key.begin(), key.end(), old.begin(), old.end()))) return {};
        if (s.current.keyed) {
            std::swap(s.current, s.previous);
            s.retire_before = retire_before;
        }
        return set_key(s.current, key);
    };
    if (auto status = refresh_one(slots_[0], keys.has_even, keys.even_key(), installed.has_even, installed.even_key());
        !status)
        return status;
    return refresh_one(slots_[1], keys.has_odd, keys.odd_key(), installed.has_odd, installed.odd_key());
}

const PayloadCipher::Key* PayloadCipher::key_for(const Slot& slot, wire::SeqNo seq) {
    if (slot.retire_before && slot.previous.keyed && wire::SeqNo::offset(seq, *slot.retire_before) > 0)
        return &slot.previous;
    return slot.current.keyed ? &slot.current : nullptr;
}

PayloadCipher::Slot* PayloadCipher::slot(wire::EncryptionKey which) {
    return const_cast<Slot*>(std::as_const(*this).slot(which));
}

const PayloadCipher::Slot* PayloadCipher::slot(wire::EncryptionKey which) const {
    switch (which) {
    case wire::EncryptionKey::even: return &slots_[0];
    case wire::EncryptionKey::odd: return &slots_[1];
    default: return nullptr;
    }
}

bool PayloadCipher::has_key(wire::EncryptionKey which) const {
    const Slot* s = slot(which);
    return s && s->current.keyed;
}

std::optional<std::size_t> PayloadCipher::seal(const wire::DataPacket& packet, wire::MutableBytes datagram,
                                               GcmLayout layout) {
    Slot* slot_of_packet = slot(packet.key);
    Key* s = slot_of_packet && slot_of_packet->current.keyed ? &slot_of_packet->current : nullptr;
    if (!s) return std::nullopt;
    const std::size_t size = wire::header_size + packet.payload.size();
    auto payload = datagram.subspan(wire::header_size, packet.payload.size());
    if (cipher_ == km_cipher_aes_gcm) {
        if (datagram.size() < size + gcm_tag_size) return std::nullopt;
        const auto aad = gcm_aad(packet, layout);
        const auto iv = gcm_iv(salt_, packet.seq, layout);
        const auto tag = std::span<std::uint8_t, gcm_tag_size>(datagram.subspan(size, gcm_tag_size));
        if (!s->gcm.seal(iv, aad, payload, payload, tag)) return std::nullopt;
        return size + gcm_tag_size;
    }
    const auto iv = ctr_iv(salt_, packet.seq);
    if (!s->ctr.apply(iv, payload, payload)) return std::nullopt;
    return size;
}

std::optional<std::size_t> PayloadCipher::open(const wire::DataPacket& packet, wire::MutableBytes out,
                                               GcmLayout layout) {
    const Slot* slot_of_packet = slot(packet.key);
    Key* s = slot_of_packet ? const_cast<Key*>(key_for(*slot_of_packet, packet.seq)) : nullptr;
    if (!s) return std::nullopt;
    if (cipher_ == km_cipher_aes_gcm) {
        if (packet.payload.size() < gcm_tag_size) return std::nullopt;
        const std::size_t size = packet.payload.size() - gcm_tag_size;
        if (out.size() < size) return std::nullopt;
        const auto aad = gcm_aad(packet, layout);
        const auto iv = gcm_iv(salt_, packet.seq, layout);
        const auto tag = std::span<const std::uint8_t, gcm_tag_size>(packet.payload.subspan(size, gcm_tag_size));
        if (!s->gcm.open(iv, aad, packet.payload.first(size), tag, out.first(size))) return std::nullopt;
        return size;
    }
    if (out.size() < packet.payload.size()) return std::nullopt;
    const auto iv = ctr_iv(salt_, packet.seq);
    if (!s->ctr.apply(iv, packet.payload, out.first(packet.payload.size()))) return std::nullopt;
    return packet.payload.size();
}

GcmLayout gcm_layout_for_peer(std::uint32_t peer_srt_version) {
    constexpr std::uint32_t last_version_with_old_layout = 0x01'05'03;  // libsrt SrtVersion(1, 5, 3)
    return peer_srt_version <= last_version_with_old_layout ? GcmLayout::libsrt_1_5_3 : GcmLayout::current;
}

std::array<std::uint8_t, 12> gcm_iv(std::span<const std::uint8_t, km_salt_size> salt, wire::SeqNo seq,
                                    GcmLayout layout) {
    std::array<std::uint8_t, 12> iv{};
    if (layout == GcmLayout::libsrt_1_5_3) {
        const auto counter_block = ctr_iv(salt, seq);  // OpenSSL's GCM reads 12 of its 16 bytes
        std::copy_n(counter_block.begin(), iv.size(), iv.begin());
        return iv;
    }
    std::copy_n(salt.begin(), iv.size(), iv.begin());
    xor_packet_index(iv, 8, seq.value());
    return iv;
}

}  // namespace websrt::core
