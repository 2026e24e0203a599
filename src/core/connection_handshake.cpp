// The caller's side of the HSv5 handshake (INDUCTION → CONCLUSION, resent every 250 ms until the
// connect timeout) and the step into the connected state shared with accepted connections.
#include "core/connection.hpp"

namespace websrt::core {

namespace {

/// The default key length when neither we nor the listener set one (libsrt CCryptoControl::init:
/// "PBKEYLEN still 0, setting default 16").
constexpr std::size_t default_key_size = 16;

}  // namespace

void Connection::queue_caller_handshake(Micros now) {
    if (state_ == ConnectionState::inducing) {
        handshake_to_send_ = caller_induction(id_, initial_seq_, config_, peer_);
    } else if (state_ == ConnectionState::concluding &&
               ++conclusions_sent_ % (timing::conclusions_per_induction + 1) == 0) {
        // Ask for the cookie again: ours may have been damaged on the way (handle_handshake takes
        // the new one and concludes with it at once).
        handshake_to_send_ = caller_induction(id_, initial_seq_, config_, peer_);
    } else if (state_ == ConnectionState::concluding) {
        std::optional<wire::KmMessage> km;
        if (crypto_)
            if (auto decoded = wire::decode_km_message(crypto_->handshake_km())) km = *decoded;
        handshake_to_send_ = caller_conclusion(id_, initial_seq_, cookie_, config_, peer_, km ? &*km : nullptr);
    }
    next_handshake_send_ = now + timing::handshake_resend;
}

void Connection::start_encryption(std::size_t advertised_key_size) {
    if (config_.passphrase.empty()) return;
    // pbkeylen: ours when set, else the one the listener advertised in its induction answer
    // (libsrt processConnectResponse: "PBKEYLEN adopted from advertised value").
    std::size_t key_size = static_cast<std::size_t>(config_.pbkey_len);
    const bool advertised = is_sek_size(advertised_key_size);
    if (key_size == 0) key_size = advertised ? advertised_key_size : default_key_size;
    crypto_ = std::make_unique<ConnectionCrypto>(config_, random_);
    if (const auto error = crypto_->initiate(key_size))
        fail(CloseReason::rejected, static_cast<int>(RejectReason::ipe),
             std::string("key material: ") + describe(*error));
}

bool Connection::reject_for_key_material(const wire::Handshake& response) {
    const wire::ExtensionBody* kmrsp = find_key_material(response, wire::ExtensionType::kmrsp);
    if (!crypto_ && !kmrsp) return false;
    if (!crypto_) crypto_ = std::make_unique<ConnectionCrypto>(config_, random_);
    const auto code = crypto_->reject_code(crypto_->accept_handshake_kmrsp(kmrsp));
    if (!code) return false;
    refuse_admission(*code, response);
    return true;
}

bool Connection::reject_for_packet_filter(const wire::Handshake& response, Negotiated& negotiated) {
    auto filter = caller_packet_filter(response, config_);
    if (const auto* rejection = std::get_if<Rejection>(&filter)) {
        refuse_admission(rejection->code, response);
        return true;
    }
    negotiated.packet_filter = std::move(std::get<std::string>(filter));
    return false;
}

void Connection::refuse_admission(int code, const wire::Handshake& response) {
    fail_rejected(code);
    // The listener has admitted us already: tell it we are gone rather than let it time out.
    negotiated_.peer_socket_id = response.socket_id;
    queue_control(wire::ControlType::shutdown, 0, wire::OpaqueBody{wire::Bytes(wire::zero_word)});
}

void Connection::start_packet_filter(const Negotiated& negotiated) {
    if (negotiated.packet_filter.empty()) return;
    const auto config = agreed_fec_config(negotiated.packet_filter);
    if (!config) return;  // cannot happen: the negotiation checked that it builds
    // Every FEC packet we send carries a full payload as sent: SRTO_PAYLOADSIZE plus the GCM tag
    // (libsrt PacketFilter::payloadSize); a libsrt receiver takes no longer one. The payload size
    // is not negotiated: libsrt peers often use 1452 (srt-live-transmit's -c clamped for the
    // filter), so what we receive is clipped to the longest payload any packet can carry.
    const auto capacity =
        static_cast<std::size_t>(config_.payload_size) + (crypto_ ? crypto_->overhead() : std::size_t{0});
    fec_config_ = *config;
    fec_sender_.emplace(*config, negotiated.initial_seq, capacity);
    fec_receiver_.emplace(*config, negotiated.peer_initial_seq,
                          static_cast<std::size_t>(negotiated.mss - header_overhead));
}

void Connection::handle_handshake(Micros now, const wire::ControlPacket& packet) {
    const auto* hs = std::get_if<wire::Handshake>(&packet.body);
    if (!hs) return;
    // The listener's explicit rejection ends the attempt. An answer we cannot accept (a damaged
    // one: found by the simulator's corrupted handshakes) does not: the listener answers our
    // next request again, and if nothing better comes by the deadline, this is why it failed.
    const auto refuse_answer = [&](int code) {
        if (hs->is_rejection()) return fail_rejected(code);
        refused_answer_ = code;
    };
    if (role_ != RendezvousRole::draw || state_ == ConnectionState::meeting)
        return handle_rendezvous_handshake(now, packet, *hs);
    switch (state_) {
    case ConnectionState::inducing: {
        const auto answer = read_induction_response(*hs);
        if (const auto* rejection = std::get_if<Rejection>(&answer)) return refuse_answer(rejection->code);
        cookie_ = std::get<std::uint32_t>(answer);
        state_ = ConnectionState::concluding;
        start_encryption(std::size_t{hs->encryption_field} * 8);
        if (state_ == ConnectionState::concluding) queue_caller_handshake(now);
        return;
    }
    case ConnectionState::concluding: {
        // An induction answer: a late copy changes nothing; the answer to our repeated INDUCTION
        // (conclusions_per_induction) may bring a cookie other than the one we conclude with.
        if (hs->request_type == static_cast<std::int32_t>(wire::HandshakeRequest::induction)) {
            const auto answer = read_induction_response(*hs);
            if (const auto* cookie = std::get_if<std::uint32_t>(&answer); cookie && *cookie != cookie_) {
                cookie_ = *cookie;
                queue_caller_handshake(now);
            }
            return;
        }
        auto answer = read_conclusion_response(*hs, initial_seq_, config_);
        if (const auto* rejection = std::get_if<Rejection>(&answer)) return refuse_answer(rejection->code);
        if (reject_for_key_material(*hs) || reject_for_packet_filter(*hs, std::get<Negotiated>(answer))) return;
        become_connected(now, std::get<Negotiated>(answer), now - static_cast<Micros>(packet.header.timestamp_us));
        return;
    }
    case ConnectionState::connected:
        // The caller repeated its CONCLUSION: our answer was lost (libsrt processConnectRequest
        // answers a known peer's repeated request again).
        if (listener_response_ && hs->request_type == static_cast<std::int32_t>(wire::HandshakeRequest::conclusion)) {
            handshake_to_send_ = listener_response_;
            // The copy we accepted may have been held up on the way (found by endpoint_fuzz: a
            // base 2.46 s late made every packet look damaged); a less delayed copy corrects it.
            if (!received_any_data_)
                tsbpd_.lower_base(now - static_cast<Micros>(packet.header.timestamp_us), config_.connect_timeout);
        }
        return;
    case ConnectionState::meeting:
    case ConnectionState::closed: return;
    }
}

void Connection::become_connected(Micros now, const Negotiated& negotiated, Micros peer_start_time) {
    negotiated_ = negotiated;
    if (crypto_) crypto_->set_peer_version(negotiated.peer_srt_version);
    start_packet_filter(negotiated);
    state_ = ConnectionState::connected;
    // TSBPD base: the local arrival of the peer's handshake minus its timestamp, so that
    // base + timestamp is when the peer sent a packet, on our clock (draft §4.5; libsrt
    // processSrtMsg_HSREQ/HSRSP set m_tsRcvPeerStartTime from the handshake's timestamp).
    tsbpd_.set_base(peer_start_time, milliseconds(negotiated.receiver_latency_ms));
    if (negotiated.peer_initial_seq != initial_seq_) {
        // Rendezvous: the peer sends from its own ISN; nothing has been received yet.
        receive_buffer_ = ReceiveBuffer(config_.receive_buffer_pkts, max_payload(config_), negotiated.peer_initial_seq,
                                        config_.message_api, !config_.tsbpd);
        last_full_ack_seq_ = negotiated.peer_initial_seq;
        highest_received_ = negotiated.peer_initial_seq.prev();
    }
    last_send_time_ = now;
    last_ack_progress_time_ = now;
    if (uses_file_congestion(config_)) {
        file_cc_.emplace(now, negotiated.peer_flight_window, initial_seq_.prev(), config_.max_bw_bytes_per_s,
                         config_.mss);
        flow_window_pkts_ = negotiated.peer_flight_window;
        last_full_ack_received_ = initial_seq_;
    }
    next_full_ack_time_ = now + timing::full_ack_period;
    next_nak_time_ = now + nak_period();
    next_data_send_time_ = now;
    events_.push_back(connection_event(EventKind::connected));
}

}  // namespace websrt::core
