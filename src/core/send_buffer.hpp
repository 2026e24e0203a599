// The sender's buffer: every packet from submission until it is acknowledged or dropped, in a
// fixed ring (libsrt CSndBuffer). A live message is one packet; a file-mode message (or a stream
// write) longer than a packet is split into several, numbered first … last under one message
// number, as libsrt addBuffer does. Storage
// comes in blocks as messages are submitted and goes back as they are acknowledged
// (slot_blocks.hpp): no allocation per packet, and none for capacity never used.
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

class SendBuffer {
public:
    enum class SubmitOutcome { ok, too_large, full, out_of_memory };

    struct Entry {
        wire::SeqNo seq;
        wire::MsgNo msgno;
        wire::PacketPosition position = wire::PacketPosition::solo;  // its place in the message
        wire::SeqNo message_last;                                    // its message's last packet
        bool in_order = false;
        Micros origin_time = 0;
        Micros expires_at = forever;  // its TTL is over from then on (SendControl::ttl)
        Micros last_sent_time = 0;    // 0: never sent
        bool given_up = false;        // skipped or not resent for its TTL: the receiver was told to drop it
        int retransmit_count = 0;
        wire::EncryptionKey key = wire::EncryptionKey::none;  // set once sealed: the payload is ciphertext
        std::uint32_t size = 0;
        std::uint8_t* storage = nullptr;
        [[nodiscard]] wire::Bytes payload() const { return {storage, size}; }
    };

    struct DroppedRange {
        wire::SeqNo first;
        wire::SeqNo last;
        wire::MsgNo first_msgno;
        wire::MsgNo last_msgno;
        int packets = 0;
        std::int64_t bytes = 0;
    };

    SendBuffer(int capacity_pkts, int max_payload_bytes);

    /// Only before the first submit: the sequence number of the first packet (the ISN).
    void set_initial_seq(wire::SeqNo seq);
    /// Queues one message in packets of at most `packet_payload` bytes (all of them or none:
    /// full when they do not all fit now, too_large when they never could).
    SubmitOutcome submit(wire::Bytes message, Micros origin_time, bool in_order, Micros expires_at = forever,
                         std::size_t packet_payload = 0);

    /// The oldest packet not yet sent, or nullptr.
    [[nodiscard]] const Entry* next_unsent() const;
    [[nodiscard]] wire::SeqNo next_unsent_seq() const { return first_seq_.plus(unsent_offset_); }
    /// Records a (re)transmission; sending the next unsent packet moves the unsent cursor.
    void mark_sent(wire::SeqNo seq, Micros now);
    /// Skips the unsent packets at the cursor whose TTL is over at `now`, marked given up (their
    /// sequence numbers are spent: libsrt CSndBuffer::readData's skipped packets). The range
    /// skipped, or nothing.
    std::optional<DroppedRange> skip_expired_unsent(Micros now);
    /// Replaces an entry's payload with its encrypted form (the ciphertext, and the GCM tag), so
    /// that a retransmission is the original's exact copy whatever keys change meanwhile (libsrt
    /// encrypts in its send buffer too). False when it does not fit the entry's slot.
    bool store_sealed(wire::SeqNo seq, wire::EncryptionKey key, wire::Bytes sealed);
    /// The packet with `seq` if still kept (not acknowledged or dropped, and submitted).
    Entry* find(wire::SeqNo seq);
    /// The oldest packet still kept (the first unacknowledged), or nullptr.
    [[nodiscard]] const Entry* oldest() const { return count_ > 0 ? &at(0) : nullptr; }
    /// The most recently submitted packet still kept, or nullptr.
    [[nodiscard]] const Entry* newest() const { return count_ > 0 ? &at(count_ - 1) : nullptr; }
    /// Frees everything before `first_unacked`; returns how many packets were freed.
    int acknowledge(wire::SeqNo first_unacked);
    /// Drops from the front every packet older than `threshold` (libsrt dropLateData), sent or not.
    std::optional<DroppedRange> drop_too_late(Micros now, Micros threshold);

    [[nodiscard]] std::optional<Micros> oldest_origin_time() const;
    [[nodiscard]] wire::SeqNo first_seq() const { return first_seq_; }
    [[nodiscard]] int packets() const { return count_; }
    [[nodiscard]] std::int64_t bytes() const { return bytes_; }
    [[nodiscard]] Micros timespan() const;
    [[nodiscard]] int capacity() const { return capacity_; }
    [[nodiscard]] int unsent_packets() const { return count_ - unsent_offset_; }
    /// Bytes of storage held now.
    [[nodiscard]] std::size_t allocated_bytes() const { return entries_.allocated_bytes(); }

private:
    // Only offsets below count_ are occupied (and so allocated).
    [[nodiscard]] int ring_index(int offset) const { return (head_ + offset) % capacity_; }
    Entry& at(int offset) { return *entries_.meta(ring_index(offset)); }
    [[nodiscard]] const Entry& at(int offset) const { return *entries_.meta(ring_index(offset)); }
    void pop_front();

    int capacity_;
    int max_payload_;
    SlotBlocks<Entry> entries_;
    int head_ = 0;
    int count_ = 0;
    int unsent_offset_ = 0;  // offset from the head of the first unsent packet
    std::int64_t bytes_ = 0;
    wire::SeqNo first_seq_;
    wire::MsgNo next_msgno_{1};
};

}  // namespace websrt::core
