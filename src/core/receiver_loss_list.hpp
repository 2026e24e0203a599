// The receiver's list of missing sequence numbers, each range with the time it was last reported,
// for the immediate and the periodic NAK (draft-sharabayko-srt §4.8.2; libsrt CRcvLossList and
// the NAK report of CUDT::checkNAKTimer).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "core/time.hpp"
#include "wire/loss_list.hpp"
#include "wire/seq.hpp"

namespace websrt::core {

/// Ranges are kept sorted in a vector and found by binary search: a peer's datagram costs a
/// search and at most one move of the ranges after it, never a walk through all of them.
class ReceiverLossList {
public:
    /// A NAK's loss list fits in one 1500-byte datagram: (1500 − 28 − 16) / 4 words, two per range
    /// at worst (libsrt caps the periodic report to the MSS as well).
    static constexpr std::size_t max_ranges_per_nak = (1500 - 28 - 16) / 8;

    /// Keeps at most `capacity` ranges; more are not taken (their packets are not NAKed again).
    explicit ReceiverLossList(int capacity);

    /// [first, last] went missing at `now` (and was reported then by the immediate NAK).
    void insert(wire::SeqNo first, wire::SeqNo last, Micros now);
    /// insert() for many ranges, in any order, in one pass over the list (FEC's give-ups, which
    /// come column by column).
    void insert_all(std::vector<wire::LossRange> ranges, Micros now);
    /// A missing packet arrived; false when it was not in the list.
    bool remove(wire::SeqNo seq);
    /// Forgets everything before `first_kept` (delivered, dropped, or given up by the sender).
    void remove_up_to(wire::SeqNo first_kept);
    /// Forgets [first, last] (the sender gave them up), keeping what is missing around it.
    void remove_range(wire::SeqNo first, wire::SeqNo last);

    [[nodiscard]] std::optional<wire::SeqNo> first() const;
    [[nodiscard]] bool empty() const { return ranges_.empty(); }
    /// Packets missing (walks the ranges).
    [[nodiscard]] int size() const;

    /// Ranges not reported within `interval`, marked reported at `now`; at most what fits in
    /// one NAK packet.
    std::vector<wire::LossRange> ranges_due(Micros now, Micros interval);

private:
    struct Range {
        wire::SeqNo first;
        wire::SeqNo last;
        Micros last_reported;
    };
    /// The first range not wholly before `seq`.
    [[nodiscard]] std::vector<Range>::iterator first_not_before(wire::SeqNo seq);

    std::vector<Range> ranges_;  // sorted, disjoint
    std::size_t capacity_;
};

}  // namespace websrt::core
