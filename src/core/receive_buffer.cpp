#include "core/receive_buffer.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace websrt::core {

ReceiveBuffer::ReceiveBuffer(int capacity_pkts, int max_payload_bytes, wire::SeqNo initial_seq, bool whole_messages,
                             bool unordered_delivery)
    : capacity_(std::max(capacity_pkts, 1)),
      max_payload_(std::max(max_payload_bytes, 1)),
      whole_messages_(whole_messages),
      unordered_delivery_(whole_messages && unordered_delivery),
      slots_(capacity_, max_payload_),
      present_bits_(static_cast<std::size_t>((capacity_ + 63) / 64)),
      start_seq_(initial_seq) {}

ReceiveBuffer::InsertOutcome ReceiveBuffer::insert(wire::SeqNo seq, wire::Bytes payload, Micros delivery_time,
                                                   wire::MsgNo msgno, bool in_order, wire::PacketPosition position) {
    release_delivered();
    const auto offset = wire::SeqNo::offset(start_seq_, seq);
    if (offset < 0) return InsertOutcome::too_old;
    if (offset >= capacity_ || payload.size() > static_cast<std::size_t>(max_payload_))
        return InsertOutcome::beyond_capacity;
    if (present_slot(offset)) return InsertOutcome::duplicate;
    const int index = ring_index(offset);
    Slot* slot = slots_.occupy(index);
    if (!slot) return InsertOutcome::out_of_memory;
    Slot& s = *slot;
    s.present = true;
    set_present_bit(index, true);
    s.dropped = false;
    s.taken = false;
    s.in_order = in_order;
    s.position = position;
    if (unordered_candidate(s)) ++unordered_candidates_;
    s.size = static_cast<std::uint32_t>(payload.size());
    s.delivery_time = delivery_time + brought_forward_;
    s.msgno = msgno;
    std::memcpy(slots_.payload(index), payload.data(), payload.size());
    ++present_;
    bytes_ += static_cast<std::int64_t>(payload.size());
    span_ = std::max(span_, offset + 1);
    while (contiguous_ < span_ && present_slot(contiguous_)) ++contiguous_;
    if (first_present_ < 0 || offset < first_present_) first_present_ = offset;
    return InsertOutcome::inserted;
}

int ReceiveBuffer::first_present_offset() const { return first_present_; }

int ReceiveBuffer::next_present(int from) const {
    for (int offset = from; offset < span_;) {
        const int index = ring_index(offset);
        const int bit = index % 64;
        // The word's bits from `index` on; those past the ring's end are never set.
        const std::uint64_t word = present_bits_[static_cast<std::size_t>(index / 64)] >> bit;
        if (word != 0) {
            const int found = offset + std::countr_zero(word);
            return found < span_ ? found : -1;
        }
        offset += std::min(64 - bit, capacity_ - index);  // to the next word, or the ring's start
    }
    return -1;
}

void ReceiveBuffer::set_present_bit(int index, bool present) {
    std::uint64_t& word = present_bits_[static_cast<std::size_t>(index / 64)];
    const std::uint64_t bit = std::uint64_t{1} << (index % 64);
    word = present ? word | bit : word & ~bit;
}

std::optional<Micros> ReceiveBuffer::next_delivery_time() const {
    const int offset = first_present_offset();
    if (offset < 0) return std::nullopt;
    return delivery_time_of(*present_slot(offset));
}

void ReceiveBuffer::bring_forward(Micros earlier) { brought_forward_ += earlier; }

void ReceiveBuffer::advance(int count, bool keep_last) {
    for (int i = 0; i < count; ++i) {
        const int index = ring_index(0);
        if (Slot* s = slots_.meta(index); s && s->present) {
            if (unordered_candidate(*s)) --unordered_candidates_;
            --present_;
            bytes_ -= s->size;
            s->present = false;
            set_present_bit(index, false);
            s->dropped = false;
            s->taken = false;
            if (keep_last && i == count - 1)
                delivered_index_ = index;
            else
                slots_.vacate(index);
        }
        head_ = (head_ + 1) % capacity_;
        start_seq_ = start_seq_.next();
        span_ = std::max(span_ - 1, 0);
        contiguous_ = std::max(contiguous_ - 1, 0);
    }
    while (contiguous_ < span_ && present_slot(contiguous_)) ++contiguous_;
    if (first_present_ >= count) {
        first_present_ -= count;
    } else if (first_present_ >= 0) {
        first_present_ = next_present(0);  // it was passed
    }
    unordered_scan_from_ = std::max(unordered_scan_from_ - count, 1);
    pass_taken();
}

void ReceiveBuffer::pass_taken() {
    while (unordered_scan_from_ < span_) {
        const Slot* slot = present_slot(unordered_scan_from_);
        if (!slot || !slot->taken) break;
        ++unordered_scan_from_;
    }
}

void ReceiveBuffer::release_delivered() {
    if (delivered_index_) slots_.vacate(*delivered_index_);
    delivered_index_.reset();
}

std::optional<int> ReceiveBuffer::reachable_offset(bool drop_missing) const {
    const int offset = first_present_offset();
    if (offset < 0) return std::nullopt;
    if (offset > 0 && !drop_missing && !gap_forgotten(offset)) return std::nullopt;
    return offset;
}

std::optional<int> ReceiveBuffer::ready_offset(Micros now, bool drop_missing) const {
    const auto offset = reachable_offset(drop_missing);
    if (!offset || delivery_time_of(*present_slot(*offset)) > now) return std::nullopt;
    return offset;
}

int ReceiveBuffer::whole_message_at(int offset, bool drop_missing) const {
    using wire::PacketPosition;
    const Slot* first = present_slot(offset);
    if (!first || first->dropped) return broken_message;
    if (first->position == PacketPosition::solo) return 1;
    if (first->position != PacketPosition::first) return broken_message;  // its first packet is gone
    for (int i = offset + 1; i < span_; ++i) {
        const Slot* next = present_slot(i);
        if (!next) return drop_missing ? broken_message : incomplete_message;  // a hole, to fill or not
        if (next->dropped || next->position == PacketPosition::first || next->position == PacketPosition::solo)
            return broken_message;
        if (next->position == PacketPosition::last) return i - offset + 1;
    }
    return drop_missing ? broken_message : incomplete_message;  // the rest has not arrived (yet)
}

bool ReceiveBuffer::unordered_candidate(const Slot& slot) const {
    return unordered_delivery_ && slot.present && !slot.in_order && !slot.taken && !slot.dropped &&
           (slot.position == wire::PacketPosition::first || slot.position == wire::PacketPosition::solo);
}

std::optional<ReceiveBuffer::ReadySpan> ReceiveBuffer::unordered_span(Micros now) const {
    if (unordered_candidates_ == 0) return std::nullopt;
    for (int i = unordered_scan_from_; i < span_; ++i) {
        const Slot* slot = present_slot(i);
        if (!slot || !unordered_candidate(*slot) || delivery_time_of(*slot) > now) continue;
        const int packets = whole_message_at(i, false);
        if (packets <= 0) continue;
        ReadySpan span{i, packets, 0, true};
        for (int p = 0; p < packets; ++p) span.size += present_slot(i + p)->size;
        return span;
    }
    return std::nullopt;
}

std::optional<ReceiveBuffer::ReadySpan> ReceiveBuffer::ready_span(Micros now, bool drop_missing) const {
    const auto offset = ready_offset(now, drop_missing);
    if (!offset) return unordered_span(now);
    if (!whole_messages_) return ReadySpan{*offset, 1, present_slot(*offset)->size};
    const int packets = whole_message_at(*offset, drop_missing);
    if (packets <= 0) return unordered_span(now);
    ReadySpan span{*offset, packets, 0};
    for (int i = 0; i < packets; ++i) span.size += present_slot(*offset + i)->size;
    return span;
}

std::optional<std::size_t> ReceiveBuffer::ready_size(Micros now, bool drop_missing) const {
    const auto span = ready_span(now, drop_missing);
    if (!span) return std::nullopt;
    return span->size;
}

std::optional<ReceiveBuffer::Delivered> ReceiveBuffer::pop_message(Micros now, bool drop_missing,
                                                                   wire::MutableBytes out) {
    release_delivered();
    const auto span = ready_span(now, drop_missing);
    if (!span || span->size > out.size()) return std::nullopt;
    if (span->out_of_order) {
        // Copied out and marked taken: the slots stay (acknowledged) until delivery reaches them.
        const Slot& first = *present_slot(span->offset);
        Delivered delivered{start_seq_.plus(span->offset), {}, 0, first.msgno, delivery_time_of(first)};
        std::size_t written = 0;
        for (int i = span->offset; i < span->offset + span->packets; ++i) {
            Slot& slot = *slots_.meta(ring_index(i));
            std::memcpy(out.data() + written, slots_.payload(ring_index(i)), slot.size);
            written += slot.size;
            update_slot(slot, [](Slot& s) { s.taken = true; });
        }
        pass_taken();
        delivered.payload = wire::Bytes(out.data(), written);
        return delivered;
    }
    advance(span->offset);  // too-late drop of the missing ones before it
    const Slot& first = *present_slot(0);
    Delivered delivered{start_seq_, {}, span->offset, first.msgno, delivery_time_of(first)};
    std::size_t written = 0;
    for (int i = 0; i < span->packets; ++i) {
        const Slot& slot = *present_slot(i);
        std::memcpy(out.data() + written, slots_.payload(ring_index(i)), slot.size);
        written += slot.size;
    }
    advance(span->packets);
    delivered.payload = wire::Bytes(out.data(), written);
    return delivered;
}

int ReceiveBuffer::discard_undeliverable(bool drop_missing) {
    int discarded = 0;
    for (;;) {
        const auto offset = reachable_offset(drop_missing);
        if (!offset) break;
        const Slot& slot = *present_slot(*offset);
        if (slot.taken) {  // delivered already, out of order: passed without a count
            advance(*offset + 1);
            discarded += *offset;
            continue;
        }
        const bool undeliverable =
            slot.dropped || (whole_messages_ && whole_message_at(*offset, drop_missing) == broken_message);
        if (!undeliverable) break;
        advance(*offset + 1);
        discarded += *offset + 1;
    }
    return discarded;
}

void ReceiveBuffer::drop_message(wire::SeqNo first, wire::SeqNo last, wire::MsgNo msgno) {
    if (whole_messages_) {
        const auto from = wire::SeqNo::offset(start_seq_, first);
        const auto to = std::min<std::int64_t>(wire::SeqNo::offset(start_seq_, last), span_ - 1);
        for (auto i = std::max<std::int64_t>(from, 0); i <= to; ++i)
            if (Slot* s = slots_.meta(ring_index(static_cast<int>(i)));
                s && s->present && s->position != wire::PacketPosition::solo)
                update_slot(*s, [](Slot& slot) { slot.dropped = true; });
        // The message may have begun before `first` (its first packets were acknowledged, so the
        // sender no longer names them): walk back over its packets (libsrt dropMessage by msgno).
        for (auto i = std::min<std::int64_t>(from, span_) - 1; i >= 0; --i) {
            Slot* s = slots_.meta(ring_index(static_cast<int>(i)));
            if (!s || !s->present) continue;
            if (s->msgno != msgno || s->position == wire::PacketPosition::solo) break;
            update_slot(*s, [](Slot& slot) { slot.dropped = true; });
            if (s->position == wire::PacketPosition::first) break;
        }
    }
    forget_missing(first, last);
}

std::optional<ReceiveBuffer::Delivered> ReceiveBuffer::pop_ready(Micros now, bool drop_missing) {
    release_delivered();
    const auto ready = ready_offset(now, drop_missing);
    if (!ready) return std::nullopt;
    const int offset = *ready;
    advance(offset);  // too-late drop of the missing ones before it
    const int index = ring_index(0);
    const Slot& slot = *present_slot(0);
    Delivered delivered{start_seq_, wire::Bytes(slots_.payload(index), slot.size), offset, slot.msgno,
                        delivery_time_of(slot)};
    advance(1, /*keep_last=*/true);  // the payload stays readable until the next change
    return delivered;
}

void ReceiveBuffer::forget_missing(wire::SeqNo first, wire::SeqNo last) {
    if (wire::SeqNo::offset(first, last) < 0) return;
    if (wire::SeqNo::offset(start_seq_, last) < 0) return;  // all delivered already
    if (wire::SeqNo::offset(start_seq_, first) < 0) first = start_seq_;
    // Insert in order, merging with ranges it overlaps or touches.
    auto it = std::find_if(forgotten_.begin(), forgotten_.end(),
                           [&](const SeqRange& r) { return wire::SeqNo::offset(r.last.next(), first) <= 0; });
    while (it != forgotten_.end() && wire::SeqNo::offset(last.next(), it->first) <= 0) {
        if (wire::SeqNo::offset(it->first, first) > 0) first = it->first;
        if (wire::SeqNo::offset(last, it->last) > 0) last = it->last;
        it = forgotten_.erase(it);
    }
    if (forgotten_.size() >= static_cast<std::size_t>(capacity_)) return;
    forgotten_.insert(it, {first, last});
}

bool ReceiveBuffer::gap_forgotten(int count) const {
    // Walk the gap's missing packets: each must lie in a forgotten range.
    wire::SeqNo seq = start_seq_;
    const wire::SeqNo end = start_seq_.plus(count);
    for (const SeqRange& r : forgotten_) {
        if (wire::SeqNo::offset(seq, end) <= 0) return true;
        // Packets present before this range are fine; a missing one is not.
        while (wire::SeqNo::offset(seq, r.first) > 0 && wire::SeqNo::offset(seq, end) > 0) {
            if (!present_slot(static_cast<int>(wire::SeqNo::offset(start_seq_, seq)))) return false;
            seq = seq.next();
        }
        if (wire::SeqNo::offset(seq, r.last) >= 0) seq = r.last.next();
    }
    for (; wire::SeqNo::offset(seq, end) > 0; seq = seq.next())
        if (!present_slot(static_cast<int>(wire::SeqNo::offset(start_seq_, seq)))) return false;
    return true;
}

void ReceiveBuffer::prune_forgotten() {
    std::erase_if(forgotten_, [&](const SeqRange& r) { return wire::SeqNo::offset(start_seq_, r.last) < 0; });
}

int ReceiveBuffer::skip_forgotten() {
    release_delivered();
    prune_forgotten();
    int skipped = 0;
    // Missing packets at the delivery point that the sender gave up: skip them. A present one
    // stops the skip (pop_message delivers it first), and so does a missing one not given up.
    while (!forgotten_.empty() && !present_slot(0)) {
        const SeqRange range = forgotten_.front();
        if (wire::SeqNo::offset(range.first, start_seq_) < 0) break;
        const auto remaining = wire::SeqNo::offset(start_seq_, range.last) + 1;
        int step = 0;
        while (step < remaining && step < capacity_ && !present_slot(step)) ++step;
        advance(step);
        skipped += step;
        if (step < remaining && step < capacity_) break;  // a present packet inside the range
        if (step < remaining) {
            // The range reaches beyond the ring, which is now empty: nothing was stored there.
            skipped += static_cast<int>(remaining - step);
            start_seq_ = range.last.next();
        }
        forgotten_.erase(forgotten_.begin());
    }
    return skipped;
}

std::optional<wire::SeqNo> ReceiveBuffer::first_missing() const {
    if (contiguous_ >= span_) return std::nullopt;
    return start_seq_.plus(contiguous_);
}

wire::SeqNo ReceiveBuffer::ack_point() const { return start_seq_.plus(contiguous_); }

Micros ReceiveBuffer::timespan() const {
    if (present_ == 0) return 0;
    const int first = first_present_offset();
    return delivery_time_of(*present_slot(span_ - 1)) - delivery_time_of(*present_slot(first));
}

}  // namespace websrt::core
