// The receiver's buffer: packets by sequence number in a fixed ring from the delivery point on,
// each with its TSBPD delivery time (libsrt CRcvBuffer). Payload storage comes in blocks as
// packets arrive and goes back as they are delivered (slot_blocks.hpp).
//
// Delivery is packet by packet (live mode, where a message is one packet, and file mode's stream
// API, where boundaries mean nothing), or with `whole_messages` (the message API) a message at a
// time once all its packets, first to last, are in: libsrt readMessage. A message the sender gave
// up in part (DROPREQ) is dropped whole. With `unordered_delivery` as well (file mode, no TSBPD) a
// complete message sent with in_order false may be delivered ahead of a missing earlier one
// (libsrt CRcvBuffer's out-of-order reading of messages).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/slot_blocks.hpp"
#include "core/time.hpp"
#include "wire/byte_io.hpp"
#include "wire/constants.hpp"
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

    ReceiveBuffer(int capacity_pkts, int max_payload_bytes, wire::SeqNo initial_seq, bool whole_messages = false,
                  bool unordered_delivery = false);

    InsertOutcome insert(wire::SeqNo seq, wire::Bytes payload, Micros delivery_time, wire::MsgNo msgno, bool in_order,
                         wire::PacketPosition position = wire::PacketPosition::solo);

    /// Delivery time of the first packet present at or after the delivery point.
    [[nodiscard]] std::optional<Micros> next_delivery_time() const;
    /// The next packet whose time has come. With `drop_missing` (TLPKTDROP) the missing packets
    /// before it are given up; without it, only a present head is delivered.
    std::optional<Delivered> pop_ready(Micros now, bool drop_missing);
    /// The size of what pop_message() would deliver now (a whole message with whole_messages),
    /// without delivering it.
    [[nodiscard]] std::optional<std::size_t> ready_size(Micros now, bool drop_missing) const;
    /// The next packet, or whole message, whose time has come, copied into `out` (which must hold
    /// ready_size() bytes; nothing is taken otherwise). Its payload is `out`'s first bytes.
    std::optional<Delivered> pop_message(Micros now, bool drop_missing, wire::MutableBytes out);
    /// Drops, from the delivery point on, what can never be delivered whole: packets of a message
    /// whose first packet is gone or was given up, and (with `drop_missing`, the peer having
    /// closed) messages with a hole. Returns how many packets it dropped.
    int discard_undeliverable(bool drop_missing);
    /// The sender gave up message `msgno` in [first, last] (DROPREQ): its packets there and
    /// before `first` are dropped, unless a packet is a message of its own (libsrt dropMessage
    /// with KEEP_EXISTING), and the missing ones in the range forgotten (forget_missing).
    void drop_message(wire::SeqNo first, wire::SeqNo last, wire::MsgNo msgno);
    /// The sender gave up the packets [first, last] (DROPREQ): those still missing may be skipped
    /// when a later packet is delivered, even without TLPKTDROP; missing packets outside the
    /// range are still waited for. Packets present are kept and delivered, and a missing one that
    /// still arrives in time is too (libsrt dropMessage with KEEP_EXISTING). Ranges are kept
    /// until delivery passes them, at most one per slot of the ring (more are not taken).
    void forget_missing(wire::SeqNo first, wire::SeqNo last);
    /// Moves the delivery point past forgotten packets at its head (so a range beyond the
    /// buffer's room, never stored, does not hold up what follows); returns how many were skipped.
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
        bool dropped = false;  // arrived (so acknowledged) but never to be delivered
        bool in_order = true;  // its message may not be delivered before earlier ones
        bool taken = false;    // delivered out of order, ahead of the delivery point
        wire::PacketPosition position = wire::PacketPosition::solo;
        std::uint32_t size = 0;
        Micros delivery_time = 0;  // as inserted, plus brought_forward_ then: see delivery_time_of
        wire::MsgNo msgno;
    };
    [[nodiscard]] Micros delivery_time_of(const Slot& slot) const { return slot.delivery_time - brought_forward_; }
    /// The offset and packet count of what is ready now, and its size.
    struct ReadySpan {
        int offset = 0;
        int packets = 1;
        std::size_t size = 0;
        bool out_of_order = false;  // a message delivered ahead of a missing earlier one
    };
    /// A complete message sent without in_order, past a gap at the delivery point, due by `now`.
    [[nodiscard]] std::optional<ReadySpan> unordered_span(Micros now) const;
    /// Whether a slot is the first packet of a message out-of-order delivery may take.
    [[nodiscard]] bool unordered_candidate(const Slot& slot) const;
    /// Changes a slot's flags keeping unordered_candidates_ right.
    template <typename Change>
    void update_slot(Slot& slot, Change change) {
        if (unordered_candidate(slot)) --unordered_candidates_;
        change(slot);
        if (unordered_candidate(slot)) ++unordered_candidates_;
    }
    /// With whole_messages: how many packets the complete message starting at `offset` has (a
    /// first or solo packet, none dropped); incomplete_message while some may still come;
    /// broken_message when it can never be delivered whole.
    static constexpr int incomplete_message = 0;
    static constexpr int broken_message = -1;
    [[nodiscard]] int whole_message_at(int offset, bool drop_missing) const;
    [[nodiscard]] std::optional<ReadySpan> ready_span(Micros now, bool drop_missing) const;
    /// The first present offset delivery may go to: 0, or past a gap it may skip.
    [[nodiscard]] std::optional<int> reachable_offset(bool drop_missing) const;
    [[nodiscard]] int ring_index(int offset) const { return (head_ + offset) % capacity_; }
    /// The slot `offset` after the delivery point if a packet is there.
    [[nodiscard]] const Slot* present_slot(int offset) const {
        const Slot* s = slots_.meta(ring_index(offset));
        return s && s->present ? s : nullptr;
    }
    /// Moves the delivery point on by `count`; with `keep_last`, the last slot passed keeps its
    /// storage until the next call that changes the buffer (its payload is being delivered).
    void advance(int count, bool keep_last = false);
    /// Moves unordered_scan_from_ past the taken packets at it.
    void pass_taken();
    /// Gives back the storage advance() kept.
    void release_delivered();
    [[nodiscard]] int first_present_offset() const;
    /// The first offset from `from` on whose slot holds a packet, or −1.
    [[nodiscard]] int next_present(int from) const;
    void set_present_bit(int index, bool present);
    /// The offset of the packet pop_ready() would deliver now.
    [[nodiscard]] std::optional<int> ready_offset(Micros now, bool drop_missing) const;

    int capacity_;
    int max_payload_;
    bool whole_messages_;
    bool unordered_delivery_;
    int unordered_candidates_ = 0;  // present first/solo packets of messages sent without in_order, not yet taken
    // Offsets 1 … unordered_scan_from_ − 1 hold packets already taken out of order, so
    // unordered_span starts here: while the delivery point waits for a missing packet, each
    // message taken ahead of it is passed once, not once per later read.
    int unordered_scan_from_ = 1;
    SlotBlocks<Slot> slots_;
    std::optional<int> delivered_index_;  // the slot whose payload pop_ready() handed out
    int head_ = 0;
    int span_ = 0;        // slots from the head up to the highest present packet
    int present_ = 0;     // packets present
    int contiguous_ = 0;  // present packets from the head without a gap
    // The offset of the first packet present, −1 when none: kept on insert and advance, so that
    // a missing head packet costs no walk to the next one on each read and timer (a peer's one
    // packet 8191 ahead made that 8191 slots); when advance passes it, the next is found in
    // present_bits_, 64 slots a step.
    int first_present_ = -1;
    // What bring_forward() took off every delivery time so far: one number, not a walk over the
    // packets held each time (a peer's ever-later timestamps could ask for that every 3 packets).
    Micros brought_forward_ = 0;
    std::vector<std::uint64_t> present_bits_;  // bit i % 64 of word i / 64: ring slot i holds a packet
    std::int64_t bytes_ = 0;
    wire::SeqNo start_seq_;
    /// Whether every missing packet in [delivery point, delivery point + count) was forgotten.
    [[nodiscard]] bool gap_forgotten(int count) const;
    void prune_forgotten();

    struct SeqRange {
        wire::SeqNo first;
        wire::SeqNo last;
    };
    std::vector<SeqRange> forgotten_;  // sorted, disjoint, not touching; none wholly before the delivery point
};

}  // namespace websrt::core
