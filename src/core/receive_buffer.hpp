// The live receiver's buffer: packets by sequence number in a fixed ring from the delivery point
// on, each with its TSBPD delivery time (libsrt CRcvBuffer). Payload storage comes in blocks as
// packets arrive and goes back as they are delivered (slot_blocks.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/slot_blocks.hpp"
#include "core/time.hpp"
#include "wire/byte_io.hpp"
#include "wire/seq.hpp"

namespace websrt::core {

class ReceiveBuffer {
public:
    enum class InsertOutcome { inserted, duplicate, too_old, beyond_capacity, out_of_memory };

    struct Delivered {
        wire::SeqNo seq;
        wire::Bytes payload;     // valid until the next mutating call
        int dropped_before = 0;  // missing packets skipped to reach this one
        wire::MsgNo msgno;
        Micros delivery_time = 0;
    };

    ReceiveBuffer(int capacity_pkts, int max_payload_bytes, wire::SeqNo initial_seq);

    InsertOutcome insert(wire::SeqNo seq, wire::Bytes payload, Micros delivery_time, wire::MsgNo msgno, bool in_order);

    /// Delivery time of the first packet present at or after the delivery point.
    [[nodiscard]] std::optional<Micros> next_delivery_time() const;
    /// The next packet whose time has come. With `drop_missing` (TLPKTDROP) the missing packets
    /// before it are given up; without it, only a present head is delivered.
    std::optional<Delivered> pop_ready(Micros now, bool drop_missing);
    /// The payload size of what pop_ready() would deliver now, without delivering it.
    [[nodiscard]] std::optional<std::size_t> ready_size(Micros now, bool drop_missing) const;
    /// The sender gave up the packets before `seq` (DROPREQ): those still missing may be skipped
    /// when a later packet is delivered, even without TLPKTDROP. Packets present are kept and
    /// delivered, and a missing one that still arrives in time is too (libsrt dropMessage with
    /// KEEP_EXISTING).
    void forget_missing_before(wire::SeqNo seq);
    /// Moves the delivery point past the forgotten packets when none is present before it (so a
    /// range beyond the buffer's room, never stored, does not hold up what follows); returns how
    /// many were skipped.
    int skip_forgotten();

    /// Every packet held becomes due `earlier` µs sooner (the TSBPD base was found late).
    void bring_forward(Micros earlier);

    [[nodiscard]] std::optional<wire::SeqNo> first_missing() const;
    [[nodiscard]] wire::SeqNo delivery_point() const { return start_seq_; }
    /// What a full ACK reports: the first missing sequence number after the delivery point, or one
    /// past the highest contiguous packet.
    [[nodiscard]] wire::SeqNo ack_point() const;
    [[nodiscard]] int packets() const { return present_; }
    [[nodiscard]] std::int64_t bytes() const { return bytes_; }
    [[nodiscard]] Micros timespan() const;
    [[nodiscard]] int available_capacity() const { return capacity_ - span_; }
    /// Whether `seq` has a slot now (it is not too far ahead of the delivery point).
    [[nodiscard]] bool has_room_for(wire::SeqNo seq) const { return wire::SeqNo::offset(start_seq_, seq) < capacity_; }

    /// Bytes of payload storage held now.
    [[nodiscard]] std::size_t allocated_bytes() const { return slots_.allocated_bytes(); }

private:
    struct Slot {
        bool present = false;
        std::uint32_t size = 0;
        Micros delivery_time = 0;
        wire::MsgNo msgno;
    };
    [[nodiscard]] int ring_index(int offset) const { return (head_ + offset) % capacity_; }
    /// The slot `offset` after the delivery point if a packet is there.
    [[nodiscard]] const Slot* present_slot(int offset) const {
        const Slot* s = slots_.meta(ring_index(offset));
        return s && s->present ? s : nullptr;
    }
    /// Moves the delivery point on by `count`; with `keep_last`, the last slot passed keeps its
    /// storage until the next call that changes the buffer (its payload is being delivered).
    void advance(int count, bool keep_last = false);
    /// Gives back the storage advance() kept.
    void release_delivered();
    [[nodiscard]] int first_present_offset() const;
    /// The offset of the packet pop_ready() would deliver now.
    [[nodiscard]] std::optional<int> ready_offset(Micros now, bool drop_missing) const;

    int capacity_;
    int max_payload_;
    SlotBlocks<Slot> slots_;
    std::optional<int> delivered_index_;  // the slot whose payload pop_ready() handed out
    int head_ = 0;
    int span_ = 0;        // slots from the head up to the highest present packet
    int present_ = 0;     // packets present
    int contiguous_ = 0;  // present packets from the head without a gap
    std::int64_t bytes_ = 0;
    wire::SeqNo start_seq_;
    std::optional<wire::SeqNo> forget_before_;
};

}  // namespace websrt::core
