// The HSv5 caller/listener handshake as pure functions: what each side sends, and what it
// concludes from what it receives (draft-sharabayko-srt §4.3; libsrt srtcore/core.cpp
// startConnect, processConnectRequest, acceptAndRespond, createSrtHandshake, processSrtMsg_HSREQ/HSRSP).
// The Connection and Endpoint own the state and timers; nothing here keeps any.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "core/connection_config.hpp"
#include "core/reject_reason.hpp"
#include "core/socket_address.hpp"
#include "wire/handshake.hpp"

namespace websrt::core {

/// The SRT version we announce in HSREQ/HSRSP (0x00MMmmpp): 1.5.4, the first with AES-GCM's
/// current nonce and associated data. libsrt uses its older layout towards a peer announcing
/// 1.5.3 or less (GcmLayout), and no libsrt behaviour depends on a peer version above 1.2.0
/// otherwise (core.cpp's SrtVersion() checks).
inline constexpr std::uint32_t websrt_srt_version = 0x01'05'04;
/// Oldest peer version that speaks HSv5 (libsrt SRT_VERSION_FEAT_HSv5).
inline constexpr std::uint32_t min_hsv5_peer_version = 0x01'03'00;
/// libsrt flightCapacity(): the flight window announced is min(FC, receive buffer).
int flight_capacity(const ConnectionConfig& config);

/// What one side of a connection settled on after the handshake.
struct Negotiated {
    std::uint32_t peer_socket_id = 0;
    wire::SeqNo initial_seq;       // what we send from: the caller's ISN, both directions (libsrt acceptAndRespond)
    wire::SeqNo peer_initial_seq;  // what we receive from: the same, except in rendezvous (the peer's own)
    int mss = 1500;
    int peer_flight_window = 8192;
    int receiver_latency_ms = 0;  // our TSBPD delay for what we receive
    int sender_latency_ms = 0;    // the peer's TSBPD delay for what we send (drop threshold)
    std::uint32_t peer_srt_version = 0;
    std::uint32_t peer_flags = 0;
    bool peer_tlpktdrop = false;
    bool peer_nak_report = false;
    bool peer_rexmit_flag = false;
    std::string stream_id;
    std::string packet_filter;  // the agreed SRTO_PACKETFILTER, empty for none
};

/// A handshake to send: the body and the destination socket id for the packet header.
struct OutgoingHandshake {
    wire::Handshake body;
    std::uint32_t dest_socket_id = 0;
};

struct Rejection {
    int code = static_cast<int>(RejectReason::unknown);
};

// ---- caller ----

/// INDUCTION request: version 4, type UDT_DGRAM, cookie 0, sent to socket id 0.
OutgoingHandshake caller_induction(std::uint32_t socket_id, wire::SeqNo isn, const ConnectionConfig& config,
                                   const SocketAddress& listener);

/// Checks the listener's INDUCTION response: a rejection, or the cookie to send back.
std::variant<std::uint32_t, Rejection> read_induction_response(const wire::Handshake& response);

/// CONCLUSION request with HSREQ, SID (when set), CONGESTION (when not "live"), FILTER and,
/// when encrypting, KMREQ blocks. `key_material` must outlive the handshake (it views its bytes).
OutgoingHandshake caller_conclusion(std::uint32_t socket_id, wire::SeqNo isn, std::uint32_t cookie,
                                    const ConnectionConfig& config, const SocketAddress& listener,
                                    const wire::KmMessage* key_material = nullptr);

/// Reads the listener's CONCLUSION response (HSRSP) into the negotiated settings, or a rejection.
std::variant<Negotiated, Rejection> read_conclusion_response(const wire::Handshake& response, wire::SeqNo isn,
                                                             const ConnectionConfig& config);

// ---- listener ----

/// INDUCTION response: the request echoed with version 5, the SRT magic and our cookie
/// (libsrt processConnectRequest), sent to the caller's socket id.
OutgoingHandshake listener_induction_response(const wire::Handshake& request, std::uint32_t cookie,
                                              const ConnectionConfig& config);

/// What the listener learns from a CONCLUSION request before deciding to accept.
struct ConclusionRequest {
    std::uint32_t caller_socket_id = 0;
    wire::SeqNo isn;
    int mss = 1500;
    int flight_window = 8192;
    wire::SrtHandshakeMessage hsreq;
    std::string stream_id;
    std::string congestion = "live";
    std::optional<std::string> packet_filter;  // the caller's FILTER extension, when it sent one
};

/// Validates a CONCLUSION request (version, HSREQ present and sane, message API, congestion).
std::variant<ConclusionRequest, Rejection> read_conclusion_request(const wire::Handshake& request,
                                                                   const ConnectionConfig& config);

/// Settles latency, MSS and flags as libsrt's listener does (processSrtMsg_HSREQ, acceptAndRespond).
Negotiated listener_negotiate(const ConclusionRequest& request, const ConnectionConfig& config);

/// The packet filter a listener agrees to (empty for none), or SRT_REJ_FILTER (see
/// negotiate_filter_as_responder; an agreed filter must also build).
std::variant<std::string, Rejection> listener_packet_filter(const ConclusionRequest& request,
                                                            const ConnectionConfig& config);
/// The packet filter a caller ends up with from the listener's response (empty for none), or
/// SRT_REJ_FILTER: a filter we asked for went unanswered, or the agreed one does not build.
std::variant<std::string, Rejection> caller_packet_filter(const wire::Handshake& response,
                                                          const ConnectionConfig& config);

/// CONCLUSION response with HSRSP (and the KMRSP, when key material was exchanged), from our new
/// socket id, to the caller's socket id.
OutgoingHandshake listener_conclusion_response(const ConclusionRequest& request, const Negotiated& negotiated,
                                               std::uint32_t socket_id, const ConnectionConfig& config,
                                               const SocketAddress& caller,
                                               std::optional<wire::ExtensionBody> key_material_response = std::nullopt);

/// A rejection sent back in place of a response (request type 1000 + code).
OutgoingHandshake rejection_response(const wire::Handshake& request, int code);

/// The body of a handshake's KMREQ or KMRSP block (a KmMessage or a KmErrorReport), if any.
const wire::ExtensionBody* find_key_material(const wire::Handshake& hs, wire::ExtensionType type);

/// The peer-address field as libsrt fills it (CIPAddress::ntop): the other side's IP.
std::array<std::uint8_t, 16> handshake_peer_ip(const SocketAddress& address);

}  // namespace websrt::core
