// Connection lifecycle, packet dispatch, the output queue, timers and statistics. The handshake,
// sender and receiver rules live in connection_handshake.cpp, connection_sender.cpp and
// connection_receiver.cpp.
#include "core/connection.hpp"

#include <algorithm>

namespace websrt::core {

const char* describe(CloseReason reason) noexcept {
    switch (reason) {
    case CloseReason::local_close: return "closed";
    case CloseReason::peer_shutdown: return "peer closed the connection";
    case CloseReason::peer_idle_timeout: return "peer idle timeout: nothing heard from the peer";
    case CloseReason::connect_timeout: return "connection timed out: no answer from the peer";
    case CloseReason::rejected: return "connection rejected";
    case CloseReason::failed: return "connection failed";
    case CloseReason::superseded: return "replaced by a new caller from the same address and port (the peer restarted)";
    }
    return "closed";
}

Connection::Connection(ConnectionId id, Micros now, const SocketAddress& peer, const ConnectionConfig& config,
                       wire::SeqNo initial_seq, RandomSource& random, ConnectMode mode)
    : id_(id),
      peer_(peer),
      config_(config),
      random_(random),
      state_(mode == ConnectMode::rendezvous ? ConnectionState::meeting : ConnectionState::inducing),
      start_time_(now),
      initial_seq_(initial_seq),
      connect_deadline_(now + (mode == ConnectMode::rendezvous
                                   ? timing::rendezvous_connect_timeout_factor * config.connect_timeout
                                   : config.connect_timeout)),
      last_receive_time_(now),
      send_buffer_(config.send_buffer_pkts, max_payload(config)),
      sender_loss_(config.send_buffer_pkts),
      rexmit_budget_(config.max_rexmit_bw_bytes_per_s),
      pacing_(config),
      last_ack_received_(initial_seq),
      receive_buffer_(config.receive_buffer_pkts, max_payload(config), initial_seq, config.message_api, !config.tsbpd),
      receiver_loss_(config.receive_buffer_pkts),
      last_full_ack_seq_(initial_seq),
      highest_received_(initial_seq.prev()),
      interval_start_(now) {
    send_buffer_.set_initial_seq(initial_seq);
    if (state_ == ConnectionState::meeting) {
        // Any cookie but 0: libsrt skips the contest for a 0 cookie and refuses the peer.
        while (cookie_ == 0) cookie_ = random_.next_u32();
        queue_rendezvous_handshake(now);
    } else {
        queue_caller_handshake(now);
    }
    settle(now);
}

Connection::Connection(ConnectionId id, Micros now, const SocketAddress& peer, const ConnectionConfig& config,
                       const Negotiated& negotiated, OutgoingHandshake response, std::uint32_t request_timestamp,
                       std::unique_ptr<ConnectionCrypto> crypto, RandomSource& random)
    : id_(id),
      peer_(peer),
      config_(config),
      random_(random),
      crypto_(std::move(crypto)),
      state_(ConnectionState::connected),
      start_time_(now),
      initial_seq_(negotiated.initial_seq),
      handshake_to_send_(response),
      listener_response_(std::move(response)),
      last_receive_time_(now),
      send_buffer_(config.send_buffer_pkts, max_payload(config)),
      sender_loss_(config.send_buffer_pkts),
      rexmit_budget_(config.max_rexmit_bw_bytes_per_s),
      pacing_(config),
      last_ack_received_(negotiated.initial_seq),
      receive_buffer_(config.receive_buffer_pkts, max_payload(config), negotiated.initial_seq, config.message_api,
                      !config.tsbpd),
      receiver_loss_(config.receive_buffer_pkts),
      last_full_ack_seq_(negotiated.initial_seq),
      highest_received_(negotiated.initial_seq.prev()),
      interval_start_(now) {
    send_buffer_.set_initial_seq(negotiated.initial_seq);
    become_connected(now, negotiated, now - static_cast<Micros>(request_timestamp));
    events_.back().kind = EventKind::accepted;
    settle(now);
}

void Connection::handle_packet(Micros now, const wire::Packet& packet) {
    if (state_ == ConnectionState::closed) return;
    dispatch_packet(now, packet);
    settle(now);
}

void Connection::dispatch_packet(Micros now, const wire::Packet& packet) {
    on_peer_heard(now);
    const auto* any_control = std::get_if<wire::ControlPacket>(&packet);
    if (state_ == ConnectionState::meeting && (!any_control || any_control->header.is(wire::ControlType::keepalive)))
        finish_rendezvous_as_responder(now);
    if (const auto* data = std::get_if<wire::DataPacket>(&packet)) {
        if (state_ == ConnectionState::connected) handle_data(now, *data);
        return;
    }
    const auto& control = std::get<wire::ControlPacket>(packet);
    using wire::ControlType;
    if (control.header.is(ControlType::handshake)) {
        handle_handshake(now, control);
        return;
    }
    if (state_ != ConnectionState::connected) return;
    switch (static_cast<ControlType>(control.header.type)) {
    case ControlType::ack:
        if (const auto* ack = std::get_if<wire::AckBody>(&control.body)) handle_ack(now, control, *ack);
        break;
    case ControlType::nak:
        if (const auto* nak = std::get_if<wire::NakBody>(&control.body)) handle_nak(now, *nak);
        break;
    case ControlType::ackack: handle_ackack(now, control); break;
    case ControlType::drop_request:
        if (const auto* drop = std::get_if<wire::DropRequestBody>(&control.body))
            handle_drop_request(*drop, wire::MsgNo(control.header.type_info));
        break;
    case ControlType::user_defined: handle_key_material(control); break;
    case ControlType::shutdown:
        // Nothing more will come: what arrived is readable at once (its TSBPD time no longer
        // matters), for at most an idle timeout if the application does not read it.
        control_queue_.clear();
        peer_closed_ = true;
        unread_deadline_ = now + config_.peer_idle_timeout;
        end(CloseReason::peer_shutdown, 0, describe(CloseReason::peer_shutdown));
        break;
    default: break;  // KEEPALIVE only refreshes the idle timer; others are not used in live mode
    }
}

void Connection::on_peer_heard(Micros now) { last_receive_time_ = now; }

std::uint32_t Connection::timestamp_at(Micros now) const {
    // Timestamps count microseconds since the connection started and wrap at 2^32 (draft §3).
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(now - start_time_));
}

void Connection::queue_control(wire::ControlType type, std::uint32_t type_info, wire::ControlBody body) {
    wire::ControlPacket packet;
    packet.header.type = static_cast<std::uint16_t>(type);
    packet.header.type_info = type_info;
    packet.body = std::move(body);
    control_queue_.push_back(std::move(packet));
}

std::optional<std::size_t> Connection::encode_key_material(Micros now, wire::MutableBytes out) {
    // In-band KMREQ/KMRSP: UMSG_EXT with the KM (or a state word) as its body (libsrt sendSrtMsg).
    auto& outgoing = crypto_->outgoing();
    wire::ControlPacket packet;
    packet.header.type = static_cast<std::uint16_t>(wire::ControlType::user_defined);
    packet.header.subtype = static_cast<std::uint16_t>(outgoing.front().type);
    packet.header.dest_socket_id = negotiated_.peer_socket_id;
    packet.header.timestamp_us = timestamp_at(now);
    packet.body = wire::OpaqueBody{wire::Bytes(outgoing.front().body)};
    auto written = wire::encode_packet(packet, out);
    outgoing.pop_front();
    if (!written) return std::nullopt;
    last_send_time_ = now;
    return *written;
}

std::optional<std::size_t> Connection::encode_control(Micros now, wire::MutableBytes out) {
    wire::ControlPacket packet;
    if (state_ == ConnectionState::connected && crypto_ && !crypto_->outgoing().empty())
        return encode_key_material(now, out);
    if (handshake_to_send_) {
        packet.header.type = static_cast<std::uint16_t>(wire::ControlType::handshake);
        packet.header.dest_socket_id = handshake_to_send_->dest_socket_id;
        packet.body = std::move(handshake_to_send_->body);
        handshake_to_send_.reset();
    } else if (!control_queue_.empty()) {
        packet = std::move(control_queue_.front());
        control_queue_.pop_front();
        packet.header.dest_socket_id = negotiated_.peer_socket_id;
    } else {
        return std::nullopt;
    }
    packet.header.timestamp_us = timestamp_at(now);
    auto written = wire::encode_packet(packet, out);
    if (!written) return std::nullopt;  // only a too-small buffer: the driver's contract is 1500 bytes
    last_send_time_ = now;
    return *written;
}

std::optional<std::size_t> Connection::poll_transmit(Micros now, wire::MutableBytes out) {
    last_now_ = now;
    auto size = encode_control(now, out);
    if (!size && state_ == ConnectionState::connected) size = transmit_data(now, out);
    if (!size) size = encode_control(now, out);  // what transmit_data queued instead (a DROPREQ)
    update_timers();
    return size;
}

void Connection::update_timers() {
    timers_.stop_all();
    if (state_ == ConnectionState::closed) {
        if (unread_after_peer_close()) timers_.set(Timer::unread_expiry, unread_deadline_);
        return;
    }
    if (state_ != ConnectionState::connected) {
        timers_.set(Timer::connect_deadline, connect_deadline_);
        timers_.set(Timer::handshake_resend, next_handshake_send_);
        return;
    }
    timers_.set(Timer::peer_idle, last_receive_time_ + config_.peer_idle_timeout);
    timers_.set(Timer::full_ack, next_full_ack_time_);
    // Periodic NAK reports only when ours are on (libsrt m_bRcvNakReport; off in file mode, where
    // the sender's retransmission timeout recovers a lost NAK).
    if (config_.nak_report && !receiver_loss_.empty()) timers_.set(Timer::periodic_nak, next_nak_time_);
    if (const auto oldest = send_buffer_.oldest_origin_time(); oldest && negotiated_.peer_tlpktdrop)
        timers_.set(Timer::sender_drop, *oldest + sender_drop_threshold() + 1);  // dropped once strictly older
    if (crypto_) timers_.set(Timer::key_resend, crypto_->next_resend_time(rtt_.srtt()));
    timers_.set(Timer::tail_probe, tail_probe_time());
    timers_.set(Timer::rexmit_lost, lost_retransmission_time());
    timers_.set(Timer::keepalive, last_send_time_ + timing::keepalive_period);
    // Sending and delivering are the driver's poll_transmit() and receive(), which it calls after
    // every input: their timers only wake it for what becomes due later. What is due already and
    // not taken (a reader that stopped, a full socket) waits for its next call, not a busy timer.
    const auto later = [this](std::optional<Micros> at) { return at && *at > last_now_ ? at : std::nullopt; };
    timers_.set(Timer::data, later(next_data_time()));
    const bool head_missing = receive_buffer_.first_missing() == receive_buffer_.delivery_point();
    if (!head_missing || negotiated_.peer_tlpktdrop)
        timers_.set(Timer::delivery, later(receive_buffer_.next_delivery_time()));
    if (closing_) {
        timers_.set(Timer::linger, linger_deadline_);
        if (send_buffer_.packets() == 0) timers_.set(Timer::played_out, played_out_time());
    }
}

void Connection::handle_timeout(Micros now) {
    // In the table's order; a timer whose work ended the connection ends the walk.
    for (std::size_t i = 0; i < TimerTable::size && state_ != ConnectionState::closed; ++i) {
        const auto timer = static_cast<Timer>(i);
        if (!timers_.expired(timer, now)) continue;
        switch (timer) {
        case Timer::connect_deadline:
            if (refused_answer_)
                fail_rejected(*refused_answer_);
            else
                fail(CloseReason::connect_timeout, static_cast<int>(RejectReason::timeout),
                     describe(CloseReason::connect_timeout));
            break;
        case Timer::handshake_resend:
            if (state_ == ConnectionState::meeting)
                queue_rendezvous_handshake(now);
            else
                queue_caller_handshake(now);
            break;
        case Timer::peer_idle: fail(CloseReason::peer_idle_timeout, 0, describe(CloseReason::peer_idle_timeout)); break;
        case Timer::full_ack:
            send_full_ack(now);
            next_full_ack_time_ = now + timing::full_ack_period;
            break;
        case Timer::periodic_nak:
            send_periodic_nak(now);
            next_nak_time_ = now + nak_period();
            break;
        case Timer::sender_drop: drop_too_late_on_sender(now); break;
        case Timer::key_resend: crypto_->handle_timeout(now, rtt_.srtt()); break;
        case Timer::tail_probe: {
            // The newest packet sent (in file mode more may wait unsent).
            const wire::SeqNo newest = send_buffer_.next_unsent_seq().prev();
            if (file_cc_) {
                ++rexmit_timeouts_;
                file_cc_->on_retransmission_timeout(peer_rates_.reported_delivery_rate(), rtt_.srtt());
            }
            // A receiver without periodic NAK reports never repeats a NAK that was lost: resend
            // everything unacknowledged, as libsrt's FASTREXMIT does (checkRexmitTimer when the
            // peer has no NAKREPORT). Otherwise the newest packet reveals any gap before it.
            sender_loss_.insert(negotiated_.peer_nak_report ? newest : last_ack_received_, newest);
            break;
        }
        case Timer::rexmit_lost:
            count(&TrafficCounters::pktSndLoss, sender_loss_.insert(last_ack_received_, last_ack_received_));
            break;
        case Timer::keepalive:
            if (control_queue_.empty() && !has_data_to_send())
                queue_control(wire::ControlType::keepalive, 0, wire::OpaqueBody{wire::Bytes(wire::zero_word)});
            break;
        case Timer::data:
        case Timer::delivery: break;  // the driver's next poll_transmit() / receive() does the work
        case Timer::linger:
        case Timer::played_out: break;  // settle() below ends the close
        case Timer::unread_expiry:
        case Timer::count_: break;
        }
    }
    if (timers_.expired(Timer::unread_expiry, now)) {
        // The application did not read what the peer sent before it closed: give it up.
        count(&TrafficCounters::pktRcvDrop, receive_buffer_.packets());
        peer_closed_ = false;
    }
    settle(now);
}

Event Connection::connection_event(EventKind kind) const {
    Event event;
    event.kind = kind;
    event.connection = id_;
    event.peer = peer_;
    event.stream_id = negotiated_.stream_id;
    return event;
}

void Connection::settle(Micros now) {
    last_now_ = now;
    if (want_writable_ && state_ == ConnectionState::connected && !closing_ &&
        send_buffer_.packets() < send_buffer_.capacity()) {
        want_writable_ = false;
        events_.push_back(connection_event(EventKind::writable));
    }
    if (closing_ && state_ == ConnectionState::connected) check_graceful_close(now);
    update_timers();
}

std::optional<Event> Connection::poll_event() {
    if (events_.empty()) return std::nullopt;
    Event event = std::move(events_.front());
    events_.pop_front();
    if (event.kind == EventKind::closed) event.stats = stats(last_now_, false);
    return event;
}

Micros Connection::played_out_time() const {
    if (!last_submit_time_) return 0;
    return *last_submit_time_ + milliseconds(negotiated_.sender_latency_ms) + timing::played_out_margin;
}

void Connection::close(Micros now, bool graceful, std::optional<Micros> linger) {
    last_now_ = now;
    if (state_ == ConnectionState::closed) return;
    if (state_ != ConnectionState::connected) {
        end(CloseReason::local_close, 0, describe(CloseReason::local_close));
    } else if (graceful) {
        if (!closing_) {
            closing_ = true;
            linger_deadline_ = now + linger.value_or(linger_of(config_, negotiated_.sender_latency_ms));
        }
    } else {
        queue_shutdown();
        end(CloseReason::local_close, 0, describe(CloseReason::local_close));
    }
    settle(now);
}

void Connection::check_graceful_close(Micros now) {
    // Acknowledged is not yet played: a receiver drops what its TSBPD clock still holds when
    // SHUTDOWN arrives (libsrt), so the close waits for the last packet's play-out time too.
    const int unacknowledged = send_buffer_.packets();
    const bool drained = unacknowledged == 0 && now >= played_out_time();
    if (!drained && now < linger_deadline_) return;
    if (drained) events_.push_back(connection_event(EventKind::drained));
    queue_shutdown();
    end(CloseReason::local_close, 0,
        drained ? "closed: everything sent was acknowledged"
                : "closed after the linger: " + std::to_string(unacknowledged) + " packets were never acknowledged");
}

void Connection::queue_shutdown() {
    for (int copy = 0; copy < timing::shutdown_copies; ++copy)
        queue_control(wire::ControlType::shutdown, 0, wire::OpaqueBody{wire::Bytes(wire::zero_word)});
}

void Connection::supersede() {
    if (state_ != ConnectionState::closed) fail(CloseReason::superseded, 0, describe(CloseReason::superseded));
    update_timers();
}

void Connection::fail_rejected(int code) {
    fail(CloseReason::rejected, code, std::string(describe(CloseReason::rejected)) + ": " + describe_reject(code));
}

void Connection::fail(CloseReason reason, int reject_code, std::string detail) {
    control_queue_.clear();
    end(reason, reject_code, std::move(detail));
}

void Connection::end(CloseReason reason, int reject_code, std::string detail) {
    const bool was_connected = state_ == ConnectionState::connected;
    state_ = ConnectionState::closed;
    closing_ = false;
    handshake_to_send_.reset();
    Event event = connection_event(EventKind::closed);
    event.reason = reason;
    event.reject_code = reject_code;
    event.detail = std::move(detail);
    if (was_connected) event.unacknowledged = send_buffer_.packets();
    events_.push_back(std::move(event));
}

ConnectionStats Connection::stats(Micros now, bool clear_interval) {
    ConnectionStats s = stats_;
    s.msTimeStamp = (now - start_time_) / micros_per_ms;
    s.interval_us = now - interval_start_;
    const double interval_s = static_cast<double>(std::max<Micros>(s.interval_us, 1)) / micros_per_second;
    // libsrt counts the 44 bytes of UDP/IP/SRT headers per packet in its rates (CUDT::bstats).
    s.mbpsSendRate = (s.interval.byteSent + s.interval.pktSent * header_overhead) * 8.0 / 1e6 / interval_s;
    s.mbpsRecvRate = (s.interval.byteRecv + s.interval.pktRecv * header_overhead) * 8.0 / 1e6 / interval_s;
    s.usPktSndPeriod = file_cc_ ? file_cc_->send_period_exact_us() : static_cast<double>(pacing_.send_period());
    s.pktFlowWindow = negotiated_.peer_flight_window;
    s.pktFlightSize = static_cast<int>(wire::SeqNo::offset(last_ack_received_, send_buffer_.next_unsent_seq()));
    s.msRTT = static_cast<double>(rtt_.srtt()) / micros_per_ms;
    // In double: the bandwidth is the peer's figure from its ACKs, any 32-bit value.
    s.mbpsBandwidth =
        static_cast<double>(peer_rates_.bandwidth()) * (max_payload(config_) + header_overhead) * 8.0 / 1e6;
    s.mbpsMaxBW = static_cast<double>(pacing_.max_bw_bytes_per_s()) * 8.0 / 1e6;
    s.pktSndBuf = send_buffer_.packets();
    s.byteSndBuf = static_cast<int>(send_buffer_.bytes());
    s.msSndBuf = static_cast<int>(send_buffer_.timespan() / micros_per_ms);
    s.byteAvailSndBuf = (send_buffer_.capacity() - send_buffer_.packets()) * max_payload(config_);
    s.msSndTsbPdDelay = negotiated_.sender_latency_ms;
    s.pktRcvBuf = receive_buffer_.packets();
    s.byteRcvBuf = static_cast<int>(receive_buffer_.bytes());
    s.msRcvBuf = static_cast<int>(receive_buffer_.timespan() / micros_per_ms);
    s.byteAvailRcvBuf = receive_buffer_.available_capacity() * max_payload(config_);
    s.msRcvTsbPdDelay = negotiated_.receiver_latency_ms;
    s.byteMSS = negotiated_.mss;
    s.pktReorderDistance = reorder_distance_;
    if (clear_interval) {
        stats_.interval = {};
        interval_start_ = now;
    }
    return s;
}

}  // namespace websrt::core
