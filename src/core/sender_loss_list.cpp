#include "core/sender_loss_list.hpp"

#include <algorithm>
#include <bit>

namespace websrt::core {

namespace {

using wire::SeqNo;

bool before(SeqNo a, SeqNo b) { return SeqNo::offset(a, b) > 0; }

}  // namespace

SenderLossList::SenderLossList(int capacity)
    : bits_((static_cast<std::size_t>(std::max(capacity, 1)) + 63) / 64, 0), ring_size_(bits_.size() * 64) {}

std::size_t SenderLossList::ring_index(SeqNo seq) const {
    return (base_index_ + static_cast<std::size_t>(SeqNo::offset(base_, seq))) % ring_size_;
}

int SenderLossList::change(std::size_t index, std::size_t length, bool set) {
    int changed = 0;
    while (length > 0) {
        const std::size_t word = index / 64;
        const std::size_t bit = index % 64;
        const std::size_t run = std::min<std::size_t>(length, 64 - bit);
        const std::uint64_t mask = (run == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << run) - 1)) << bit;
        const std::uint64_t affected = set ? (mask & ~bits_[word]) : (mask & bits_[word]);
        changed += std::popcount(affected);
        bits_[word] = set ? (bits_[word] | mask) : (bits_[word] & ~mask);
        length -= run;
        index = (index + run) % ring_size_;
    }
    return changed;
}

int SenderLossList::insert(SeqNo first, SeqNo last) {
    if (before(last, first)) return 0;
    if (count_ == 0) {
        // Nothing held: the window may start anywhere (every bit is clear).
        base_ = first;
        base_index_ = 0;
        last_ = first;
    } else if (before(first, base_)) {
        // Extend the window back when what is held still fits: the ring positions before base_
        // belong to sequence numbers beyond last_, which are clear.
        const auto span = SeqNo::offset(first, last_) + 1;
        if (span <= 0 || static_cast<std::size_t>(span) > ring_size_) {
            first = base_;
            if (before(last, first)) return 0;
        } else {
            const auto back = static_cast<std::size_t>(SeqNo::offset(first, base_));
            base_index_ = (base_index_ + ring_size_ - back % ring_size_) % ring_size_;
            base_ = first;
        }
    }
    // Clip to the window [base_, base_ + ring size).
    const SeqNo window_last = base_.plus(static_cast<std::int64_t>(ring_size_) - 1);
    if (before(window_last, last)) last = window_last;
    if (before(last, first)) return 0;
    const auto length = static_cast<std::size_t>(SeqNo::length(first, last));
    const int added = change(ring_index(first), length, true);
    count_ += added;
    if (before(last_, last)) last_ = last;
    return added;
}

std::optional<SeqNo> SenderLossList::pop_front() {
    if (count_ == 0) return std::nullopt;
    // Scan forward from base_ for the first set bit, a word at a time; base_ follows, so each
    // position is passed over once between insertions.
    std::size_t index = base_index_;
    std::size_t skipped = 0;
    for (;;) {
        const std::size_t word = index / 64;
        const std::uint64_t pending = bits_[word] >> (index % 64);
        if (pending != 0) {
            const auto zeros = static_cast<std::size_t>(std::countr_zero(pending));
            skipped += zeros;
            index = (index + zeros) % ring_size_;
            break;
        }
        const std::size_t rest = 64 - index % 64;
        skipped += rest;
        index = (index + rest) % ring_size_;
    }
    const SeqNo seq = base_.plus(static_cast<std::int64_t>(skipped));
    bits_[index / 64] &= ~(std::uint64_t{1} << (index % 64));
    --count_;
    base_ = seq.next();
    base_index_ = (index + 1) % ring_size_;
    return seq;
}

void SenderLossList::remove_up_to(SeqNo first_kept) {
    if (count_ == 0 || !before(base_, first_kept)) return;
    if (before(last_, first_kept)) {
        std::fill(bits_.begin(), bits_.end(), 0);
        count_ = 0;
        return;
    }
    const auto length = static_cast<std::size_t>(SeqNo::offset(base_, first_kept));
    count_ -= change(base_index_, length, false);
    base_index_ = (base_index_ + length) % ring_size_;
    base_ = first_kept;
}

}  // namespace websrt::core
