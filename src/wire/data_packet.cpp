// Data packet layout (draft-sharabayko-srt §3.1, Figure 3):
//   w0: 0 | seq(31)   w1: PP(2) O(1) KK(2) R(1) msgno(26)   w2: timestamp   w3: dest socket id
#include "wire/data_packet.hpp"

#include <algorithm>

namespace websrt::wire {

namespace {
constexpr unsigned position_shift = 30;
constexpr unsigned in_order_shift = 29;
constexpr unsigned key_shift = 27;
constexpr unsigned retransmit_shift = 26;
constexpr std::uint32_t message_number_mask = MsgNo::max_value;
}  // namespace

bool operator==(const DataPacket& a, const DataPacket& b) {
    return a.seq == b.seq && a.position == b.position && a.in_order == b.in_order && a.key == b.key &&
           a.retransmitted == b.retransmitted && a.message_number == b.message_number &&
           a.timestamp_us == b.timestamp_us && a.dest_socket_id == b.dest_socket_id && same_bytes(a.payload, b.payload);
}

Result<DataPacket> decode_data_packet(Bytes datagram) {
    ByteReader in(datagram);
    const std::uint32_t w0 = in.u32();
    const std::uint32_t w1 = in.u32();
    DataPacket p;
    p.timestamp_us = in.u32();
    p.dest_socket_id = in.u32();
    if (!in.ok()) return WireError::truncated;
    if (w0 & control_flag) return WireError::bad_value;
    p.seq = SeqNo(w0);
    p.position = static_cast<PacketPosition>((w1 >> position_shift) & 0x3u);
    p.in_order = ((w1 >> in_order_shift) & 0x1u) != 0;
    p.key = static_cast<EncryptionKey>((w1 >> key_shift) & 0x3u);
    p.retransmitted = ((w1 >> retransmit_shift) & 0x1u) != 0;
    p.message_number = MsgNo(w1 & message_number_mask);
    p.payload = in.rest();
    return p;
}

void write_data_packet(const DataPacket& p, ByteWriter& out) {
    out.u32(p.seq.value());
    out.u32((static_cast<std::uint32_t>(p.position) << position_shift) | (std::uint32_t{p.in_order} << in_order_shift) |
            (static_cast<std::uint32_t>(p.key) << key_shift) | (std::uint32_t{p.retransmitted} << retransmit_shift) |
            p.message_number.value());
    out.u32(p.timestamp_us);
    out.u32(p.dest_socket_id);
    out.bytes(p.payload);
}

Result<std::size_t> encode_data_packet(const DataPacket& packet, MutableBytes out) {
    ByteWriter writer(out);
    write_data_packet(packet, writer);
    return writer.result();
}

}  // namespace websrt::wire
