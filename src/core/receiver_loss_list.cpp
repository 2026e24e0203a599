#include "core/receiver_loss_list.hpp"

#include <algorithm>

namespace websrt::core {

namespace {

using wire::SeqNo;

bool before(SeqNo a, SeqNo b) { return SeqNo::offset(a, b) > 0; }

}  // namespace

ReceiverLossList::ReceiverLossList(int capacity) : capacity_(static_cast<std::size_t>(std::max(capacity, 1))) {
    ranges_.reserve(std::min<std::size_t>(capacity_, 1024));
}

std::vector<ReceiverLossList::Range>::iterator ReceiverLossList::first_not_before(SeqNo seq) {
    return std::partition_point(ranges_.begin(), ranges_.end(), [&](const Range& r) { return before(r.last, seq); });
}

void ReceiverLossList::insert(SeqNo first, SeqNo last, Micros now) {
    if (before(last, first)) return;
    // Losses are detected in increasing order, so a new range nearly always goes at the end.
    const auto it = ranges_.empty() || before(ranges_.back().last, first) ? ranges_.end() : first_not_before(first);
    if (it != ranges_.end() && !before(last, it->first)) {
        // Overlap with what is already known: widen the existing range, over any later ones the
        // new range reaches too.
        if (before(first, it->first)) it->first = first;
        auto covered = it + 1;
        for (; covered != ranges_.end() && !before(last, covered->first); ++covered)
            if (before(last, covered->last)) last = covered->last;
        if (before(it->last, last)) it->last = last;
        ranges_.erase(it + 1, covered);
        return;
    }
    if (ranges_.size() >= capacity_) return;
    ranges_.insert(it, {first, last, now});
}

void ReceiverLossList::insert_all(std::vector<wire::LossRange> ranges, Micros now) {
    std::erase_if(ranges, [](const wire::LossRange& r) { return before(r.last, r.first); });
    std::sort(ranges.begin(), ranges.end(),
              [](const wire::LossRange& a, const wire::LossRange& b) { return before(a.first, b.first); });
    // Merge the two sorted lists; a new range that overlaps the one before it widens it, as
    // insert() does, and new ones beyond the capacity are not taken.
    std::vector<Range> merged;
    merged.reserve(std::min(ranges_.size() + ranges.size(), std::max(capacity_, ranges_.size())));
    std::size_t fresh = 0;
    const auto take = [&](const Range& r, bool is_new) {
        if (!merged.empty() && !before(merged.back().last, r.first)) {
            if (before(merged.back().last, r.last)) merged.back().last = r.last;
            return;
        }
        if (is_new && merged.size() >= capacity_) return;
        merged.push_back(r);
    };
    for (const Range& old : ranges_) {
        for (; fresh < ranges.size() && before(ranges[fresh].first, old.first); ++fresh)
            take({ranges[fresh].first, ranges[fresh].last, now}, true);
        take(old, false);
    }
    for (; fresh < ranges.size(); ++fresh) take({ranges[fresh].first, ranges[fresh].last, now}, true);
    ranges_ = std::move(merged);
}

bool ReceiverLossList::remove(SeqNo seq) {
    const auto it = first_not_before(seq);
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
    ranges_.erase(ranges_.begin(), first_not_before(first_kept));
    if (!ranges_.empty() && before(ranges_.front().first, first_kept)) ranges_.front().first = first_kept;
}

void ReceiverLossList::remove_range(SeqNo first, SeqNo last) {
    if (before(last, first)) return;
    // The ranges [from, to) touch [first, last]: what they have outside it stays, at most two pieces.
    const auto from = first_not_before(first);
    auto to = from;
    while (to != ranges_.end() && !before(last, to->first)) ++to;
    if (from == to) return;
    std::vector<Range> pieces;
    if (before(from->first, first)) pieces.push_back({from->first, first.prev(), from->last_reported});
    const Range& end = *(to - 1);
    if (before(last, end.last)) pieces.push_back({last.next(), end.last, end.last_reported});
    const auto at = ranges_.erase(from, to);
    ranges_.insert(at, pieces.begin(), pieces.end());
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
