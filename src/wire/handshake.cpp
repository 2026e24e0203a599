// Handshake body and extension blocks (draft-sharabayko-srt §3.2.1, Figure 5 and §3.2.1.1–4).
#include "wire/handshake.hpp"

#include <algorithm>

namespace websrt::wire {

namespace {

// Extension block lengths travel as a 16-bit count of 32-bit words (draft §3.2.1,
// "Extension Length").
constexpr std::size_t max_extension_body = std::size_t{0xFFFF} * 4;
constexpr std::size_t srt_handshake_message_size = 12;  // three words (draft §3.2.1.1)
constexpr std::size_t group_extension_size = 8;         // two words (libsrt GRPD_E_SIZE)
constexpr std::size_t km_error_report_size = 4;

/// libsrt converts every control payload word with htonl after filling it as host-order bytes;
/// for text and addresses this reverses each 4-byte group (srtcore/core.cpp, HtoNLA/NtoHLA).
void reverse_each_word(std::span<std::uint8_t> bytes) {
    for (std::size_t i = 0; i + 4 <= bytes.size(); i += 4) std::reverse(bytes.begin() + i, bytes.begin() + i + 4);
}

std::size_t padded_to_word(std::size_t size) { return (size + 3) / 4 * 4; }

ExtensionBody decode_text(Bytes body) {
    if (body.size() % 4 != 0) return OpaqueExtension{body};
    std::string text(body.begin(), body.end());
    reverse_each_word({reinterpret_cast<std::uint8_t*>(text.data()), text.size()});
    while (!text.empty() && text.back() == '\0') text.pop_back();
    // Only the canonical padding (1-4 NULs short of the next word) re-encodes to the same bytes.
    if (padded_to_word(text.size()) != body.size()) return OpaqueExtension{body};
    return TextExtension{std::move(text)};
}

void write_text(const TextExtension& ext, ByteWriter& out) {
    std::uint8_t word[4];
    for (std::size_t i = 0; i < ext.text.size(); i += 4) {
        for (std::size_t j = 0; j < 4; ++j) {
            const std::size_t k = i + 3 - j;
            word[j] = k < ext.text.size() ? static_cast<std::uint8_t>(ext.text[k]) : 0;
        }
        out.bytes(word);
    }
}

ExtensionBody decode_srt_handshake_message(Bytes body) {
    if (body.size() < srt_handshake_message_size || body.size() % 4 != 0) return OpaqueExtension{body};
    ByteReader in(body);
    SrtHandshakeMessage m;
    m.srt_version = in.u32();
    m.flags = in.u32();
    m.receiver_latency_ms = in.u16();
    m.sender_latency_ms = in.u16();
    m.extra = in.rest();
    return m;
}

}  // namespace

bool operator==(const SrtHandshakeMessage& a, const SrtHandshakeMessage& b) {
    return a.srt_version == b.srt_version && a.flags == b.flags && a.receiver_latency_ms == b.receiver_latency_ms &&
           a.sender_latency_ms == b.sender_latency_ms && same_bytes(a.extra, b.extra);
}

bool operator==(const OpaqueExtension& a, const OpaqueExtension& b) { return same_bytes(a.body, b.body); }

ExtensionBody decode_extension_body(std::uint16_t type, Bytes body) {
    switch (static_cast<ExtensionType>(type)) {
    case ExtensionType::hsreq:
    case ExtensionType::hsrsp: return decode_srt_handshake_message(body);
    case ExtensionType::kmrsp:
        // A failed key exchange answers with one word: the KM state (libsrt core.cpp, processSrtMsg_KMREQ).
        if (body.size() == km_error_report_size) {
            ByteReader in(body);
            return KmErrorReport{static_cast<KmState>(in.u32())};
        }
        [[fallthrough]];
    case ExtensionType::kmreq:
        if (auto km = decode_km_message(body)) return *km;
        return OpaqueExtension{body};
    case ExtensionType::sid:
    case ExtensionType::congestion:
    case ExtensionType::filter: return decode_text(body);
    case ExtensionType::group:
        if (body.size() == group_extension_size) {
            ByteReader in(body);
            GroupExtension g;
            g.group_id = in.u32();
            g.group_type = in.u8();
            g.group_flags = in.u8();
            g.weight = in.u16();
            return g;
        }
        return OpaqueExtension{body};
    }
    return OpaqueExtension{body};
}

void write_extension_body(const ExtensionBody& body, ByteWriter& out) {
    struct Writer {
        ByteWriter& out;
        void operator()(const SrtHandshakeMessage& m) const {
            if (m.extra.size() % 4 != 0) return out.fail(WireError::bad_length);
            out.u32(m.srt_version);
            out.u32(m.flags);
            out.u16(m.receiver_latency_ms);
            out.u16(m.sender_latency_ms);
            out.bytes(m.extra);
        }
        void operator()(const KmMessage& km) const { write_km_message(km, out); }
        void operator()(const KmErrorReport& e) const { out.u32(static_cast<std::uint32_t>(e.state)); }
        void operator()(const TextExtension& t) const { write_text(t, out); }
        void operator()(const GroupExtension& g) const {
            out.u32(g.group_id);
            out.u8(g.group_type);
            out.u8(g.group_flags);
            out.u16(g.weight);
        }
        void operator()(const OpaqueExtension& o) const { out.bytes(o.body); }
    };
    std::visit(Writer{out}, body);
}

Result<Handshake> decode_handshake(Bytes payload) {
    ByteReader in(payload);
    Handshake hs;
    hs.version = in.u32();
    hs.encryption_field = in.u16();
    hs.extension_field = in.u16();
    const std::uint32_t isn = in.u32();
    hs.mss = in.u32();
    hs.flight_window = in.u32();
    hs.request_type = static_cast<std::int32_t>(in.u32());
    hs.socket_id = in.u32();
    hs.cookie = in.u32();
    const Bytes peer_ip = in.bytes(16);
    if (!in.ok()) return WireError::truncated;
    if (isn > SeqNo::max_value) return WireError::bad_value;
    hs.initial_seq = SeqNo(isn);
    std::copy(peer_ip.begin(), peer_ip.end(), hs.peer_ip.begin());
    reverse_each_word(hs.peer_ip);

    while (in.remaining() > 0) {
        if (in.remaining() < 4) return WireError::bad_length;
        const std::uint16_t type = in.u16();
        const std::size_t length = std::size_t{in.u16()} * 4;
        const Bytes body = in.bytes(length);
        if (!in.ok()) return WireError::truncated;
        hs.extensions.push_back({type, decode_extension_body(type, body)});
    }
    return hs;
}

void write_handshake(const Handshake& hs, ByteWriter& out) {
    out.u32(hs.version);
    out.u16(hs.encryption_field);
    out.u16(hs.extension_field);
    out.u32(hs.initial_seq.value());
    out.u32(hs.mss);
    out.u32(hs.flight_window);
    out.u32(static_cast<std::uint32_t>(hs.request_type));
    out.u32(hs.socket_id);
    out.u32(hs.cookie);
    std::array<std::uint8_t, 16> peer_ip = hs.peer_ip;
    reverse_each_word(peer_ip);
    out.bytes(peer_ip);
    for (const HandshakeExtension& ext : hs.extensions) {
        ByteWriter measure = ByteWriter::measuring();
        write_extension_body(ext.body, measure);
        if (!measure.ok()) return out.fail(measure.error());
        const std::size_t size = measure.written();
        if (size % 4 != 0 || size > max_extension_body) return out.fail(WireError::bad_length);
        out.u16(ext.type);
        out.u16(static_cast<std::uint16_t>(size / 4));
        write_extension_body(ext.body, out);
    }
}

}  // namespace websrt::wire
