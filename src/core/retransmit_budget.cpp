#include "core/retransmit_budget.hpp"

#include <algorithm>
#include <cmath>

namespace websrt::core {

RetransmitBudget::RetransmitBudget(std::int64_t limit_bytes_per_s) : automatic_(limit_bytes_per_s < 0) {
    if (automatic_) {
        rate_bytes_per_s_ = automatic_floor_bytes_per_s;
        capacity_bytes_ = automatic_capacity_bytes;
    } else {
        rate_bytes_per_s_ = static_cast<double>(limit_bytes_per_s);
        // A limit of 0 (no retransmission at all, as libsrt) holds no tokens and earns none.
        capacity_bytes_ =
            limit_bytes_per_s == 0
                ? 0
                : std::max(min_capacity_bytes, rate_bytes_per_s_ * static_cast<double>(fixed_burst_period) / 1e6);
    }
    tokens_bytes_ = capacity_bytes_;
}

void RetransmitBudget::refill(Micros now) {
    if (updated_ >= 0 && now > updated_)
        tokens_bytes_ =
            std::min(capacity_bytes_, tokens_bytes_ + static_cast<double>(now - updated_) / 1e6 * rate_bytes_per_s_);
    if (now > updated_) updated_ = now;
}

void RetransmitBudget::on_unique_sent(std::size_t network_bytes) {
    if (automatic_)
        tokens_bytes_ = std::min(capacity_bytes_, tokens_bytes_ + automatic_share * static_cast<double>(network_bytes));
}

bool RetransmitBudget::allows(Micros now, std::size_t network_bytes) {
    refill(now);
    if (tokens_bytes_ >= static_cast<double>(network_bytes)) return true;
    ++held_back_;
    return false;
}

void RetransmitBudget::consume(std::size_t network_bytes) {
    // May go below zero by less than a packet (the estimate is checked, the real size charged);
    // the debt is repaid before the next retransmission.
    tokens_bytes_ -= static_cast<double>(network_bytes);
}

std::optional<Micros> RetransmitBudget::ready_time(std::size_t network_bytes) const {
    const double deficit = static_cast<double>(network_bytes) - tokens_bytes_;
    if (deficit <= 0) return std::max<Micros>(updated_, 0);
    if (rate_bytes_per_s_ <= 0) return std::nullopt;  // a fixed limit of 0: never
    return std::max<Micros>(updated_, 0) + static_cast<Micros>(std::ceil(deficit / rate_bytes_per_s_ * 1e6));
}

}  // namespace websrt::core
