// The receiver's list of missing sequence numbers, each range with the time it was last reported,
// for the immediate and the periodic NAK (draft-sharabayko-srt §4.8.2; libsrt CRcvLossList and
// the NAK report of CUDT::checkNAKTimer).
#pragma once

#include <optional>
#include <vector>

#include "core/time.hpp"
#include "wire/loss_list.hpp"
#include "wire/seq.hpp"

namespace websrt::core {

class ReceiverLossList {
public:
    explicit ReceiverLossList(int capacity);

    /// [first, last] went missing at `now` (and was reported then by the immediate NAK).
    void insert(wire::SeqNo first, wire::SeqNo last, Micros now);
    /// A missing packet arrived; false when it was not in the list.
    bool remove(wire::SeqNo seq);
    /// Forgets everything before `first_kept` (delivered, dropped, or given up by the sender).
    void remove_up_to(wire::SeqNo first_kept);
    /// Forgets [first, last] (the sender gave them up), keeping what is missing around it.
    void remove_range(wire::SeqNo first, wire::SeqNo last);

    [[nodiscard]] std::optional<wire::SeqNo> first() const;
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
    std::vector<Range> ranges_;  // sorted, disjoint
    std::size_t capacity_;
};

}  // namespace websrt::core
