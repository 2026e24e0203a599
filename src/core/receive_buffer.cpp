#include "core/receive_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace websrt::core {

ReceiveBuffer::ReceiveBuffer(int capacity_pkts, int max_payload_bytes, wire::SeqNo initial_seq)
    : capacity_(std::max(capacity_pkts, 1)),
      max_payload_(std::max(max_payload_bytes, 1)),
      slots_(capacity_, max_payload_),
      start_seq_(initial_seq) {}

ReceiveBuffer::InsertOutcome ReceiveBuffer::insert(wire::SeqNo seq, wire::Bytes payload, Micros delivery_time,
                                                   wire::MsgNo msgno, bool in_order) {
    (void)in_order;  // live mode delivers strictly in sequence order anyway
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
    s.size = static_cast<std::uint32_t>(payload.size());
    s.delivery_time = delivery_time;
    s.msgno = msgno;
    std::memcpy(slots_.payload(index), payload.data(), payload.size());
    ++present_;
    bytes_ += static_cast<std::int64_t>(payload.size());
    span_ = std::max(span_, offset + 1);
    while (contiguous_ < span_ && present_slot(contiguous_)) ++contiguous_;
    return InsertOutcome::inserted;
}

int ReceiveBuffer::first_present_offset() const {
    if (contiguous_ > 0) return 0;
    for (int i = 0; i < span_; ++i)
        if (present_slot(i)) return i;
    return -1;
}

std::optional<Micros> ReceiveBuffer::next_delivery_time() const {
    const int offset = first_present_offset();
    if (offset < 0) return std::nullopt;
    return present_slot(offset)->delivery_time;
}

void ReceiveBuffer::bring_forward(Micros earlier) {
    for (int i = 0; i < span_; ++i)
        if (Slot* s = slots_.meta(ring_index(i)); s && s->present) s->delivery_time -= earlier;
}

void ReceiveBuffer::advance(int count, bool keep_last) {
    for (int i = 0; i < count; ++i) {
        const int index = ring_index(0);
        if (Slot* s = slots_.meta(index); s && s->present) {
            --present_;
            bytes_ -= s->size;
            s->present = false;
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
}

void ReceiveBuffer::release_delivered() {
    if (delivered_index_) slots_.vacate(*delivered_index_);
    delivered_index_.reset();
}

std::optional<int> ReceiveBuffer::ready_offset(Micros now, bool drop_missing) const {
    const int offset = first_present_offset();
    if (offset < 0) return std::nullopt;
    const bool forgotten = forget_before_ && wire::SeqNo::offset(start_seq_.plus(offset), *forget_before_) >= 0;
    if (offset > 0 && !drop_missing && !forgotten) return std::nullopt;
    if (present_slot(offset)->delivery_time > now) return std::nullopt;
    return offset;
}

std::optional<std::size_t> ReceiveBuffer::ready_size(Micros now, bool drop_missing) const {
    const auto offset = ready_offset(now, drop_missing);
    if (!offset) return std::nullopt;
    return present_slot(*offset)->size;
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
                        slot.delivery_time};
    advance(1, /*keep_last=*/true);  // the payload stays readable until the next change
    return delivered;
}

void ReceiveBuffer::forget_missing_before(wire::SeqNo seq) {
    if (!forget_before_ || wire::SeqNo::offset(*forget_before_, seq) > 0) forget_before_ = seq;
}

int ReceiveBuffer::skip_forgotten() {
    release_delivered();
    if (!forget_before_) return 0;
    const auto offset = wire::SeqNo::offset(start_seq_, *forget_before_);
    if (offset <= 0) {
        forget_before_.reset();
        return 0;
    }
    const int first = first_present_offset();
    if (first >= 0 && first < offset) return 0;  // delivered first; pop_ready skips the gaps
    advance(static_cast<int>(std::min<std::int64_t>(offset, capacity_)));
    start_seq_ = *forget_before_;  // beyond the ring: nothing was stored there anyway
    forget_before_.reset();
    return static_cast<int>(offset);
}

std::optional<wire::SeqNo> ReceiveBuffer::first_missing() const {
    if (contiguous_ >= span_) return std::nullopt;
    return start_seq_.plus(contiguous_);
}

wire::SeqNo ReceiveBuffer::ack_point() const { return start_seq_.plus(contiguous_); }

Micros ReceiveBuffer::timespan() const {
    if (present_ == 0) return 0;
    const int first = first_present_offset();
    return present_slot(span_ - 1)->delivery_time - present_slot(first)->delivery_time;
}

}  // namespace websrt::core
