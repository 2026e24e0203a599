// The sending half of a live connection: messages into the send buffer, paced transmission with
// retransmissions first, ACK and NAK processing, and the sender's too-late drop with DROPREQ.
#include "core/connection.hpp"

#include <algorithm>

namespace websrt::core {

namespace {

/// A late pacing timer may send a short burst to catch up, but never more than this much
/// backlog of send slots (otherwise a stalled loop would later flood the link).
constexpr Micros max_pacing_catch_up = milliseconds(10);
/// A NAK in one datagram of at most the largest MSS holds (1500 − 16) / 4 words, each a single
/// loss or half of a range: more entries than that are not an honest NAK, and are not read.
constexpr std::size_t max_nak_entries = (1500 - wire::header_size) / 4;
/// A new packet whose sequence number is a multiple of 16 opens a packet pair (libsrt PUMASK_SEQNO_PROBE).
constexpr std::uint32_t probe_mask = 0xF;

}  // namespace

SendOutcome Connection::send(Micros now, wire::Bytes message, const SendControl& control) {
    const SendOutcome outcome = submit(now, message, control);
    if (outcome == SendOutcome::buffer_full) want_writable_ = true;
    settle(now);
    return outcome;
}

SendOutcome Connection::submit(Micros now, wire::Bytes message, const SendControl& control) {
    if (state_ != ConnectionState::connected || closing_) return SendOutcome::not_connected;
    // A datagram must fit the MSS both sides settled on (the smaller of the two, which may be
    // below ours), AES-GCM's tag included: the peer drops a longer one unread.
    const std::size_t room =
        static_cast<std::size_t>(negotiated_.mss - header_overhead) - (crypto_ ? crypto_->overhead() : 0);
    const std::size_t packet_payload = std::min(room, static_cast<std::size_t>(config_.payload_size));
    // libsrt refuses a live message longer than SRTO_PAYLOADSIZE (SRT_ELARGEMSG); in file mode it
    // splits a message, or a stream write, into packets of at most that (CSndBuffer::addBuffer).
    if (!file_cc_ && message.size() > packet_payload) return SendOutcome::too_large;
    // libsrt sendmsg2 refuses a source time before the connection's start (the timestamp would be
    // negative), and uses one only with TSBPD and the message API. One in the future is refused
    // here too: the receiver would take its timestamp for a damaged one.
    Micros origin = now;
    if (control.source_time) {
        if (*control.source_time < start_time_ || *control.source_time > now) return SendOutcome::bad_source_time;
        if (config_.tsbpd && config_.message_api) origin = *control.source_time;
    }
    const Micros expires_at = control.ttl && *control.ttl >= 0 ? origin + *control.ttl : forever;
    drop_too_late_on_sender(now);
    switch (send_buffer_.submit(message, origin, control.in_order, expires_at, packet_payload)) {
    case SendBuffer::SubmitOutcome::ok: break;
    case SendBuffer::SubmitOutcome::too_large: return SendOutcome::too_large;
    case SendBuffer::SubmitOutcome::full: return SendOutcome::buffer_full;
    case SendBuffer::SubmitOutcome::out_of_memory:
        fail(CloseReason::failed, 0, std::string(out_of_memory_detail));
        return SendOutcome::not_connected;
    }
    pacing_.on_message_submitted(message.size(), now);
    last_submit_time_ = now;
    return SendOutcome::ok;
}

bool Connection::has_data_to_send() const { return !sender_loss_.empty() || may_send_new_data() || fec_packet_due(); }

bool Connection::fec_packet_due() const {
    return fec_sender_ && fec_sender_->has_packet_due(send_buffer_.next_unsent_seq().prev());
}

bool Connection::may_send_new_data() const {
    if (send_buffer_.unsent_packets() == 0) return false;
    // Flow control: no more unacknowledged packets than the peer's flight window (draft §3.2.1).
    const auto in_flight = wire::SeqNo::offset(last_ack_received_, send_buffer_.next_unsent_seq());
    // FileCC also bounds it by its congestion window and the receiver's free buffer (libsrt
    // packUniqueData: min(flow window, congestion window)).
    if (file_cc_) return in_flight < std::min(flow_window_pkts_, file_cc_->window_pkts());
    return in_flight < negotiated_.peer_flight_window;
}

std::optional<Micros> Connection::next_data_time() const {
    std::optional<Micros> earliest;
    if (may_send_new_data() || fec_packet_due()) earliest = next_data_send_time_;
    if (!sender_loss_.empty())
        if (const auto ready =
                file_cc_ ? std::optional<Micros>{0} : rexmit_budget_.ready_time(retransmission_estimate())) {
            const Micros at = std::max(*ready, next_data_send_time_);
            if (!earliest || at < *earliest) earliest = at;
        }
    return earliest;
}

std::size_t Connection::retransmission_estimate() const {
    return static_cast<std::size_t>(config_.payload_size + header_overhead) + (crypto_ ? crypto_->overhead() : 0);
}

Micros Connection::sender_drop_threshold() const {
    const Micros wanted = milliseconds(negotiated_.sender_latency_ms) + milliseconds(config_.send_drop_delay_ms);
    return std::max(wanted, timing::sender_drop_floor) + timing::sender_drop_margin;
}

std::optional<Micros> Connection::tail_probe_time() const {
    // A receiver notices a loss only when a later packet arrives, so a lost last packet of a burst
    // stays unnoticed until the stream goes on. libsrt's live sender has no retransmission timer
    // while the peer sends NAK reports (CUDT::checkRexmitTimer returns for FASTREXMIT), and at the
    // end of a stream the tail is lost for good. Like TCP's tail loss probe (RFC 8985 §7), a sender
    // gone quiet with packets unacknowledged resends its newest one after an RTO; its arrival
    // reveals any gap before it to the receiver's NAK. Harmless to libsrt: a duplicate is ignored.
    if (file_cc_) return file_retransmission_time();
    if (send_buffer_.unsent_packets() > 0 || !sender_loss_.empty()) return std::nullopt;
    const SendBuffer::Entry* newest = send_buffer_.newest();
    if (!newest || newest->last_sent_time == 0) return std::nullopt;
    // An ACK timeout: longer than the retransmission hold-back (SRTT − 4·RTTVar), so the probe
    // is neither spurious nor held back and re-armed without being sent.
    const Micros wait = std::max(ack_timeout(), timing::min_tail_probe_wait);
    return std::max(newest->last_sent_time, last_ack_progress_time_) + wait;
}

std::optional<Micros> Connection::lost_retransmission_time() const {
    // With arq:onreq a libsrt receiver asks once for what FEC could not rebuild and never again
    // (checkNAKTimer reports only with arq:always), so a lost retransmission loses the packet.
    // Its ACK stays at the missing packet until the packet arrives or is dropped: still there
    // an RTO and two full-ACK periods after the retransmission (as tail_probe_time waits), the
    // retransmission is taken as lost and the packet sent again. A duplicate is ignored.
    if (!fec_config_ || fec_config_->arq != FecArq::onreq || !sender_loss_.empty()) return std::nullopt;
    const SendBuffer::Entry* oldest = send_buffer_.oldest();
    if (!oldest || oldest->seq != last_ack_received_ || oldest->retransmit_count == 0 || oldest->given_up)
        return std::nullopt;
    return oldest->last_sent_time + ack_timeout();
}

Micros Connection::ack_timeout() const {
    // An RTO plus two full-ACK periods (an ACK may wait one period at the receiver): libsrt's
    // checkRexmitTimer base (SRTT + 4·RTTVar + 2 SYN), longer than an ACK takes to come back.
    return rtt_.srtt() + 4 * rtt_.rttvar() + 2 * timing::full_ack_period;
}

std::optional<Micros> Connection::file_retransmission_time() const {
    // libsrt checkRexmitTimer with FileCC's LATEREXMIT: packets in flight, none known lost, and no
    // ACK progress for (timeouts + 1) × (SRTT + 4·RTTVar + 2 SYN) + 1 SYN: the receiver's NAK
    // may have been lost (file mode has no periodic NAK), so everything in flight goes again.
    if (!sender_loss_.empty() || send_buffer_.next_unsent_seq() == last_ack_received_) return std::nullopt;
    const Micros wait = (rexmit_timeouts_ + 1) * ack_timeout() + timing::full_ack_period;
    return last_ack_progress_time_ + wait;
}

void Connection::drop_too_late_on_sender(Micros now) {
    // Both sides must have agreed to TLPKTDROP (libsrt m_bTLPktDrop after the HSREQ/HSRSP).
    if (!config_.too_late_packet_drop || !negotiated_.peer_tlpktdrop) return;
    const auto dropped = send_buffer_.drop_too_late(now, sender_drop_threshold());
    if (!dropped) return;
    sender_loss_.remove_up_to(dropped->last.next());
    if (wire::SeqNo::offset(last_ack_received_, dropped->last.next()) > 0) last_ack_received_ = dropped->last.next();
    drop_on_sender(*dropped);
}

void Connection::drop_on_sender(const SendBuffer::DroppedRange& dropped) {
    count(&TrafficCounters::pktSndDrop, dropped.packets);
    count(&TrafficCounters::byteSndDrop, dropped.bytes);
    // Tell the receiver to stop waiting for them (libsrt sends UMSG_DROPREQ with the first
    // message number and the sequence range).
    queue_control(wire::ControlType::drop_request, dropped.first_msgno.value(),
                  wire::DropRequestBody{dropped.first, dropped.last});
}

void Connection::give_up_expired(SendBuffer::Entry& entry) {
    // The rest of its message goes with it: one DROPREQ from this packet to the message's last
    // one sent, and those leave the loss list (libsrt packLostData, once CSndBuffer::readData
    // found the message expired and counted its packets from this one on). The list is taken
    // lowest first, so nothing before this packet is still in it. Its packets not sent yet are
    // skipped, with a DROPREQ of their own, when their turn comes (skip_expired_unsent).
    const wire::SeqNo last_sent = send_buffer_.next_unsent_seq().prev();
    const wire::SeqNo last = wire::SeqNo::offset(last_sent, entry.message_last) > 0 ? last_sent : entry.message_last;
    SendBuffer::DroppedRange range{entry.seq, last, entry.msgno, entry.msgno, 0, 0};
    // Counted once, however often a packet is asked for. Once a packet is given up, so are its
    // message's later packets sent by then, and those sent later (skipped: the message expired):
    // the walk stops at the first given up, so a peer repeating NAKs of a long expired message
    // costs one step each, not the message's length.
    for (wire::SeqNo seq = entry.seq; wire::SeqNo::offset(seq, last) >= 0; seq = seq.next()) {
        SendBuffer::Entry* packet = send_buffer_.find(seq);
        if (packet == nullptr || packet->given_up) break;
        packet->given_up = true;
        range.packets += 1;
        range.bytes += packet->size;
    }
    sender_loss_.remove_up_to(range.last.next());
    drop_on_sender(range);
}

void Connection::handle_ack(Micros now, const wire::ControlPacket& packet, const wire::AckBody& ack) {
    count(&TrafficCounters::pktRecvACK);
    const wire::SeqNo acked = ack.last_acknowledged;
    // An ACK beyond what we sent is rogue; one behind the last is stale (libsrt processCtrlAck).
    if (wire::SeqNo::offset(acked, send_buffer_.next_unsent_seq()) < 0) return;
    const auto advance = wire::SeqNo::offset(last_ack_received_, acked);
    if (advance > 0) {
        send_buffer_.acknowledge(acked);
        sender_loss_.remove_up_to(acked);
        last_ack_received_ = acked;
        last_ack_progress_time_ = now;
        rexmit_timeouts_ = 0;
    }
    // File mode's flow window: a light ACK uses up what it acknowledges, a full one says how much
    // buffer the receiver has free (libsrt processCtrlAck).
    if (file_cc_ && ack.is_light()) flow_window_pkts_ = std::max(flow_window_pkts_ - std::max(advance, 0), 0);
    if (file_cc_ && !ack.is_light() && ack.word_count >= wire::AckBody::small_words)
        flow_window_pkts_ = static_cast<int>(std::min<std::uint32_t>(ack.available_buffer_pkts, 1u << 30));
    if (ack.is_light()) return;  // light ACKs carry no number to confirm and no RTT
    // ACKACK lets the receiver measure the RTT: at most one per SYN interval, but always for a
    // repeated ACK number (its ACKACK was lost) (libsrt processCtrlAck).
    const auto ack_number = static_cast<std::int32_t>(packet.header.type_info);
    if (now - last_ackack_time_ > timing::full_ack_period || ack_number == last_ackack_sent_number_) {
        queue_control(wire::ControlType::ackack, packet.header.type_info,
                      wire::OpaqueBody{wire::Bytes(wire::zero_word)});
        last_ackack_sent_number_ = ack_number;
        last_ackack_time_ = now;
    }
    if (ack.word_count >= wire::AckBody::small_words && ack.rtt_us > 0) {
        rtt_.on_ack_report(static_cast<Micros>(ack.rtt_us), static_cast<Micros>(ack.rtt_var_us));
        if (file_cc_) file_cc_->on_rtt_report(static_cast<Micros>(ack.rtt_us), static_cast<Micros>(ack.rtt_var_us));
    }
    if (ack.word_count >= wire::AckBody::full_words)
        peer_rates_.on_ack(static_cast<std::int32_t>(ack.bandwidth_pkts),
                           static_cast<std::int32_t>(ack.receive_speed_pkts));
    // FileCC hears of each full ACK that moves on (libsrt: m_iSndLastFullAck advanced).
    if (file_cc_ && wire::SeqNo::offset(last_full_ack_received_, acked) > 0) {
        last_full_ack_received_ = acked;
        file_cc_->on_ack(now, acked, peer_rates_.reported_delivery_rate(), peer_rates_.bandwidth(), rtt_.srtt());
    }
}

void Connection::handle_nak(Micros now, const wire::NakBody& nak) {
    count(&TrafficCounters::pktRecvNAK);
    const wire::SeqNo oldest = last_ack_received_;
    const wire::SeqNo newest = send_buffer_.next_unsent_seq().prev();
    const std::size_t entries = std::min(nak.losses.size(), max_nak_entries);
    for (std::size_t i = 0; i < entries; ++i) {
        const wire::LossRange& range = nak.losses[i];
        // Only what is still in flight can be retransmitted: clip the range to [oldest, newest].
        wire::SeqNo first = range.first;
        wire::SeqNo last = range.last;
        if (wire::SeqNo::offset(first, last) < 0) continue;
        if (wire::SeqNo::offset(oldest, first) < 0) first = oldest;
        if (wire::SeqNo::offset(last, newest) < 0) last = newest;
        if (wire::SeqNo::offset(first, last) < 0) continue;
        count(&TrafficCounters::pktSndLoss, sender_loss_.insert(first, last));
    }
    (void)now;
    if (file_cc_ && entries > 0)
        file_cc_->on_loss_report(nak.losses.front().first, newest, sender_loss_.size(),
                                 peer_rates_.reported_delivery_rate(), rtt_.srtt(), random_);
}

std::optional<std::size_t> Connection::transmit_data(Micros now, wire::MutableBytes out) {
    if (now < next_data_send_time_) return std::nullopt;
    wire::DataPacket packet;
    const SendBuffer::Entry* entry = nullptr;
    bool retransmission = false;

    // Retransmissions go first (libsrt packData: packLostData before new data), within their
    // budget; what the budget holds back stays in the loss list for later.
    // (File mode has no budget: libsrt's maxrexmitbw is unlimited by default, and FileCC paces.)
    while (!sender_loss_.empty() && (file_cc_ || rexmit_budget_.allows(now, retransmission_estimate()))) {
        const auto seq = sender_loss_.pop_front();
        SendBuffer::Entry* lost = send_buffer_.find(*seq);
        if (!lost || lost->last_sent_time == 0) continue;  // acknowledged, dropped, or never sent
        // Asked for again after its TTL: the receiver is told to drop it instead (libsrt
        // packLostData, when CSndBuffer::readData finds the message expired).
        if (now > lost->expires_at) {
            give_up_expired(*lost);
            continue;
        }
        // Retransmission algorithm "efficient" (libsrt default since 1.4.4, checkRexmitRightTime):
        // a packet already retransmitted within the last SRTT − 4·RTTVar is not sent again for a
        // repeated NAK report. The first retransmission is never held back.
        // File mode has no periodic NAK to ask again (libsrt's iRetransmitAlgo 0 there): no hold-back.
        const Micros hold_back = rtt_.srtt() - 4 * rtt_.rttvar();
        if (!file_cc_ && lost->retransmit_count > 0 && now - lost->last_sent_time <= hold_back) continue;
        entry = lost;
        retransmission = true;
        break;
    }
    if (!entry) {
        // The packet filter's FEC packet goes between retransmissions and new data (libsrt packData).
        if (const auto fec = transmit_fec(now, out)) return fec;
        if (!may_send_new_data()) return std::nullopt;
        // Messages whose TTL ran out before their turn are skipped, their sequence numbers spent
        // (libsrt CSndBuffer::readData). libsrt lets the receiver find the gap and NAK it; the
        // DROPREQ is sent at once here, ahead of the next packet, so the receiver sees no loss.
        if (const auto skipped = send_buffer_.skip_expired_unsent(now)) {
            drop_on_sender(*skipped);
            return std::nullopt;  // the caller sends the DROPREQ first
        }
        entry = send_buffer_.next_unsent();
        if (!entry) return std::nullopt;
    }

    packet.seq = entry->seq;
    packet.position = entry->position;
    packet.in_order = entry->in_order;
    packet.message_number = entry->msgno;
    packet.retransmitted = retransmission && negotiated_.peer_rexmit_flag;
    packet.timestamp_us = timestamp_at(entry->origin_time);
    packet.dest_socket_id = negotiated_.peer_socket_id;
    packet.payload = entry->payload();
    // A packet is encrypted once, on its first transmission, and kept so: a retransmission is the
    // same ciphertext under the same KK flags, decryptable whatever keys changed meanwhile.
    const bool seal = crypto_ && crypto_->encrypting() && entry->key == wire::EncryptionKey::none;
    if (seal && crypto_->key_exhausted()) {
        fail(CloseReason::failed, 0,
             "the peer never confirmed the refreshed encryption key (" +
                 std::to_string(crypto_->packets_with_active_key()) + " packets under one key)");
        return std::nullopt;
    }
    packet.key = seal ? crypto_->key_for_new_packet(now) : entry->key;
    const auto encoded = wire::encode_packet(packet, out);
    if (!encoded) return std::nullopt;
    std::size_t written = *encoded;
    if (seal) {
        const auto sealed = crypto_->seal(packet, out);
        if (!sealed || !send_buffer_.store_sealed(packet.seq, packet.key,
                                                  out.subspan(wire::header_size, *sealed - wire::header_size))) {
            fail(CloseReason::failed, static_cast<int>(RejectReason::ipe), "encryption failed (crypto backend)");
            return std::nullopt;
        }
        written = *sealed;
    }
    const auto payload_bytes = static_cast<std::int64_t>(written - wire::header_size);
    count(&TrafficCounters::pktSent);
    count(&TrafficCounters::byteSent, payload_bytes);
    const auto network_bytes = static_cast<std::size_t>(payload_bytes) + static_cast<std::size_t>(header_overhead);
    if (retransmission) {
        rexmit_budget_.consume(network_bytes);
        count(&TrafficCounters::pktRetrans);
        count(&TrafficCounters::byteRetrans, payload_bytes);
        send_buffer_.find(packet.seq)->retransmit_count++;
    } else {
        rexmit_budget_.on_unique_sent(network_bytes);
        count(&TrafficCounters::pktSentUnique);
        count(&TrafficCounters::byteSentUnique, payload_bytes);
    }
    send_buffer_.mark_sent(packet.seq, now);
    last_send_time_ = now;
    if (fec_sender_ && !retransmission)
        fec_sender_->on_data_sent(packet.seq, packet.timestamp_us, packet.key,
                                  out.subspan(wire::header_size, written - wire::header_size));

    if (file_cc_ && !retransmission && (packet.seq.value() & probe_mask) == 0) {
        // Packets 16n and 16n+1 leave back to back: the receiver measures the link's capacity by
        // their spacing (libsrt packData, PUMASK_SEQNO_PROBE).
        next_data_send_time_ = now;
        return written;
    }
    pace_next_packet(now);
    return written;
}

void Connection::pace_next_packet(Micros now) {
    // One packet per send period: LiveCC's (draft §5.1.1) or FileCC's.
    const Micros period = file_cc_ ? file_cc_->send_period_us() : pacing_.send_period();
    next_data_send_time_ = std::max(next_data_send_time_, now - max_pacing_catch_up) + period;
}

std::optional<std::size_t> Connection::transmit_fec(Micros now, wire::MutableBytes out) {
    if (!fec_sender_) return std::nullopt;
    const auto fec = fec_sender_->next_packet(send_buffer_.next_unsent_seq().prev());
    if (!fec) return std::nullopt;
    // An FEC packet is a data packet with message number 0, the last data packet's sequence
    // number, and the key flags new packets carry now (libsrt PacketFilter::packControlPacket).
    wire::DataPacket packet;
    packet.seq = fec->seq;
    packet.position = wire::PacketPosition::solo;
    packet.key = crypto_ ? crypto_->active_key() : wire::EncryptionKey::none;
    packet.message_number = wire::MsgNo(0);
    packet.timestamp_us = fec->timestamp;
    packet.dest_socket_id = negotiated_.peer_socket_id;
    packet.payload = fec->payload;
    const auto written = wire::encode_packet(packet, out);
    if (!written) return std::nullopt;
    count(&TrafficCounters::pktSent);
    count(&TrafficCounters::byteSent, static_cast<std::int64_t>(fec->payload.size()));
    count(&TrafficCounters::pktSndFilterExtra);
    last_send_time_ = now;
    pace_next_packet(now);
    return *written;
}

}  // namespace websrt::core
