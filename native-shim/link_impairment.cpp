#include "link_impairment.hpp"

#include <algorithm>

namespace websrt::native {

namespace {
/// The rate limiter queues at most this much time of traffic, then drops the tail (a router's
/// bounded buffer; without it a slow link would only add delay, never loss).
constexpr core::Micros max_queue_delay = core::milliseconds(500);
constexpr core::Micros reorder_hold = core::milliseconds(1);
}  // namespace

LinkImpairment::LinkImpairment(const ImpairmentConfig& config) : config_(config), random_(config.seed) {}

double LinkImpairment::uniform() { return static_cast<double>(random_.next_u32()) / 4294967296.0; }

bool LinkImpairment::lose(core::Micros now) {
    for (const auto& [start, end] : config_.blackouts)
        if (now >= start && now < end) return true;
    if (config_.loss_percent <= 0) return false;
    // Two-state (Gilbert) model with mean burst length B and overall loss p: leave a burst with
    // probability 1/B, enter one with p / (B·(1 − p)), so the long-run loss rate stays p.
    const double p = std::min(config_.loss_percent / 100.0, 0.99);
    const double burst = std::max(config_.burst_length, 1.0);
    if (in_burst_) {
        if (uniform() < 1.0 / burst) in_burst_ = false;
    } else if (uniform() < p / (burst * (1.0 - p))) {
        in_burst_ = true;
    }
    return in_burst_;
}

void LinkImpairment::damage(std::vector<std::uint8_t>& datagram) {
    if (datagram.empty()) return;
    if (config_.corrupt_percent > 0 && uniform() * 100.0 < config_.corrupt_percent) {
        const auto bit = static_cast<std::size_t>(uniform() * static_cast<double>(datagram.size() * 8));
        datagram[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        ++counters_.corrupted;
    }
    if (config_.truncate_percent > 0 && uniform() * 100.0 < config_.truncate_percent) {
        datagram.resize(static_cast<std::size_t>(uniform() * static_cast<double>(datagram.size())));
        ++counters_.corrupted;
    }
}

void LinkImpairment::schedule(core::Micros release, std::span<const std::uint8_t> datagram) {
    std::vector<std::uint8_t> copy(datagram.begin(), datagram.end());
    damage(copy);
    queue_.emplace(release, std::move(copy));
}

void LinkImpairment::submit(core::Micros now, std::span<const std::uint8_t> datagram) {
    ++counters_.submitted;
    if (lose(now)) {
        ++counters_.dropped;
        return;
    }
    core::Micros leave = now;
    if (config_.rate_mbit > 0) {
        const auto serialisation =
            static_cast<core::Micros>(static_cast<double>(datagram.size()) * 8.0 / config_.rate_mbit);
        const core::Micros start = std::max(now, link_free_at_);
        if (start - now > max_queue_delay) {
            ++counters_.queue_dropped;
            return;
        }
        link_free_at_ = start + serialisation;
        leave = link_free_at_;
    }
    auto release = [&] {
        core::Micros at = leave + config_.delay;
        if (config_.jitter > 0) at += static_cast<core::Micros>(uniform() * static_cast<double>(config_.jitter + 1));
        // Jitter varies the delay but keeps the order, as a path's queues do; without this a
        // 5 ms jitter at 4000 packets/s would shuffle every datagram. Reordering is its own knob.
        at = std::max(at, last_in_order_release_);
        last_in_order_release_ = at;
        return at;
    };
    core::Micros at = release();
    if (config_.reorder_percent > 0 && uniform() * 100.0 < config_.reorder_percent) {
        at += config_.jitter + reorder_hold;  // overtaken by the datagrams behind it
        ++counters_.reordered;
    }
    schedule(at, datagram);
    if (config_.duplicate_percent > 0 && uniform() * 100.0 < config_.duplicate_percent) {
        ++counters_.duplicated;
        schedule(release(), datagram);
    }
}

std::optional<core::Micros> LinkImpairment::next_release() const {
    if (queue_.empty()) return std::nullopt;
    return queue_.begin()->first;
}

bool LinkImpairment::pop_ready(core::Micros now, std::vector<std::uint8_t>& out) {
    if (queue_.empty() || queue_.begin()->first > now) return false;
    out = std::move(queue_.begin()->second);
    queue_.erase(queue_.begin());
    ++counters_.delivered;
    return true;
}

}  // namespace websrt::native
