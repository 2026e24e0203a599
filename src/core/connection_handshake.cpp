// The caller's side of the HSv5 handshake (INDUCTION → CONCLUSION, resent every 250 ms until the
// connect timeout) and the step into the connected state shared with accepted connections.
#include "core/connection.hpp"

namespace websrt::core {

void Connection::queue_caller_handshake(Micros now) {
    if (state_ == ConnectionState::inducing)
        handshake_to_send_ = caller_induction(id_, initial_seq_, config_, peer_);
    else if (state_ == ConnectionState::concluding)
        handshake_to_send_ = caller_conclusion(id_, initial_seq_, cookie_, config_, peer_);
    next_handshake_send_ = now + timing::handshake_resend;
}

void Connection::handle_handshake(Micros now, const wire::ControlPacket& packet) {
    const auto* hs = std::get_if<wire::Handshake>(&packet.body);
    if (!hs) return;
    const auto rejected = [&](int code) {
        fail(CloseReason::rejected, code, std::string(describe(CloseReason::rejected)) + ": " + describe_reject(code));
    };
    switch (state_) {
    case ConnectionState::inducing: {
        const auto answer = read_induction_response(*hs);
        if (const auto* rejection = std::get_if<Rejection>(&answer)) return rejected(rejection->code);
        cookie_ = std::get<std::uint32_t>(answer);
        state_ = ConnectionState::concluding;
        queue_caller_handshake(now);
        return;
    }
    case ConnectionState::concluding: {
        // A late copy of the induction answer changes nothing; wait for the conclusion answer.
        if (hs->request_type == static_cast<std::int32_t>(wire::HandshakeRequest::induction)) return;
        const auto answer = read_conclusion_response(*hs, initial_seq_, config_);
        if (const auto* rejection = std::get_if<Rejection>(&answer)) return rejected(rejection->code);
        become_connected(now, std::get<Negotiated>(answer), packet.header.timestamp_us);
        return;
    }
    case ConnectionState::connected:
        // The caller repeated its CONCLUSION: our answer was lost (libsrt processConnectRequest
        // answers a known peer's repeated request again).
        if (listener_response_ && hs->request_type == static_cast<std::int32_t>(wire::HandshakeRequest::conclusion))
            handshake_to_send_ = listener_response_;
        return;
    case ConnectionState::closed: return;
    }
}

void Connection::become_connected(Micros now, const Negotiated& negotiated, std::uint32_t peer_handshake_timestamp) {
    negotiated_ = negotiated;
    state_ = ConnectionState::connected;
    // TSBPD base: the local arrival of the peer's handshake minus its timestamp, so that
    // base + timestamp is when the peer sent a packet, on our clock (draft §4.5; libsrt
    // processSrtMsg_HSREQ/HSRSP set m_tsRcvPeerStartTime from the handshake's timestamp).
    tsbpd_.set_base(now - static_cast<Micros>(peer_handshake_timestamp), milliseconds(negotiated.receiver_latency_ms));
    last_send_time_ = now;
    next_full_ack_time_ = now + timing::full_ack_period;
    next_nak_time_ = now + nak_period();
    next_data_send_time_ = now;
    events_.push_back({EventKind::connected, id_, peer_, negotiated.stream_id, CloseReason::local_close, 0, {}});
}

}  // namespace websrt::core
