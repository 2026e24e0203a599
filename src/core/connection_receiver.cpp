// The receiving half of a live connection: loss detection with an immediate NAK, periodic NAK
// reports, light and full ACKs, RTT from ACKACK, DROPREQ, and TSBPD delivery with too-late drop.
#include "core/connection.hpp"

#include <algorithm>
#include <cstring>

namespace websrt::core {

void Connection::handle_data(Micros now, const wire::DataPacket& packet) {
    count(&TrafficCounters::pktRecv);
    count(&TrafficCounters::byteRecv, static_cast<std::int64_t>(packet.payload.size()));
    if (packet.retransmitted) count(&TrafficCounters::pktRcvRetrans);
    if (fec_receiver_) return filter_received(now, packet);
    rate_meter_.on_data(packet.seq, now, packet.payload.size());
    accept_data(now, packet);
}

void Connection::filter_received(Micros now, const wire::DataPacket& packet) {
    // A packet the receive buffer has no room for is ignored as if lost (accept_data), and FEC
    // does not see it either: its group then gives it up, to be asked for, and the FEC window
    // moves no further than the buffer reaches, so one datagram far ahead cannot make it reset
    // or dismiss a window of groups (up to 195,075 packets at 255 × 255).
    if (!receive_buffer_.has_room_for(packet.seq)) {
        if (!FecReceiver::is_fec_packet(packet)) rate_meter_.on_data(packet.seq, now, packet.payload.size());
        return;
    }
    // FEC works on packets as sent, before decryption (libsrt processData calls the filter first).
    const FecReceiveResult& fec = fec_receiver_->on_packet(packet);
    if (fec.is_fec) {
        count(&TrafficCounters::pktRcvFilterExtra);
    } else {
        rate_meter_.on_data(packet.seq, now, packet.payload.size());
    }
    std::vector<wire::LossRange> to_nak;
    if (fec.rebuilt.empty()) {
        if (!fec.is_fec) accept_data(now, packet);
    } else {
        // The packet and those rebuilt go to the buffer in sequence order, as libsrt hands them
        // (packetfilter.cpp PacketFilter::receive), so a rebuilt one is not first taken as lost.
        bool packet_accepted = fec.is_fec;
        for (const wire::DataPacket& rebuilt : fec.rebuilt) {
            if (!packet_accepted && wire::SeqNo::offset(packet.seq, rebuilt.seq) > 0) {
                accept_data(now, packet);
                packet_accepted = true;
            }
            count(&TrafficCounters::pktRcvFilterSupply);
            // An AES-GCM packet rebuilt from FEC fails authentication: its message number, which
            // the tag covers, is not in the clip. libsrt leaves it lost; with arq:onreq we ask
            // for it (arq:always asks anyway).
            if (!accept_data(now, rebuilt)) to_nak.push_back({rebuilt.seq, rebuilt.seq});
        }
        if (!packet_accepted) accept_data(now, packet);
    }
    // arq:onreq: what FEC gave up on is NAKed now (libsrt core.cpp processData), and joins the
    // loss list, so the periodic NAK report asks again while it is missing. libsrt asks once
    // only (checkNAKTimer returns unless arq:always: its loss list cannot take the filter's
    // out-of-order reports), so a lost retransmission loses the packet; ours can, and a libsrt
    // sender answers every NAK.
    if (fec_config_->arq != FecArq::onreq || (fec.given_up.empty() && to_nak.empty())) return;
    // What is before the delivery point was delivered or dropped: not asked for.
    const wire::SeqNo delivery_point = receive_buffer_.delivery_point();
    std::vector<wire::LossRange> asked;
    for (const wire::LossRange& range : fec.given_up) {
        count(&TrafficCounters::pktRcvFilterLoss, wire::SeqNo::length(range.first, range.last));
        if (wire::SeqNo::offset(delivery_point, range.last) < 0) continue;
        asked.push_back(
            {wire::SeqNo::offset(delivery_point, range.first) < 0 ? delivery_point : range.first, range.last});
    }
    asked.insert(asked.end(), to_nak.begin(), to_nak.end());
    if (asked.empty()) return;
    receiver_loss_.insert_all(asked, now);
    // As much as one NAK holds; the periodic NAK report asks for the rest.
    if (asked.size() > ReceiverLossList::max_ranges_per_nak) asked.resize(ReceiverLossList::max_ranges_per_nak);
    queue_control(wire::ControlType::nak, 0, wire::NakBody{std::move(asked)});
    count(&TrafficCounters::pktSentNAK);
}

bool Connection::accept_data(Micros now, const wire::DataPacket& packet) {
    const auto payload_bytes = static_cast<std::int64_t>(packet.payload.size());

    // No slot for it yet (rate × latency exceeds the buffer, or the application reads too slowly):
    // ignore it as if lost, before loss detection, so the gap is found and NAKed once room is made
    // (libsrt processData: "No room to store incoming packet", nothing counted).
    if (!receive_buffer_.has_room_for(packet.seq)) return true;

    // The handshake that set the TSBPD base may have been held up on the way (either side's: the
    // caller's CONCLUSION or the listener's answer); the first data packet corrects it (found by
    // endpoint_fuzz: a base seconds late made every packet look damaged below, for good).
    // Without TSBPD (file mode) a packet is due when it arrives, in order: no base to correct.
    const bool timed = config_.tsbpd;
    if (timed && !received_any_data_)
        tsbpd_.lower_base(now - static_cast<Micros>(packet.timestamp_us), config_.connect_timeout);

    // A packet cannot be due later than one latency after it arrives (plus the drift tracer's
    // margin): a timestamp that says so was damaged on the way, and would hold every later packet
    // back (delivery is in order) or move the timestamp wrap. Ignore it as lost; the NAK brings
    // it again. (libsrt has no such check; UDP's checksum makes such packets rare.) Unless such
    // arrivals repeat: then the base was late, and is corrected (TsbpdTime::on_early_arrival).
    if (timed && tsbpd_.peek_delivery_time(packet.timestamp_us) > now + tsbpd_.latency() + timing::max_timestamp_lead) {
        const auto earlier = tsbpd_.on_early_arrival(now, packet.timestamp_us, timing::max_timestamp_lead);
        if (!earlier) return true;
        receive_buffer_.bring_forward(*earlier);
    } else if (timed) {
        tsbpd_.on_timely_arrival();
    }
    received_any_data_ = true;  // from here on packets are timed against the TSBPD base

    // Not decryptable (no key, wrong key, GCM tag mismatch) or clear on an encrypted link: never
    // delivered. Like a lost packet it is NAKed; a damaged one comes again intact.
    const auto payload = clear_payload(packet);
    if (!payload) {
        count(&TrafficCounters::pktRcvUndecrypt);
        count(&TrafficCounters::byteRcvUndecrypt, payload_bytes);
        return false;
    }

    const auto ahead = wire::SeqNo::offset(highest_received_, packet.seq);
    if (ahead > 1) {
        // A gap: everything between the highest seen and this one is missing. Report it at once
        // (libsrt sends the loss report immediately when LOSSMAXTTL is 0, the live default).
        const wire::SeqNo first = highest_received_.next();
        const wire::SeqNo last = packet.seq.prev();
        count(&TrafficCounters::pktRcvLoss, ahead - 1);
        count(&TrafficCounters::byteRcvLoss, (ahead - 1) * payload_bytes);
        // With a packet filter's arq:onreq or never, the gap is kept (the ACK stops at it) but
        // neither NAKed nor listed: FEC may rebuild it (libsrt: no immediate loss report then),
        // and arq:onreq lists what FEC gives up on (filter_received).
        if (naks_losses()) {
            receiver_loss_.insert(first, last, now);
            queue_control(wire::ControlType::nak, 0, wire::NakBody{{wire::LossRange{first, last}}});
            count(&TrafficCounters::pktSentNAK);
        }
    }
    if (ahead > 0) {
        highest_received_ = packet.seq;
    } else {
        // Late: a retransmission or a reordered packet fills a hole.
        receiver_loss_.remove(packet.seq);
        // Reorder distance counts original packets only (libsrt traceReorderDistance).
        if (!packet.retransmitted) reorder_distance_ = std::max<std::int32_t>(reorder_distance_, -ahead);
    }

    const Micros delivery_time = timed ? tsbpd_.delivery_time(packet.timestamp_us) : now;
    switch (receive_buffer_.insert(packet.seq, *payload, delivery_time, packet.message_number, packet.in_order,
                                   packet.position)) {
    case ReceiveBuffer::InsertOutcome::inserted:
        count(&TrafficCounters::pktRecvUnique);
        count(&TrafficCounters::byteRecvUnique, payload_bytes);
        break;
    case ReceiveBuffer::InsertOutcome::duplicate: break;
    case ReceiveBuffer::InsertOutcome::too_old: count(&TrafficCounters::pktRcvBelated); break;
    case ReceiveBuffer::InsertOutcome::beyond_capacity:
        count(&TrafficCounters::pktRcvDrop);
        count(&TrafficCounters::byteRcvDrop, payload_bytes);
        break;
    case ReceiveBuffer::InsertOutcome::out_of_memory:
        count(&TrafficCounters::pktRcvDrop);
        count(&TrafficCounters::byteRcvDrop, payload_bytes);
        fail(CloseReason::failed, 0, std::string(out_of_memory_detail));
        return true;
    }
    if (++packets_since_ack_ >= timing::light_ack_packets) send_light_ack();
    return true;
}

std::optional<wire::Bytes> Connection::clear_payload(const wire::DataPacket& packet) {
    if (packet.key != wire::EncryptionKey::none) {
        if (!crypto_) return std::nullopt;
        return crypto_->open(packet);
    }
    // libsrt processData: a clear packet once our receiving side is secured is dropped.
    if (crypto_ && crypto_->rx_state() == wire::KmState::secured) return std::nullopt;
    return packet.payload;
}

void Connection::handle_key_material(const wire::ControlPacket& packet) {
    const auto subtype = static_cast<wire::ExtensionType>(packet.header.subtype);
    if (subtype != wire::ExtensionType::kmreq && subtype != wire::ExtensionType::kmrsp) return;
    if (!crypto_) {
        crypto_ = std::make_unique<ConnectionCrypto>(config_, random_);
        crypto_->set_peer_version(negotiated_.peer_srt_version);
    }
    if (subtype == wire::ExtensionType::kmreq) {
        if (const auto* km = std::get_if<wire::KmMessage>(&packet.body)) crypto_->on_kmreq(*km, highest_received_);
        return;
    }
    if (std::holds_alternative<wire::KmMessage>(packet.body))
        crypto_->on_kmrsp(wire::ExtensionBody{std::get<wire::KmMessage>(packet.body)});
    else if (const auto* report = std::get_if<wire::KmErrorReport>(&packet.body))
        crypto_->on_kmrsp(wire::ExtensionBody{*report});
}

void Connection::send_light_ack() {
    // Light ACK: only the acknowledged sequence number, ACK number 0, never ACKACKed (libsrt
    // sendCtrlAck with the self-clocking interval of 64 packets).
    packets_since_ack_ = 0;
    const wire::SeqNo ack_seq = receive_buffer_.ack_point();
    if (ack_seq == last_full_ack_seq_ && last_full_ack_confirmed_) return;  // nothing new (sendCtrlAck)
    wire::AckBody ack;
    ack.word_count = wire::AckBody::light_words;
    ack.last_acknowledged = ack_seq;
    queue_control(wire::ControlType::ack, 0, ack);
    count(&TrafficCounters::pktSentACK);
}

void Connection::send_full_ack(Micros now) {
    const wire::SeqNo ack_seq = receive_buffer_.ack_point();
    // libsrt sendCtrlAck: nothing new to acknowledge, and the last ACK of this point was either
    // confirmed by an ACKACK or sent less than SRTT + 4·RTTVar ago → no ACK.
    if (ack_seq == last_full_ack_seq_ &&
        (last_full_ack_confirmed_ || now - last_full_ack_time_ < rtt_.srtt() + 4 * rtt_.rttvar()))
        return;
    wire::AckBody ack;
    ack.word_count = wire::AckBody::full_words;
    ack.last_acknowledged = ack_seq;
    ack.rtt_us = static_cast<std::uint32_t>(rtt_.srtt());
    ack.rtt_var_us = static_cast<std::uint32_t>(rtt_.rttvar());
    ack.available_buffer_pkts = static_cast<std::uint32_t>(std::max(receive_buffer_.available_capacity(), 2));
    ack.receive_speed_pkts = static_cast<std::uint32_t>(rate_meter_.packets_per_second());
    ack.bandwidth_pkts = static_cast<std::uint32_t>(rate_meter_.bandwidth_packets_per_second());
    ack.receive_rate_bytes = static_cast<std::uint32_t>(rate_meter_.bytes_per_second());
    last_ack_number_ = next_ack_number(last_ack_number_);
    ack_history_.record(last_ack_number_, ack_seq, now);
    queue_control(wire::ControlType::ack, static_cast<std::uint32_t>(last_ack_number_), ack);
    count(&TrafficCounters::pktSentACK);
    last_full_ack_seq_ = ack_seq;
    last_full_ack_time_ = now;
    last_full_ack_confirmed_ = false;
    packets_since_ack_ = 0;
}

void Connection::handle_ackack(Micros now, const wire::ControlPacket& packet) {
    const auto acked = ack_history_.acknowledge(static_cast<std::int32_t>(packet.header.type_info), now);
    if (!acked) return;
    rtt_.on_ackack_sample(acked->rtt);
    // The NAK period follows the RTT: a timer armed with the 100 ms default must not hold back
    // the first periodic report once the real RTT is known.
    next_nak_time_ = std::min(next_nak_time_, now + nak_period());
    tsbpd_.on_ackack(packet.header.timestamp_us, now, acked->rtt);
    if (acked->ack_seq == last_full_ack_seq_) last_full_ack_confirmed_ = true;
}

Micros Connection::nak_period() const {
    // Periodic NAK: max((SRTT + 4·RTTVar) / 2, 20 ms) in live mode (libsrt checkNAKTimer).
    return std::max((rtt_.srtt() + 4 * rtt_.rttvar()) / 2, timing::min_nak_period);
}

void Connection::send_periodic_nak(Micros now) {
    if (!config_.nak_report) return;
    auto ranges = receiver_loss_.ranges_due(now, nak_period());
    if (ranges.empty()) return;
    queue_control(wire::ControlType::nak, 0, wire::NakBody{std::move(ranges)});
    count(&TrafficCounters::pktSentNAK);
}

void Connection::handle_drop_request(const wire::DropRequestBody& body, wire::MsgNo msgno) {
    // The sender gave up on [first, last] (of message `msgno`): stop asking for them, and let
    // delivery skip them once a later packet is due. Packets of the range that did arrive are
    // still delivered when each is a message of its own; a message's other packets are dropped
    // with it (libsrt processCtrlDropReq, dropMessage with KEEP_EXISTING).
    if (wire::SeqNo::offset(body.first, body.last) < 0) return;
    if (wire::SeqNo::offset(receive_buffer_.delivery_point(), body.last.next()) <= 0) return;  // already past
    // The sender keeps at most its flight window (our buffer's size) beyond our ACK point, which
    // is at most a buffer ahead of the delivery point: a range reaching further was damaged.
    if (wire::SeqNo::offset(receive_buffer_.delivery_point(), body.last) >= 2 * config_.receive_buffer_pkts) return;
    receive_buffer_.drop_message(body.first, body.last, msgno);
    count(&TrafficCounters::pktRcvDrop, receive_buffer_.skip_forgotten());
    // Only the range is given up: a packet missing before it is still asked for (libsrt drops
    // just the range; a lost message without a TTL must still arrive).
    receiver_loss_.remove_range(body.first, body.last);
    // A range right after the highest packet seen moves it on, so its packets are not taken
    // as a gap when the next one comes (libsrt: "dropping ahead of the current largest").
    if (wire::SeqNo::offset(body.first, highest_received_.next()) >= 0 &&
        wire::SeqNo::offset(highest_received_, body.last) > 0)
        highest_received_ = body.last;
}

Expected<std::size_t, NoMessage> Connection::receive(Micros now, wire::MutableBytes out, MessageInfo* info) {
    const auto result = take_message(now, out, info);
    settle(now);
    return result;
}

Expected<std::size_t, NoMessage> Connection::ready_message_size(Micros now) {
    const bool readable = state_ == ConnectionState::connected || unread_after_peer_close();
    if (!readable) return NoMessage::not_connected;
    count(&TrafficCounters::pktRcvDrop, receive_buffer_.skip_forgotten());
    count(&TrafficCounters::pktRcvDrop, receive_buffer_.discard_undeliverable(delivery_drops_missing()));
    receiver_loss_.remove_up_to(receive_buffer_.delivery_point());
    const auto size = receive_buffer_.ready_size(delivery_due_by(now), delivery_drops_missing());
    if (!size) return NoMessage::none_due;
    return *size;
}

Expected<std::size_t, NoMessage> Connection::take_message(Micros now, wire::MutableBytes out, MessageInfo* info) {
    const auto size = ready_message_size(now);
    if (!size) return size.error();
    if (*size > out.size()) return NoMessage::buffer_too_small;
    const Micros due_by = delivery_due_by(now);
    const bool drop_missing = delivery_drops_missing();
    auto delivered = receive_buffer_.pop_message(due_by, drop_missing, out);
    if (delivered->dropped_before > 0) {
        // Too-late drop: the missing packets before this one will never be delivered.
        count(&TrafficCounters::pktRcvDrop, delivered->dropped_before);
        count(&TrafficCounters::byteRcvDrop, static_cast<std::int64_t>(delivered->dropped_before) *
                                                 static_cast<std::int64_t>(delivered->payload.size()));
        receiver_loss_.remove_up_to(delivered->seq);
    }
    if (info) {
        info->message_number = delivered->msgno.value();
        info->sequence = delivered->seq.value();
        // Timed: due one latency after the sender made it. File mode stored the arrival time.
        info->source_time = delivered->delivery_time - (config_.tsbpd ? tsbpd_.latency() : 0);
    }
    return delivered->payload.size();
}

}  // namespace websrt::core
