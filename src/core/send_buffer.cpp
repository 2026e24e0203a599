#include "core/send_buffer.hpp"

#include <algorithm>

namespace websrt::core {

SendBuffer::SendBuffer(int capacity_pkts, int max_payload_bytes)
    : capacity_(std::max(capacity_pkts, 1)),
      max_payload_(std::max(max_payload_bytes, 1)),
      entries_(capacity_, max_payload_) {}

void SendBuffer::set_initial_seq(wire::SeqNo seq) {
    if (count_ == 0) first_seq_ = seq;
}

SendBuffer::SubmitOutcome SendBuffer::submit(wire::Bytes message, Micros origin_time, bool in_order, Micros expires_at,
                                             std::size_t packet_payload) {
    const std::size_t chunk = packet_payload > 0 ? std::min<std::size_t>(packet_payload, max_payload_) : max_payload_;
    if (packet_payload == 0 && message.size() > chunk) return SubmitOutcome::too_large;
    // An empty message is still one (empty) packet.
    const std::size_t packets = std::max<std::size_t>((message.size() + chunk - 1) / chunk, 1);
    if (packets > static_cast<std::size_t>(capacity_)) return SubmitOutcome::too_large;
    if (packets > static_cast<std::size_t>(capacity_ - count_)) return SubmitOutcome::full;
    for (std::size_t i = 0; i < packets; ++i) {
        const int index = ring_index(count_);
        Entry* occupied = entries_.occupy(index);
        if (!occupied) {
            while (i-- > 0) {  // all or nothing: take back the packets already queued
                --count_;
                bytes_ -= at(count_).size;
                entries_.vacate(ring_index(count_));
            }
            return SubmitOutcome::out_of_memory;
        }
        const wire::Bytes piece = message.subspan(i * chunk, std::min(chunk, message.size() - i * chunk));
        Entry& entry = *occupied;
        entry.storage = entries_.payload(index);
        entry.seq = first_seq_.plus(count_);
        entry.msgno = next_msgno_;
        entry.message_last = entry.seq.plus(static_cast<std::int64_t>(packets - 1 - i));
        entry.position = packets == 1       ? wire::PacketPosition::solo
                         : i == 0           ? wire::PacketPosition::first
                         : i + 1 == packets ? wire::PacketPosition::last
                                            : wire::PacketPosition::middle;
        entry.in_order = in_order;
        entry.origin_time = origin_time;
        entry.expires_at = expires_at;
        entry.given_up = false;
        entry.last_sent_time = 0;
        entry.retransmit_count = 0;
        entry.key = wire::EncryptionKey::none;
        entry.size = static_cast<std::uint32_t>(piece.size());
        std::copy(piece.begin(), piece.end(), entry.storage);
        ++count_;
        bytes_ += static_cast<std::int64_t>(piece.size());
    }
    next_msgno_ = next_msgno_.next_message();
    return SubmitOutcome::ok;
}

const SendBuffer::Entry* SendBuffer::next_unsent() const {
    return unsent_offset_ < count_ ? &at(unsent_offset_) : nullptr;
}

void SendBuffer::mark_sent(wire::SeqNo seq, Micros now) {
    Entry* entry = find(seq);
    if (!entry) return;
    entry->last_sent_time = now;
    if (wire::SeqNo::offset(first_seq_, seq) == unsent_offset_) ++unsent_offset_;
}

std::optional<SendBuffer::DroppedRange> SendBuffer::skip_expired_unsent(Micros now) {
    std::optional<DroppedRange> skipped;
    while (unsent_offset_ < count_ && now > at(unsent_offset_).expires_at) {
        Entry& entry = at(unsent_offset_);
        if (!skipped) skipped = DroppedRange{entry.seq, entry.seq, entry.msgno, entry.msgno, 0, 0};
        skipped->last = entry.seq;
        skipped->last_msgno = entry.msgno;
        ++skipped->packets;
        skipped->bytes += entry.size;
        entry.given_up = true;
        entry.last_sent_time = now;  // spent: acknowledgeable, and NAKed like a sent one
        ++unsent_offset_;
    }
    return skipped;
}

bool SendBuffer::store_sealed(wire::SeqNo seq, wire::EncryptionKey key, wire::Bytes sealed) {
    Entry* entry = find(seq);
    if (!entry || sealed.size() > static_cast<std::size_t>(max_payload_)) return false;
    std::copy(sealed.begin(), sealed.end(), entry->storage);
    bytes_ += static_cast<std::int64_t>(sealed.size()) - entry->size;
    entry->size = static_cast<std::uint32_t>(sealed.size());
    entry->key = key;
    return true;
}

SendBuffer::Entry* SendBuffer::find(wire::SeqNo seq) {
    const auto offset = wire::SeqNo::offset(first_seq_, seq);
    if (offset < 0 || offset >= count_) return nullptr;
    return &at(offset);
}

void SendBuffer::pop_front() {
    bytes_ -= at(0).size;
    entries_.vacate(ring_index(0));
    head_ = (head_ + 1) % capacity_;
    --count_;
    first_seq_ = first_seq_.next();
    if (unsent_offset_ > 0) --unsent_offset_;
}

int SendBuffer::acknowledge(wire::SeqNo first_unacked) {
    const auto offset = wire::SeqNo::offset(first_seq_, first_unacked);
    // Stale (behind us) or beyond anything sent: ignore.
    if (offset <= 0 || offset > unsent_offset_) return 0;
    for (int i = 0; i < offset; ++i) pop_front();
    return offset;
}

std::optional<SendBuffer::DroppedRange> SendBuffer::drop_too_late(Micros now, Micros threshold) {
    if (count_ == 0 || now - at(0).origin_time <= threshold) return std::nullopt;
    DroppedRange dropped;
    dropped.first = at(0).seq;
    dropped.first_msgno = at(0).msgno;
    while (count_ > 0 && now - at(0).origin_time > threshold) {
        dropped.last = at(0).seq;
        dropped.last_msgno = at(0).msgno;
        ++dropped.packets;
        dropped.bytes += at(0).size;
        if (unsent_offset_ == 0) unsent_offset_ = 1;  // an unsent packet dropped: skip it too
        pop_front();
    }
    return dropped;
}

std::optional<Micros> SendBuffer::oldest_origin_time() const {
    if (count_ == 0) return std::nullopt;
    return at(0).origin_time;
}

Micros SendBuffer::timespan() const {
    if (count_ == 0) return 0;
    return at(count_ - 1).origin_time - at(0).origin_time;
}

}  // namespace websrt::core
