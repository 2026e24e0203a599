#include "core/rendezvous_exchange.hpp"

namespace websrt::core {

RendezvousRole cookie_contest(std::uint32_t ours, std::uint32_t peers) {
    const std::uint32_t difference = ours - peers;
    constexpr std::uint32_t half = 0x8000'0000u;
    if (difference == 0) return RendezvousRole::draw;
    if (difference < half) return RendezvousRole::initiator;
    if (difference > half) return RendezvousRole::responder;
    return static_cast<std::int32_t>(ours) > static_cast<std::int32_t>(peers) ? RendezvousRole::initiator
                                                                              : RendezvousRole::responder;
}

OutgoingHandshake rendezvous_handshake(wire::HandshakeRequest request, std::uint32_t socket_id, wire::SeqNo isn,
                                       std::uint32_t cookie, const ConnectionConfig& config, const SocketAddress& peer,
                                       std::uint32_t peer_socket_id) {
    wire::Handshake hs;
    hs.version = wire::hs_version_srt5;
    // libsrt startConnect: wrapFlags(false, SRTO_PBKEYLEN), 0 unless the application set it.
    hs.encryption_field = config.passphrase.empty() ? 0 : static_cast<std::uint16_t>(config.pbkey_len / 8);
    hs.extension_field = 0;
    hs.initial_seq = isn;
    hs.mss = static_cast<std::uint32_t>(config.mss);
    hs.flight_window = static_cast<std::uint32_t>(flight_capacity(config));
    hs.request_type = static_cast<std::int32_t>(request);
    hs.socket_id = socket_id;
    hs.cookie = cookie;
    hs.peer_ip = handshake_peer_ip(peer);
    return {std::move(hs), peer_socket_id};
}

OutgoingHandshake rendezvous_initiator_conclusion(std::uint32_t socket_id, wire::SeqNo isn, std::uint32_t cookie,
                                                  const ConnectionConfig& config, const SocketAddress& peer,
                                                  std::uint32_t peer_socket_id, const wire::KmMessage* key_material) {
    OutgoingHandshake out = caller_conclusion(socket_id, isn, cookie, config, peer, key_material);
    out.dest_socket_id = peer_socket_id;
    return out;
}

OutgoingHandshake rendezvous_responder_conclusion(const ConclusionRequest& request, const Negotiated& negotiated,
                                                  std::uint32_t socket_id, wire::SeqNo isn, std::uint32_t cookie,
                                                  const ConnectionConfig& config, const SocketAddress& peer,
                                                  std::optional<wire::ExtensionBody> key_material_response) {
    OutgoingHandshake out =
        listener_conclusion_response(request, negotiated, socket_id, config, peer, std::move(key_material_response));
    out.body.initial_seq = isn;
    out.body.cookie = cookie;
    return out;
}

}  // namespace websrt::core
