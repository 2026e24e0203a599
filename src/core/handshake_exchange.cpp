// HSv5 handshake contents and negotiation, matching libsrt 1.5's caller and listener.
#include "core/handshake_exchange.hpp"

#include <algorithm>

#include "core/packet_filter_config.hpp"

namespace websrt::core {

namespace {

using wire::ExtensionType;
using wire::Handshake;
using wire::HandshakeRequest;

/// libsrt UDT_DGRAM: the socket type an HSv4-style induction request carries in its Type field.
constexpr std::uint16_t udt_dgram = 2;

/// Encryption field: the advertised key length in units of 8 bytes, 0 when pbkeylen is not set
/// (draft §3.2.1, "Encryption Field"; libsrt wrapFlags(m_config.iSndCryptoKeyLen)).
std::uint16_t encryption_field(const ConnectionConfig& config) {
    if (config.passphrase.empty()) return 0;
    return static_cast<std::uint16_t>(config.pbkey_len / 8);
}

std::int32_t request(HandshakeRequest r) { return static_cast<std::int32_t>(r); }

/// libsrt names no CONGESTION block for live (the default, also when the option is empty).
bool is_live_congestion(const std::string& congestion) { return congestion.empty() || congestion == "live"; }

/// A peer's 32-bit MSS and flight window as ints: beyond what any peer means (1500; the 2^30
/// packets of half the sequence space) they are clamped, never wrapped negative.
int clamp_mss(std::uint32_t mss) { return static_cast<int>(std::min<std::uint32_t>(mss, 1500)); }
int clamp_flight_window(std::uint32_t window) { return static_cast<int>(std::min<std::uint32_t>(window, 1u << 30)); }

/// HSREQ/HSRSP flags every websrt peer supports in live mode (libsrt SrtVersionCapabilities
/// plus fillSrtHandshake_HSREQ): 0xBF with TSBPD, TLPKTDROP and NAKREPORT on.
std::uint32_t local_flags(const ConnectionConfig& config) {
    std::uint32_t flags = wire::srt_flag_haicrypt | wire::srt_flag_filtercap | wire::srt_flag_rexmitflg;
    if (config.tsbpd) flags |= wire::srt_flag_tsbpd_snd | wire::srt_flag_tsbpd_rcv;
    if (config.tsbpd && config.too_late_packet_drop) flags |= wire::srt_flag_tlpktdrop;
    if (config.nak_report) flags |= wire::srt_flag_nakreport;
    if (!config.message_api) flags |= wire::srt_flag_stream;
    return flags;
}

template <class T>
const T* find_extension(const Handshake& hs, ExtensionType type) {
    for (const wire::HandshakeExtension& ext : hs.extensions)
        if (ext.type == static_cast<std::uint16_t>(type))
            if (const T* body = std::get_if<T>(&ext.body)) return body;
    return nullptr;
}

void add_text(Handshake& hs, ExtensionType type, const std::string& text) {
    hs.extensions.push_back({static_cast<std::uint16_t>(type), wire::TextExtension{text}});
}

Handshake base_handshake(std::uint32_t socket_id, wire::SeqNo isn, const ConnectionConfig& config,
                         const SocketAddress& peer) {
    Handshake hs;
    hs.initial_seq = isn;
    hs.mss = static_cast<std::uint32_t>(config.mss);
    hs.flight_window = static_cast<std::uint32_t>(flight_capacity(config));
    hs.socket_id = socket_id;
    hs.peer_ip = handshake_peer_ip(peer);
    return hs;
}

}  // namespace

const wire::ExtensionBody* find_key_material(const wire::Handshake& hs, wire::ExtensionType type) {
    for (const wire::HandshakeExtension& ext : hs.extensions)
        if (ext.type == static_cast<std::uint16_t>(type)) return &ext.body;
    return nullptr;
}

int flight_capacity(const ConnectionConfig& config) {
    return std::min(config.flight_window_pkts, config.receive_buffer_pkts);
}

std::array<std::uint8_t, 16> handshake_peer_ip(const SocketAddress& address) { return address.ip; }

OutgoingHandshake caller_induction(std::uint32_t socket_id, wire::SeqNo isn, const ConnectionConfig& config,
                                   const SocketAddress& listener) {
    Handshake hs = base_handshake(socket_id, isn, config, listener);
    hs.version = wire::hs_version_udt4;
    hs.encryption_field = 0;
    hs.extension_field = udt_dgram;
    hs.request_type = request(HandshakeRequest::induction);
    return {std::move(hs), 0};
}

std::variant<std::uint32_t, Rejection> read_induction_response(const wire::Handshake& response) {
    if (response.is_rejection()) return Rejection{reject_code_of(response.request_type)};
    // An HSv5 listener answers with version 5 and the SRT magic (libsrt processConnectResponse).
    if (response.version != wire::hs_version_srt5 || response.extension_field != wire::srt_magic_code)
        return Rejection{static_cast<int>(RejectReason::version)};
    if (response.request_type != request(HandshakeRequest::induction))
        return Rejection{static_cast<int>(RejectReason::rogue)};
    return response.cookie;
}

OutgoingHandshake caller_conclusion(std::uint32_t socket_id, wire::SeqNo isn, std::uint32_t cookie,
                                    const ConnectionConfig& config, const SocketAddress& listener,
                                    const wire::KmMessage* key_material) {
    Handshake hs = base_handshake(socket_id, isn, config, listener);
    hs.version = wire::hs_version_srt5;
    hs.encryption_field = key_material ? static_cast<std::uint16_t>(key_material->key_length / 8) : 0;
    hs.request_type = request(HandshakeRequest::conclusion);
    hs.cookie = cookie;

    wire::SrtHandshakeMessage hsreq;
    hsreq.srt_version = websrt_srt_version;
    hsreq.flags = local_flags(config);
    if (config.tsbpd) {
        hsreq.receiver_latency_ms = static_cast<std::uint16_t>(config.receiver_latency_ms);
        hsreq.sender_latency_ms = static_cast<std::uint16_t>(config.peer_latency_ms);
    }
    hs.extension_field = wire::hs_ext_hsreq;
    hs.extensions.push_back({static_cast<std::uint16_t>(ExtensionType::hsreq), hsreq});
    // Block order as libsrt's createSrtHandshake: HSREQ, SID, CONGESTION, FILTER, (GROUP), KMREQ.
    if (!config.stream_id.empty()) add_text(hs, ExtensionType::sid, config.stream_id);
    if (!is_live_congestion(config.congestion)) add_text(hs, ExtensionType::congestion, config.congestion);
    if (!config.packet_filter.empty()) add_text(hs, ExtensionType::filter, config.packet_filter);
    if (hs.extensions.size() > 1) hs.extension_field |= wire::hs_ext_config;
    if (key_material) {
        hs.extensions.push_back({static_cast<std::uint16_t>(ExtensionType::kmreq), *key_material});
        hs.extension_field |= wire::hs_ext_kmreq;
    }
    return {std::move(hs), 0};
}

std::variant<Negotiated, Rejection> read_conclusion_response(const wire::Handshake& response, wire::SeqNo isn,
                                                             const ConnectionConfig& config) {
    if (response.is_rejection()) return Rejection{reject_code_of(response.request_type)};
    if (response.request_type != request(HandshakeRequest::conclusion) || response.version != wire::hs_version_srt5)
        return Rejection{static_cast<int>(RejectReason::rogue)};
    const auto* hsrsp = find_extension<wire::SrtHandshakeMessage>(response, ExtensionType::hsrsp);
    if (!hsrsp) return Rejection{static_cast<int>(RejectReason::rogue)};
    if (hsrsp->srt_version < min_hsv5_peer_version) return Rejection{static_cast<int>(RejectReason::version)};
    // Both sides run the same congestion controller, and a response names it unless it is live
    // (libsrt interpretSrtHandshake refuses a missing or different one with SRT_REJ_CONGESTION).
    const auto* peer_congestion = find_extension<wire::TextExtension>(response, ExtensionType::congestion);
    if ((peer_congestion ? peer_congestion->text : "live") != (config.congestion.empty() ? "live" : config.congestion))
        return Rejection{static_cast<int>(RejectReason::congestion)};

    if (response.mss < static_cast<std::uint32_t>(limits::min_mss) ||
        response.flight_window < static_cast<std::uint32_t>(limits::min_flight_window))
        return Rejection{static_cast<int>(RejectReason::rogue)};

    Negotiated n;
    n.peer_socket_id = response.socket_id;
    n.initial_seq = isn;
    n.peer_initial_seq = isn;
    n.mss = std::min(config.mss, clamp_mss(response.mss));
    n.peer_flight_window = clamp_flight_window(response.flight_window);
    n.peer_srt_version = hsrsp->srt_version;
    n.peer_flags = hsrsp->flags;
    // processSrtMsg_HSRSP: the peer's receiver delay (RCV field) is our sender delay; its sender
    // delay (SND field) is the delay it agreed to for what we receive.
    n.sender_latency_ms = (hsrsp->flags & wire::srt_flag_tsbpd_rcv) ? hsrsp->receiver_latency_ms : 0;
    n.receiver_latency_ms =
        (hsrsp->flags & wire::srt_flag_tsbpd_snd) ? hsrsp->sender_latency_ms : config.receiver_latency_ms;
    n.peer_tlpktdrop = (hsrsp->flags & wire::srt_flag_tlpktdrop) != 0;
    n.peer_nak_report = (hsrsp->flags & wire::srt_flag_nakreport) != 0;
    n.peer_rexmit_flag = (hsrsp->flags & wire::srt_flag_rexmitflg) != 0;
    n.stream_id = config.stream_id;
    return n;
}

OutgoingHandshake listener_induction_response(const wire::Handshake& request_hs, std::uint32_t cookie,
                                              const ConnectionConfig& config) {
    Handshake hs = request_hs;
    hs.version = wire::hs_version_srt5;
    hs.encryption_field = encryption_field(config);
    hs.extension_field = wire::srt_magic_code;
    hs.cookie = cookie;
    hs.extensions.clear();
    return {std::move(hs), request_hs.socket_id};
}

std::variant<ConclusionRequest, Rejection> read_conclusion_request(const wire::Handshake& hs,
                                                                   const ConnectionConfig& config) {
    const auto rogue = Rejection{static_cast<int>(RejectReason::rogue)};
    if (hs.request_type != request(HandshakeRequest::conclusion)) return rogue;
    // HSv4 callers (libsrt < 1.3) are not supported: they never send the HSv5 conclusion.
    if (hs.version != wire::hs_version_srt5) return Rejection{static_cast<int>(RejectReason::version)};
    const auto* hsreq = find_extension<wire::SrtHandshakeMessage>(hs, ExtensionType::hsreq);
    if (!hsreq) return rogue;
    if (hsreq->srt_version < min_hsv5_peer_version) return Rejection{static_cast<int>(RejectReason::version)};
    const bool peer_message_api = (hsreq->flags & wire::srt_flag_stream) == 0;
    if (peer_message_api != config.message_api) return Rejection{static_cast<int>(RejectReason::message_api)};

    ConclusionRequest r;
    r.caller_socket_id = hs.socket_id;
    r.isn = hs.initial_seq;
    r.mss = clamp_mss(hs.mss);
    r.flight_window = clamp_flight_window(hs.flight_window);
    r.hsreq = *hsreq;
    if (const auto* sid = find_extension<wire::TextExtension>(hs, ExtensionType::sid)) r.stream_id = sid->text;
    if (const auto* cc = find_extension<wire::TextExtension>(hs, ExtensionType::congestion)) r.congestion = cc->text;
    if (const auto* f = find_extension<wire::TextExtension>(hs, ExtensionType::filter)) r.packet_filter = f->text;
    if (r.packet_filter && r.packet_filter->size() > max_packet_filter_size)
        return Rejection{static_cast<int>(RejectReason::filter)};
    // Both sides must run the same congestion controller (libsrt SRT_REJ_CONGESTION).
    const std::string local_congestion = config.congestion.empty() ? "live" : config.congestion;
    if (r.congestion != local_congestion) return Rejection{static_cast<int>(RejectReason::congestion)};
    // The peer's MSS and window bound our datagrams and what we keep in flight: refuse values
    // no libsrt sends (SRTO_MSS >= 76, SRTO_FC >= 32), as libsrt refuses them at its own end.
    // Larger ones are harmless: the MSS used is the smaller side's, the window is clamped.
    if (hs.mss < static_cast<std::uint32_t>(limits::min_mss)) return rogue;
    if (hs.flight_window < static_cast<std::uint32_t>(limits::min_flight_window)) return rogue;
    if (r.stream_id.size() > limits::max_stream_id_size) return rogue;
    return r;
}

Negotiated listener_negotiate(const ConclusionRequest& r, const ConnectionConfig& config) {
    Negotiated n;
    n.peer_socket_id = r.caller_socket_id;
    n.initial_seq = r.isn;
    n.peer_initial_seq = r.isn;
    n.mss = std::min(config.mss, r.mss);
    n.peer_flight_window = r.flight_window;
    n.peer_srt_version = r.hsreq.srt_version;
    n.peer_flags = r.hsreq.flags;
    // processSrtMsg_HSREQ: each direction's delay is the larger of the two sides' wishes.
    n.receiver_latency_ms = config.receiver_latency_ms;
    if (config.tsbpd && (r.hsreq.flags & wire::srt_flag_tsbpd_snd))
        n.receiver_latency_ms = std::max<int>(config.receiver_latency_ms, r.hsreq.sender_latency_ms);
    n.sender_latency_ms = 0;
    if (r.hsreq.flags & wire::srt_flag_tsbpd_rcv)
        n.sender_latency_ms = std::max<int>(config.peer_latency_ms, r.hsreq.receiver_latency_ms);
    n.peer_tlpktdrop = (r.hsreq.flags & wire::srt_flag_tlpktdrop) != 0;
    n.peer_nak_report = (r.hsreq.flags & wire::srt_flag_nakreport) != 0;
    n.peer_rexmit_flag = (r.hsreq.flags & wire::srt_flag_rexmitflg) != 0;
    n.stream_id = r.stream_id;
    return n;
}

OutgoingHandshake listener_conclusion_response(const ConclusionRequest& r, const Negotiated& n, std::uint32_t socket_id,
                                               const ConnectionConfig& config, const SocketAddress& caller,
                                               std::optional<wire::ExtensionBody> key_material_response) {
    Handshake hs;
    hs.version = wire::hs_version_srt5;
    hs.encryption_field = encryption_field(config);
    hs.extension_field = wire::hs_ext_hsreq;
    hs.initial_seq = r.isn;
    hs.mss = static_cast<std::uint32_t>(n.mss);
    hs.flight_window = static_cast<std::uint32_t>(flight_capacity(config));
    hs.request_type = request(HandshakeRequest::conclusion);
    hs.socket_id = socket_id;
    hs.peer_ip = handshake_peer_ip(caller);

    // fillSrtHandshake_HSRSP: TSBPDRCV with our receiver delay, TSBPDSND with the delay we
    // granted the peer's receiver, and the flags we honour.
    wire::SrtHandshakeMessage hsrsp;
    hsrsp.srt_version = websrt_srt_version;
    hsrsp.flags = wire::srt_flag_haicrypt | wire::srt_flag_filtercap;
    if (config.tsbpd) {
        hsrsp.flags |= wire::srt_flag_tsbpd_rcv;
        hsrsp.receiver_latency_ms = static_cast<std::uint16_t>(n.receiver_latency_ms);
    }
    if (r.hsreq.flags & wire::srt_flag_tsbpd_rcv) {
        hsrsp.flags |= wire::srt_flag_tsbpd_snd;
        hsrsp.sender_latency_ms = static_cast<std::uint16_t>(n.sender_latency_ms);
    }
    if (config.tsbpd && config.too_late_packet_drop) hsrsp.flags |= wire::srt_flag_tlpktdrop;
    if (config.nak_report) hsrsp.flags |= wire::srt_flag_nakreport;
    if (n.peer_rexmit_flag) hsrsp.flags |= wire::srt_flag_rexmitflg;
    // No STREAM flag: libsrt's HSRSP never carries it (fillSrtHandshake_HSRSP); the API was
    // checked on the HSREQ.
    hs.extensions.push_back({static_cast<std::uint16_t>(ExtensionType::hsrsp), hsrsp});
    // A congestion controller other than live is named in the response too: a libsrt caller
    // refuses a response without it (interpretSrtHandshake, SRT_REJ_CONGESTION).
    if (!is_live_congestion(config.congestion)) {
        add_text(hs, ExtensionType::congestion, config.congestion);
        hs.extension_field |= wire::hs_ext_config;
    }
    if (!n.packet_filter.empty()) {
        add_text(hs, ExtensionType::filter, n.packet_filter);
        hs.extension_field |= wire::hs_ext_config;
    }
    if (key_material_response) {
        // The KMRSP travels under the KMREQ extension flag (libsrt createSrtHandshake).
        hs.extensions.push_back({static_cast<std::uint16_t>(ExtensionType::kmrsp), std::move(*key_material_response)});
        hs.extension_field |= wire::hs_ext_kmreq;
    }
    return {std::move(hs), r.caller_socket_id};
}

namespace {

std::variant<std::string, Rejection> buildable(Expected<std::string, FilterError> agreed) {
    const Rejection refused{static_cast<int>(RejectReason::filter)};
    if (!agreed) return refused;
    // libsrt builds the filter in setupCC: a setting that does not build (no cols, a bad value
    // from the peer) refuses the connection there.
    if (!agreed->empty() && !agreed_fec_config(*agreed)) return refused;
    return std::move(*agreed);
}

}  // namespace

std::variant<std::string, Rejection> listener_packet_filter(const ConclusionRequest& r,
                                                            const ConnectionConfig& config) {
    return buildable(negotiate_filter_as_responder(config.packet_filter, r.packet_filter));
}

std::variant<std::string, Rejection> caller_packet_filter(const wire::Handshake& response,
                                                          const ConnectionConfig& config) {
    const auto* filter = find_extension<wire::TextExtension>(response, ExtensionType::filter);
    return buildable(negotiate_filter_as_initiator(
        config.packet_filter, filter ? std::optional<std::string_view>(filter->text) : std::nullopt));
}

OutgoingHandshake rejection_response(const wire::Handshake& request_hs, int code) {
    Handshake hs = request_hs;
    hs.request_type = rejection_request_type(code);
    hs.extensions.clear();
    return {std::move(hs), request_hs.socket_id};
}

}  // namespace websrt::core
