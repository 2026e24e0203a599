// The codec's entry point: one UDP datagram <-> one SRT packet (data or control).
#pragma once

#include <variant>

#include "wire/control_packet.hpp"
#include "wire/data_packet.hpp"

namespace websrt::wire {

using Packet = std::variant<DataPacket, ControlPacket>;

/// Decodes any SRT datagram. Never reads outside `datagram`, never throws; the returned packet's
/// payload views point into `datagram`.
Result<Packet> decode_packet(Bytes datagram);

/// Encodes into `out` and returns the size written, or buffer_too_small.
Result<std::size_t> encode_packet(const Packet& packet, MutableBytes out);

/// The exact size `encode_packet` will write when it succeeds (meaningless for a packet that
/// cannot be encoded, e.g. an ACK with no words).
std::size_t encoded_size(const Packet& packet);

/// Short name of the packet's kind ("data", "handshake", "ack", …, "user_defined/kmreq").
const char* packet_kind(const Packet& packet) noexcept;

}  // namespace websrt::wire
