// Control packet layout (draft-sharabayko-srt §3.2, Figure 4):
//   w0: 1 | type(15) | subtype(16)   w1: type-specific   w2: timestamp   w3: dest socket id
#include "wire/control_packet.hpp"

#include <algorithm>

namespace websrt::wire {

namespace {

constexpr unsigned type_shift = 16;
constexpr std::uint32_t type_mask = 0x7FFFu;

Result<ControlBody> decode_ack(Bytes payload) {
    const std::size_t words = payload.size() / 4;
    if (payload.size() % 4 != 0 || words < AckBody::light_words || words > AckBody::max_words)
        return WireError::bad_length;
    ByteReader in(payload);
    AckBody ack;
    ack.word_count = static_cast<std::uint8_t>(words);
    const std::uint32_t last = in.u32();
    if (last > SeqNo::max_value) return WireError::bad_value;
    ack.last_acknowledged = SeqNo(last);
    std::uint32_t* const optional_fields[] = {
        &ack.rtt_us,         &ack.rtt_var_us,         &ack.available_buffer_pkts, &ack.receive_speed_pkts,
        &ack.bandwidth_pkts, &ack.receive_rate_bytes, &ack.send_rate_pkts};
    for (std::size_t i = 1; i < words; ++i) *optional_fields[i - 1] = in.u32();
    return ControlBody{ack};
}

void write_ack(const AckBody& ack, ByteWriter& out) {
    if (ack.word_count < AckBody::light_words || ack.word_count > AckBody::max_words)
        return out.fail(WireError::bad_length);
    const std::uint32_t fields[] = {
        ack.last_acknowledged.value(), ack.rtt_us,         ack.rtt_var_us,         ack.available_buffer_pkts,
        ack.receive_speed_pkts,        ack.bandwidth_pkts, ack.receive_rate_bytes, ack.send_rate_pkts};
    for (std::size_t i = 0; i < ack.word_count; ++i) out.u32(fields[i]);
}

Result<ControlBody> decode_drop_request(Bytes payload) {
    if (payload.size() != 8) return WireError::bad_length;
    ByteReader in(payload);
    const std::uint32_t first = in.u32();
    const std::uint32_t last = in.u32();
    if (first > SeqNo::max_value || last > SeqNo::max_value) return WireError::bad_value;
    return ControlBody{DropRequestBody{SeqNo(first), SeqNo(last)}};
}

/// UMSG_EXT messages reuse the handshake extension bodies (libsrt core.cpp processSrtMsg).
ControlBody decode_user_defined(std::uint16_t subtype, Bytes payload) {
    switch (static_cast<ExtensionType>(subtype)) {
    case ExtensionType::hsreq:
    case ExtensionType::hsrsp:
    case ExtensionType::kmreq:
    case ExtensionType::kmrsp: break;
    default: return OpaqueBody{payload};
    }
    return std::visit(
        [&](auto&& body) -> ControlBody {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, SrtHandshakeMessage> || std::is_same_v<T, KmMessage> ||
                          std::is_same_v<T, KmErrorReport>)
                return body;
            else
                return OpaqueBody{payload};
        },
        decode_extension_body(subtype, payload));
}

}  // namespace

bool operator==(const OpaqueBody& a, const OpaqueBody& b) { return same_bytes(a.bytes, b.bytes); }

Result<ControlPacket> decode_control_packet(Bytes datagram) {
    ByteReader in(datagram);
    const std::uint32_t w0 = in.u32();
    ControlPacket p;
    p.header.type_info = in.u32();
    p.header.timestamp_us = in.u32();
    p.header.dest_socket_id = in.u32();
    if (!in.ok()) return WireError::truncated;
    if ((w0 & control_flag) == 0) return WireError::bad_value;
    p.header.type = static_cast<std::uint16_t>((w0 >> type_shift) & type_mask);
    p.header.subtype = static_cast<std::uint16_t>(w0);
    const Bytes payload = in.rest();

    switch (static_cast<ControlType>(p.header.type)) {
    case ControlType::handshake: {
        auto hs = decode_handshake(payload);
        if (!hs) return hs.error();
        p.body = std::move(*hs);
        break;
    }
    case ControlType::ack: {
        auto ack = decode_ack(payload);
        if (!ack) return ack.error();
        p.body = std::move(*ack);
        break;
    }
    case ControlType::nak: {
        auto losses = decode_loss_list(payload);
        if (!losses) return losses.error();
        p.body = NakBody{std::move(*losses)};
        break;
    }
    case ControlType::drop_request: {
        auto drop = decode_drop_request(payload);
        if (!drop) return drop.error();
        p.body = std::move(*drop);
        break;
    }
    case ControlType::user_defined: p.body = decode_user_defined(p.header.subtype, payload); break;
    default: p.body = OpaqueBody{payload}; break;
    }
    return p;
}

void write_control_packet(const ControlPacket& p, ByteWriter& out) {
    if (p.header.type > type_mask) return out.fail(WireError::bad_value);
    out.u32(control_flag | (std::uint32_t{p.header.type} << type_shift) | p.header.subtype);
    out.u32(p.header.type_info);
    out.u32(p.header.timestamp_us);
    out.u32(p.header.dest_socket_id);
    struct BodyWriter {
        ByteWriter& out;
        void operator()(const OpaqueBody& b) const { out.bytes(b.bytes); }
        void operator()(const Handshake& hs) const { write_handshake(hs, out); }
        void operator()(const AckBody& ack) const { write_ack(ack, out); }
        void operator()(const NakBody& nak) const { write_loss_list(nak.losses, out); }
        void operator()(const DropRequestBody& d) const {
            out.u32(d.first.value());
            out.u32(d.last.value());
        }
        void operator()(const SrtHandshakeMessage& m) const { write_extension_body(m, out); }
        void operator()(const KmMessage& km) const { write_km_message(km, out); }
        void operator()(const KmErrorReport& e) const { write_extension_body(e, out); }
    };
    std::visit(BodyWriter{out}, p.body);
}

}  // namespace websrt::wire
