#include "core/receiver_loss_list.hpp"

#include <algorithm>

namespace websrt::core {

namespace {

using wire::SeqNo;

bool before(SeqNo a, SeqNo b) { return SeqNo::offset(a, b) > 0; }

/// A NAK's loss list fits in one 1500-byte datagram: (1500 − 28 − 16) / 4 words, two per range
/// at worst (libsrt caps the periodic report to the MSS as well).
constexpr std::size_t max_ranges_per_nak = (1500 - 28 - 16) / 8;

}  // namespace

ReceiverLossList::ReceiverLossList(int capacity) : capacity_(static_cast<std::size_t>(std::max(capacity, 1))) {
    ranges_.reserve(std::min<std::size_t>(capacity_, 1024));
}

void ReceiverLossList::insert(SeqNo first, SeqNo last, Micros now) {
    if (before(last, first)) return;
    // Losses are detected in increasing order, so a new range nearly always goes at the end.
    auto it = std::find_if(ranges_.begin(), ranges_.end(), [&](const Range& r) { return !before(r.last, first); });
    if (it != ranges_.end() && !before(last, it->first)) {
        // Overlap with what is already known: widen the existing range.
        if (before(first, it->first)) it->first = first;
        if (before(it->last, last)) it->last = last;
        return;
    }
    if (ranges_.size() >= capacity_) return;
    ranges_.insert(it, {first, last, now});
}

bool ReceiverLossList::remove(SeqNo seq) {
    auto it = std::find_if(ranges_.begin(), ranges_.end(), [&](const Range& r) { return !before(r.last, seq); });
    if (it == ranges_.end() || before(seq, it->first)) return false;
    if (it->first == it->last) {
        ranges_.erase(it);
    } else if (seq == it->first) {
        it->first = seq.next();
    } else if (seq == it->last) {
        it->last = seq.prev();
    } else {
        const Range tail{seq.next(), it->last, it->last_reported};
        it->last = seq.prev();
        ranges_.insert(it + 1, tail);
    }
    return true;
}

void ReceiverLossList::remove_up_to(SeqNo first_kept) {
    auto it = ranges_.begin();
    while (it != ranges_.end() && before(it->last, first_kept)) ++it;
    ranges_.erase(ranges_.begin(), it);
    if (!ranges_.empty() && before(ranges_.front().first, first_kept)) ranges_.front().first = first_kept;
}

void ReceiverLossList::remove_range(SeqNo first, SeqNo last) {
    if (before(last, first)) return;
    std::vector<Range> kept;
    kept.reserve(ranges_.size() + 1);
    for (const Range& r : ranges_) {
        if (before(r.last, first) || before(last, r.first)) {
            kept.push_back(r);
            continue;
        }
        if (before(r.first, first)) kept.push_back({r.first, first.prev(), r.last_reported});
        if (before(last, r.last)) kept.push_back({last.next(), r.last, r.last_reported});
    }
    ranges_ = std::move(kept);
}

std::optional<SeqNo> ReceiverLossList::first() const {
    if (ranges_.empty()) return std::nullopt;
    return ranges_.front().first;
}

int ReceiverLossList::size() const {
    int total = 0;
    for (const auto& r : ranges_) total += static_cast<int>(SeqNo::length(r.first, r.last));
    return total;
}

std::vector<wire::LossRange> ReceiverLossList::ranges_due(Micros now, Micros interval) {
    std::vector<wire::LossRange> due;
    for (Range& r : ranges_) {
        if (due.size() >= max_ranges_per_nak) break;
        if (now - r.last_reported < interval) continue;
        r.last_reported = now;
        due.push_back({r.first, r.last});
    }
    return due;
}

}  // namespace websrt::core
