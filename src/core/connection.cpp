// Connection lifecycle, packet dispatch, the output queue, timers and statistics. The handshake,
// sender and receiver rules live in connection_handshake.cpp, connection_sender.cpp and
// connection_receiver.cpp.
#include "core/connection.hpp"

#include <algorithm>

namespace websrt::core {

namespace {

void min_into(std::optional<Micros>& earliest, Micros candidate) {
    if (!earliest || candidate < *earliest) earliest = candidate;
}

}  // namespace

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
                       wire::SeqNo initial_seq, RandomSource& random)
    : id_(id),
      peer_(peer),
      config_(config),
      random_(random),
      state_(ConnectionState::inducing),
      start_time_(now),
      initial_seq_(initial_seq),
      connect_deadline_(now + config.connect_timeout),
      last_receive_time_(now),
      send_buffer_(config.send_buffer_pkts, max_payload(config)),
      sender_loss_(config.send_buffer_pkts),
      rexmit_budget_(config.max_rexmit_bw_bytes_per_s),
      pacing_(config),
      last_ack_received_(initial_seq),
      receive_buffer_(config.receive_buffer_pkts, max_payload(config), initial_seq),
      receiver_loss_(config.receive_buffer_pkts),
      last_full_ack_seq_(initial_seq),
      highest_received_(initial_seq.prev()),
      interval_start_(now) {
    send_buffer_.set_initial_seq(initial_seq);
    queue_caller_handshake(now);
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
      receive_buffer_(config.receive_buffer_pkts, max_payload(config), negotiated.initial_seq),
      receiver_loss_(config.receive_buffer_pkts),
      last_full_ack_seq_(negotiated.initial_seq),
      highest_received_(negotiated.initial_seq.prev()),
      interval_start_(now) {
    send_buffer_.set_initial_seq(negotiated.initial_seq);
    become_connected(now, negotiated, request_timestamp);
    events_.back().kind = EventKind::accepted;
}

void Connection::handle_packet(Micros now, const wire::Packet& packet) {
    if (state_ == ConnectionState::closed) return;
    on_peer_heard(now);
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
        if (const auto* drop = std::get_if<wire::DropRequestBody>(&control.body)) handle_drop_request(*drop);
        break;
    case ControlType::user_defined: handle_key_material(control); break;
    case ControlType::shutdown:
        state_ = ConnectionState::closed;
        control_queue_.clear();
        events_.push_back({EventKind::closed, id_, peer_, negotiated_.stream_id, CloseReason::peer_shutdown, 0,
                           describe(CloseReason::peer_shutdown)});
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
    if (auto size = encode_control(now, out)) return size;
    if (state_ != ConnectionState::connected) return std::nullopt;
    return transmit_data(now, out);
}

std::optional<Micros> Connection::next_timeout() const {
    std::optional<Micros> earliest;
    switch (state_) {
    case ConnectionState::closed: return std::nullopt;
    case ConnectionState::inducing:
    case ConnectionState::concluding:
        min_into(earliest, next_handshake_send_);
        min_into(earliest, connect_deadline_);
        return earliest;
    case ConnectionState::connected: break;
    }
    min_into(earliest, next_full_ack_time_);
    if (receiver_loss_.size() > 0) min_into(earliest, next_nak_time_);
    min_into(earliest, last_send_time_ + timing::keepalive_period);
    min_into(earliest, last_receive_time_ + config_.peer_idle_timeout);
    if (const auto data = next_data_time()) min_into(earliest, *data);
    if (const auto probe = tail_probe_time()) min_into(earliest, *probe);
    if (crypto_)
        if (const auto resend = crypto_->next_resend_time(rtt_.srtt())) min_into(earliest, *resend);
    if (const auto oldest = send_buffer_.oldest_origin_time(); oldest && negotiated_.peer_tlpktdrop)
        min_into(earliest, *oldest + sender_drop_threshold() + 1);  // dropped once strictly older
    const bool head_missing = receive_buffer_.first_missing() == receive_buffer_.delivery_point();
    if (!head_missing || negotiated_.peer_tlpktdrop)
        if (const auto delivery = receive_buffer_.next_delivery_time()) min_into(earliest, *delivery);
    return earliest;
}

void Connection::handle_timeout(Micros now) {
    switch (state_) {
    case ConnectionState::closed: return;
    case ConnectionState::inducing:
    case ConnectionState::concluding:
        if (now >= connect_deadline_) {
            fail(CloseReason::connect_timeout, static_cast<int>(RejectReason::timeout),
                 describe(CloseReason::connect_timeout));
        } else if (now >= next_handshake_send_) {
            queue_caller_handshake(now);
        }
        return;
    case ConnectionState::connected: break;
    }
    if (now - last_receive_time_ >= config_.peer_idle_timeout) {
        fail(CloseReason::peer_idle_timeout, 0, describe(CloseReason::peer_idle_timeout));
        return;
    }
    if (now >= next_full_ack_time_) {
        send_full_ack(now);
        next_full_ack_time_ = now + timing::full_ack_period;
    }
    if (now >= next_nak_time_) {
        send_periodic_nak(now);
        next_nak_time_ = now + nak_period();
    }
    drop_too_late_on_sender(now);
    if (crypto_) crypto_->handle_timeout(now, rtt_.srtt());
    if (const auto probe = tail_probe_time(); probe && now >= *probe) {
        const wire::SeqNo newest = send_buffer_.newest()->seq;
        // A receiver without periodic NAK reports never repeats a NAK that was lost: resend
        // everything unacknowledged, as libsrt's FASTREXMIT does (checkRexmitTimer when the peer
        // has no NAKREPORT). Otherwise the newest packet reveals any gap before it.
        sender_loss_.insert(negotiated_.peer_nak_report ? newest : last_ack_received_, newest);
    }
    if (now - last_send_time_ >= timing::keepalive_period && control_queue_.empty() && !has_data_to_send())
        queue_control(wire::ControlType::keepalive, 0, wire::OpaqueBody{wire::Bytes(wire::zero_word)});
}

std::optional<Event> Connection::poll_event() {
    if (events_.empty()) return std::nullopt;
    Event event = std::move(events_.front());
    events_.pop_front();
    return event;
}

void Connection::close(Micros now) {
    if (state_ == ConnectionState::closed) return;
    if (state_ == ConnectionState::connected)
        for (int copy = 0; copy < timing::shutdown_copies; ++copy)
            queue_control(wire::ControlType::shutdown, 0, wire::OpaqueBody{wire::Bytes(wire::zero_word)});
    handshake_to_send_.reset();
    state_ = ConnectionState::closed;
    events_.push_back({EventKind::closed, id_, peer_, negotiated_.stream_id, CloseReason::local_close, 0,
                       describe(CloseReason::local_close)});
    (void)now;
}

void Connection::supersede() {
    if (state_ != ConnectionState::closed) fail(CloseReason::superseded, 0, describe(CloseReason::superseded));
}

void Connection::fail(CloseReason reason, int reject_code, std::string detail) {
    state_ = ConnectionState::closed;
    handshake_to_send_.reset();
    control_queue_.clear();
    events_.push_back({EventKind::closed, id_, peer_, negotiated_.stream_id, reason, reject_code, std::move(detail)});
}

ConnectionStats Connection::stats(Micros now, bool clear_interval) {
    ConnectionStats s = stats_;
    s.msTimeStamp = (now - start_time_) / micros_per_ms;
    s.interval_us = now - interval_start_;
    const double interval_s = static_cast<double>(std::max<Micros>(s.interval_us, 1)) / micros_per_second;
    // libsrt counts the 44 bytes of UDP/IP/SRT headers per packet in its rates (CUDT::bstats).
    s.mbpsSendRate = (s.interval.byteSent + s.interval.pktSent * header_overhead) * 8.0 / 1e6 / interval_s;
    s.mbpsRecvRate = (s.interval.byteRecv + s.interval.pktRecv * header_overhead) * 8.0 / 1e6 / interval_s;
    s.usPktSndPeriod = static_cast<double>(pacing_.send_period());
    s.pktFlowWindow = negotiated_.peer_flight_window;
    s.pktFlightSize = static_cast<int>(wire::SeqNo::offset(last_ack_received_, send_buffer_.next_unsent_seq()));
    s.msRTT = static_cast<double>(rtt_.srtt()) / micros_per_ms;
    s.mbpsBandwidth = peer_bandwidth_.bandwidth() * (max_payload(config_) + header_overhead) * 8.0 / 1e6;
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
