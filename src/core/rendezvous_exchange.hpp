// HSv5 rendezvous as pure functions: the cookie contest that makes one side the initiator, and
// the handshakes each side sends on the way (libsrt srtcore/core.cpp startConnect, cookieContest,
// rendezvousSwitchState, processRendezvous; draft-sharabayko-srt §4.3.2, where libsrt 1.5 differs
// the code wins). The Connection keeps the state and the timers (connection_rendezvous.cpp).
//
// The exchange, as libsrt does it: both sides send WAVEAHAND (no extensions) every 250 ms. The one
// whose cookie wins is the initiator: it sends CONCLUSION with HSREQ (and KMREQ, SID…) until it
// gets the responder's CONCLUSION with HSRSP (and KMRSP), then it is connected and sends one
// AGREEMENT. The responder answers a WAVEAHAND with an empty CONCLUSION, an HSREQ with its HSRSP,
// and is connected on the AGREEMENT or on the initiator's first data or KEEPALIVE. Each side
// sends from its own ISN and receives from the peer's (libsrt applyResponseSettings).
#pragma once

#include <cstdint>

#include "core/connection_config.hpp"
#include "core/handshake_exchange.hpp"
#include "core/socket_address.hpp"
#include "wire/handshake.hpp"

namespace websrt::core {

enum class RendezvousRole { draw, initiator, responder };

/// libsrt 1.5.5 backwardCompatibleCookieContest: with d = ours − peer's (mod 2^32), 0 is a draw,
/// below 2^31 we initiate, above it we respond; at exactly 2^31 the larger as signed initiates.
/// (libsrt <= 1.5.4 makes both sides responders at 2^31, which then time out: one pair of cookies
/// in 2^32.) A draw is refused with RejectReason::rdv_cookie.
RendezvousRole cookie_contest(std::uint32_t ours, std::uint32_t peers);

/// A handshake without extensions: WAVEAHAND, the responder's "empty" CONCLUSION (it has not seen
/// the HSREQ yet), or the initiator's AGREEMENT. Version 5, the key length advertised as a caller
/// does (pbkeylen/8 when set), our ISN and cookie. `peer_socket_id` goes in the header: 0 until
/// the peer was heard (libsrt 1.5.1 only advances on handshakes sent to its own id).
OutgoingHandshake rendezvous_handshake(wire::HandshakeRequest request, std::uint32_t socket_id, wire::SeqNo isn,
                                       std::uint32_t cookie, const ConnectionConfig& config, const SocketAddress& peer,
                                       std::uint32_t peer_socket_id);

/// The initiator's CONCLUSION: a caller's (HSREQ, SID, CONGESTION, FILTER, KMREQ) with our cookie,
/// sent to the peer's socket id.
OutgoingHandshake rendezvous_initiator_conclusion(std::uint32_t socket_id, wire::SeqNo isn, std::uint32_t cookie,
                                                  const ConnectionConfig& config, const SocketAddress& peer,
                                                  std::uint32_t peer_socket_id, const wire::KmMessage* key_material);

/// The responder's CONCLUSION: a listener's HSRSP (and KMRSP) for `request`, but carrying our own
/// ISN and cookie (each side sends from its own ISN). `negotiated` is listener_negotiate's.
OutgoingHandshake rendezvous_responder_conclusion(const ConclusionRequest& request, const Negotiated& negotiated,
                                                  std::uint32_t socket_id, wire::SeqNo isn, std::uint32_t cookie,
                                                  const ConnectionConfig& config, const SocketAddress& peer,
                                                  std::optional<wire::ExtensionBody> key_material_response);

/// Whether a handshake carries SRT extensions (HSREQ/HSRSP, KM, config): the low half of its
/// type field (libsrt "hs_flags"); an empty CONCLUSION has none.
inline bool has_extensions(const wire::Handshake& hs) { return hs.extension_field != 0; }

}  // namespace websrt::core
