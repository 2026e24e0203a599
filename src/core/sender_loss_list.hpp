// The sender's list of sequence numbers the receiver reported lost (NAK), to retransmit lowest
// first (draft-sharabayko-srt §4.8.1; libsrt CSndLossList). A ring of bits over the window of
// packets in flight: a NAK's entry costs time proportional to the range it names (a word per 64
// packets), never a scan of what the list holds, so a receiver sending NAKs with hundreds of
// scattered entries cannot make the sender quadratic (libsrt's list is a linked array with the
// same purpose).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "wire/seq.hpp"

namespace websrt::core {

class SenderLossList {
public:
    /// `capacity`: the widest span of sequence numbers kept, the send buffer's size: nothing
    /// outside the packets in flight can be retransmitted.
    explicit SenderLossList(int capacity);

    /// Adds [first, last], clipped to `capacity` packets from the lowest one held; returns how
    /// many sequence numbers were not in the list before.
    int insert(wire::SeqNo first, wire::SeqNo last);
    /// Takes the lowest sequence number out of the list.
    std::optional<wire::SeqNo> pop_front();
    /// Forgets everything before `first_kept` (acknowledged or dropped).
    void remove_up_to(wire::SeqNo first_kept);

    [[nodiscard]] bool empty() const { return count_ == 0; }
    [[nodiscard]] int size() const { return count_; }

private:
    /// Sets (or clears) `length` bits from ring position `index`; returns how many changed.
    int change(std::size_t index, std::size_t length, bool set);
    [[nodiscard]] std::size_t ring_index(wire::SeqNo seq) const;

    std::vector<std::uint64_t> bits_;  // one bit per sequence number in [base_, base_ + ring size)
    std::size_t ring_size_;            // bits_.size() × 64
    wire::SeqNo base_;                 // lowest sequence number that may be held
    std::size_t base_index_ = 0;       // its position in the ring
    wire::SeqNo last_;                 // highest held (meaningful when count_ > 0)
    int count_ = 0;
};

}  // namespace websrt::core
