// The SRT data packet: header fields and a view of the payload (draft-sharabayko-srt §3.1).
#pragma once

#include "wire/byte_io.hpp"
#include "wire/constants.hpp"
#include "wire/result.hpp"
#include "wire/seq.hpp"

namespace websrt::wire {

struct DataPacket {
    SeqNo seq;
    PacketPosition position = PacketPosition::solo;
    bool in_order = false;  // "O": deliver in order (libsrt sets it only in message API with inorder)
    EncryptionKey key = EncryptionKey::none;
    bool retransmitted = false;  // "R": set on retransmissions when REXMITFLG was negotiated
    MsgNo message_number;
    std::uint32_t timestamp_us = 0;
    std::uint32_t dest_socket_id = 0;
    Bytes payload;  // a view into the decoded datagram (decode) or the caller's data (encode)

    friend bool operator==(const DataPacket& a, const DataPacket& b);
};

/// Decodes a datagram whose first bit is 0. The payload views `datagram`.
Result<DataPacket> decode_data_packet(Bytes datagram);
/// Writes header and payload into `out`; returns the number of bytes written.
Result<std::size_t> encode_data_packet(const DataPacket& packet, MutableBytes out);
void write_data_packet(const DataPacket& packet, ByteWriter& out);

}  // namespace websrt::wire
