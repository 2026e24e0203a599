// The sender's list of sequence numbers the receiver reported lost (NAK), to retransmit lowest
// first (draft-sharabayko-srt §4.8.1; libsrt CSndLossList). Kept as sorted, disjoint ranges.
#pragma once

#include <optional>
#include <vector>

#include "wire/loss_list.hpp"
#include "wire/seq.hpp"

namespace websrt::core {

class SenderLossList {
public:
    /// `capacity`: the most ranges kept (the send buffer size bounds what can be lost).
    explicit SenderLossList(int capacity);

    /// Adds [first, last]; returns how many sequence numbers were not in the list before.
    int insert(wire::SeqNo first, wire::SeqNo last);
    /// Takes the lowest sequence number out of the list.
    std::optional<wire::SeqNo> pop_front();
    /// Forgets everything before `first_kept` (acknowledged or dropped).
    void remove_up_to(wire::SeqNo first_kept);

    [[nodiscard]] bool empty() const { return ranges_.empty(); }
    [[nodiscard]] int size() const;

private:
    std::vector<wire::LossRange> ranges_;  // sorted, disjoint, not adjacent
    std::size_t capacity_;
};

}  // namespace websrt::core
