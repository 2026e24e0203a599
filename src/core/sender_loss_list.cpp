#include "core/sender_loss_list.hpp"

#include <algorithm>

namespace websrt::core {

namespace {

using wire::SeqNo;

bool before(SeqNo a, SeqNo b) { return SeqNo::offset(a, b) > 0; }

}  // namespace

SenderLossList::SenderLossList(int capacity) : capacity_(static_cast<std::size_t>(std::max(capacity, 1))) {
    ranges_.reserve(std::min<std::size_t>(capacity_, 1024));
}

int SenderLossList::insert(SeqNo first, SeqNo last) {
    if (before(last, first)) return 0;
    const int before_count = size();
    // First range that ends at or after first−1 (could merge or follow).
    auto it = std::find_if(ranges_.begin(), ranges_.end(),
                           [&](const wire::LossRange& r) { return !before(r.last.next(), first); });
    if (it == ranges_.end() || before(last.next(), it->first)) {
        if (ranges_.size() >= capacity_) return 0;  // full: the NAK will be repeated
        ranges_.insert(it, {first, last});
        return size() - before_count;
    }
    // Merge with every range that overlaps or touches [first, last].
    it->first = before(first, it->first) ? first : it->first;
    auto next = it + 1;
    SeqNo merged_last = before(it->last, last) ? last : it->last;
    while (next != ranges_.end() && !before(merged_last.next(), next->first)) {
        if (before(merged_last, next->last)) merged_last = next->last;
        ++next;
    }
    it->last = merged_last;
    ranges_.erase(it + 1, next);
    return size() - before_count;
}

std::optional<SeqNo> SenderLossList::pop_front() {
    if (ranges_.empty()) return std::nullopt;
    wire::LossRange& front = ranges_.front();
    const SeqNo seq = front.first;
    if (front.first == front.last)
        ranges_.erase(ranges_.begin());
    else
        front.first = front.first.next();
    return seq;
}

void SenderLossList::remove_up_to(SeqNo first_kept) {
    auto it = ranges_.begin();
    while (it != ranges_.end() && before(it->last, first_kept)) ++it;
    ranges_.erase(ranges_.begin(), it);
    if (!ranges_.empty() && before(ranges_.front().first, first_kept)) ranges_.front().first = first_kept;
}

int SenderLossList::size() const {
    int total = 0;
    for (const auto& r : ranges_) total += static_cast<int>(SeqNo::length(r.first, r.last));
    return total;
}

}  // namespace websrt::core
