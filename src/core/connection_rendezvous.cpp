// Both sides of an HSv5 rendezvous: waving until the peer is heard, the cookie contest, then the
// initiator's HSREQ or the responder's HSRSP, resent every 250 ms until connected (the exchange in
// prose: rendezvous_exchange.hpp; libsrt processRendezvous and rendezvousSwitchState).
#include "core/connection.hpp"

namespace websrt::core {

namespace {
using wire::HandshakeRequest;
bool is_request(const wire::Handshake& hs, HandshakeRequest request) {
    return hs.request_type == static_cast<std::int32_t>(request);
}
}  // namespace

void Connection::queue_rendezvous_handshake(Micros now) {
    const std::uint32_t peer_id = negotiated_.peer_socket_id;  // 0 until the peer was heard
    if (phase_ == RendezvousPhase::waving) {
        handshake_to_send_ =
            rendezvous_handshake(HandshakeRequest::wave_a_hand, id_, initial_seq_, cookie_, config_, peer_, peer_id);
    } else if (role_ == RendezvousRole::initiator) {
        std::optional<wire::KmMessage> km;
        if (crypto_)
            if (auto decoded = wire::decode_km_message(crypto_->handshake_km())) km = *decoded;
        handshake_to_send_ =
            rendezvous_initiator_conclusion(id_, initial_seq_, cookie_, config_, peer_, peer_id, km ? &*km : nullptr);
    } else if (responder_conclusion_) {
        handshake_to_send_ = responder_conclusion_;
    } else {
        // The responder has not seen the HSREQ yet: an empty CONCLUSION says it heard the peer.
        handshake_to_send_ =
            rendezvous_handshake(HandshakeRequest::conclusion, id_, initial_seq_, cookie_, config_, peer_, peer_id);
    }
    next_handshake_send_ = now + timing::handshake_resend;
}

void Connection::refuse_rendezvous_peer(int code) {
    fail_rejected(code);
    // Tell the peer why, as libsrt >= 1.5.2 does (sendRendezvousRejection), once it is known.
    if (negotiated_.peer_socket_id == 0) return;
    OutgoingHandshake rejection = rendezvous_handshake(HandshakeRequest::wave_a_hand, id_, initial_seq_, cookie_,
                                                       config_, peer_, negotiated_.peer_socket_id);
    rejection.body.request_type = rejection_request_type(code);
    queue_control(wire::ControlType::handshake, 0, std::move(rejection.body));
}

void Connection::handle_rendezvous_handshake(Micros now, const wire::ControlPacket& packet, const wire::Handshake& hs) {
    if (state_ == ConnectionState::connected) {
        // The responder missed our AGREEMENT and repeats its HSRSP: a connected libsrt answers
        // every handshake but an AGREEMENT with one (processCtrlHS).
        if (role_ == RendezvousRole::initiator && !is_request(hs, HandshakeRequest::agreement) && !hs.is_rejection())
            handshake_to_send_ = rendezvous_handshake(HandshakeRequest::agreement, id_, initial_seq_, cookie_, config_,
                                                      peer_, negotiated_.peer_socket_id);
        return;
    }
    if (hs.is_rejection()) return refuse_rendezvous_peer(reject_code_of(hs.request_type));
    // A caller's INDUCTION is not a rendezvous (libsrt processConnectResponse: rogue); HSv4
    // rendezvous (libsrt < 1.3) is not supported.
    if (is_request(hs, HandshakeRequest::induction))
        return refuse_rendezvous_peer(static_cast<int>(RejectReason::rogue));
    if (hs.version != wire::hs_version_srt5) return refuse_rendezvous_peer(static_cast<int>(RejectReason::version));
    if (hs.socket_id != 0) negotiated_.peer_socket_id = hs.socket_id;

    if (role_ == RendezvousRole::draw) {
        if (hs.cookie == 0) return;  // only a connected peer's AGREEMENT has none: nothing to contest
        role_ = cookie_contest(cookie_, hs.cookie);
        if (role_ == RendezvousRole::draw) return refuse_rendezvous_peer(static_cast<int>(RejectReason::rdv_cookie));
        // The initiator makes the stream keys: its pbkeylen, else the one the peer advertised.
        if (role_ == RendezvousRole::initiator) start_encryption(std::size_t{hs.encryption_field} * 8);
        if (state_ == ConnectionState::closed) return;
    }
    const bool initiator = role_ == RendezvousRole::initiator;

    if (is_request(hs, HandshakeRequest::wave_a_hand)) {
        // Waving, or the peer missed our CONCLUSION. Later on it is a copy held up on the way:
        // libsrt refuses it as rogue, but one late duplicate must not end a meeting nearly done.
        if (phase_ != RendezvousPhase::waving && phase_ != RendezvousPhase::attention) return;
        phase_ = RendezvousPhase::attention;
    } else if (is_request(hs, HandshakeRequest::conclusion)) {
        if (initiator && has_extensions(hs)) {
            // The responder's HSRSP (and KMRSP): connected; one AGREEMENT tells the responder.
            auto answer = read_conclusion_response(hs, initial_seq_, config_);
            if (const auto* rejection = std::get_if<Rejection>(&answer)) return refuse_rendezvous_peer(rejection->code);
            if (reject_for_key_material(hs)) return;
            auto& negotiated = std::get<Negotiated>(answer);
            negotiated.peer_initial_seq = hs.initial_seq;
            become_connected(now, negotiated, now - static_cast<Micros>(packet.header.timestamp_us));
            handshake_to_send_ = rendezvous_handshake(HandshakeRequest::agreement, id_, initial_seq_, cookie_, config_,
                                                      peer_, negotiated_.peer_socket_id);
            return;
        }
        if (!initiator && has_extensions(hs)) {
            if (!respond_to_hsreq(now, packet, hs)) return;
            if (phase_ == RendezvousPhase::waving) phase_ = RendezvousPhase::fine;
            if (phase_ == RendezvousPhase::attention) phase_ = RendezvousPhase::initiated;
        } else if (phase_ == RendezvousPhase::waving) {
            phase_ = initiator ? RendezvousPhase::fine : RendezvousPhase::attention;
        }
    } else if (is_request(hs, HandshakeRequest::agreement)) {
        if (!initiator) finish_rendezvous_as_responder(now);
        return;
    } else {
        return;  // not a rendezvous request type: ignored
    }
    queue_rendezvous_handshake(now);  // every handshake processed is answered at once, as libsrt does
}

bool Connection::respond_to_hsreq(Micros now, const wire::ControlPacket& packet, const wire::Handshake& hs) {
    if (responder_conclusion_) return true;  // answered already: the initiator missed it, it goes again
    const auto parsed = read_conclusion_request(hs, config_);
    if (const auto* rejection = std::get_if<Rejection>(&parsed)) {
        refuse_rendezvous_peer(rejection->code);
        return false;
    }
    const auto& request = std::get<ConclusionRequest>(parsed);
    // The initiator's KMREQ keys both directions, taken as a listener takes a caller's.
    const wire::ExtensionBody* kmreq = find_key_material(hs, wire::ExtensionType::kmreq);
    if (kmreq || !config_.passphrase.empty()) {
        // SRTO_CRYPTOMODE auto means AES-CTR in rendezvous, the responder's side included: an
        // initiator's AES-GCM is refused (libsrt's API-socket-options.md table).
        ConnectionConfig responder_config = config_;
        if (responder_config.crypto_mode == CryptoMode::automatic) responder_config.crypto_mode = CryptoMode::aes_ctr;
        crypto_ = std::make_unique<ConnectionCrypto>(responder_config, random_);
        const auto state = crypto_->answer_handshake(kmreq ? std::get_if<wire::KmMessage>(kmreq) : nullptr);
        if (const auto code = crypto_->reject_code(state)) {
            refuse_rendezvous_peer(*code);
            return false;
        }
    }
    Negotiated negotiated = listener_negotiate(request, config_);
    negotiated.initial_seq = initial_seq_;  // we send from our own ISN, the peer from its own
    responder_conclusion_ = rendezvous_responder_conclusion(request, negotiated, id_, initial_seq_, cookie_, config_,
                                                            peer_, crypto_ ? crypto_->handshake_kmrsp() : std::nullopt);
    responder_negotiated_ = negotiated;
    responder_peer_start_ = now - static_cast<Micros>(packet.header.timestamp_us);
    return true;
}

void Connection::finish_rendezvous_as_responder(Micros now) {
    if (role_ != RendezvousRole::responder || !responder_negotiated_) return;
    become_connected(now, *responder_negotiated_, responder_peer_start_);
    responder_conclusion_.reset();
}

}  // namespace websrt::core
