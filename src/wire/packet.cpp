// Dispatch between the data and control codecs, and the packet names used in logs and tests.
#include "wire/packet.hpp"

namespace websrt::wire {

namespace {

void write_packet(const Packet& packet, ByteWriter& out) {
    if (const auto* data = std::get_if<DataPacket>(&packet))
        write_data_packet(*data, out);
    else
        write_control_packet(std::get<ControlPacket>(packet), out);
}

const char* user_defined_kind(std::uint16_t subtype) noexcept {
    switch (static_cast<ExtensionType>(subtype)) {
    case ExtensionType::hsreq: return "user_defined/hsreq";
    case ExtensionType::hsrsp: return "user_defined/hsrsp";
    case ExtensionType::kmreq: return "user_defined/kmreq";
    case ExtensionType::kmrsp: return "user_defined/kmrsp";
    default: return "user_defined";
    }
}

}  // namespace

Result<Packet> decode_packet(Bytes datagram) {
    if (datagram.size() < header_size) return WireError::truncated;
    if (datagram[0] & 0x80u) {
        auto control = decode_control_packet(datagram);
        if (!control) return control.error();
        return Packet{std::move(*control)};
    }
    auto data = decode_data_packet(datagram);
    if (!data) return data.error();
    return Packet{*data};
}

Result<std::size_t> encode_packet(const Packet& packet, MutableBytes out) {
    ByteWriter writer(out);
    write_packet(packet, writer);
    return writer.result();
}

std::size_t encoded_size(const Packet& packet) {
    ByteWriter writer = ByteWriter::measuring();
    write_packet(packet, writer);
    return writer.written();
}

const char* packet_kind(const Packet& packet) noexcept {
    const auto* control = std::get_if<ControlPacket>(&packet);
    if (!control) return "data";
    switch (static_cast<ControlType>(control->header.type)) {
    case ControlType::handshake: return "handshake";
    case ControlType::keepalive: return "keepalive";
    case ControlType::ack: return "ack";
    case ControlType::nak: return "nak";
    case ControlType::congestion_warning: return "congestion_warning";
    case ControlType::shutdown: return "shutdown";
    case ControlType::ackack: return "ackack";
    case ControlType::drop_request: return "drop_request";
    case ControlType::peer_error: return "peer_error";
    case ControlType::user_defined: return user_defined_kind(control->header.subtype);
    }
    return "unknown_control";
}

}  // namespace websrt::wire
