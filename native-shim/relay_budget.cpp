// Token buckets for one direction of a bridge session (see relay_budget.hpp).
#include "relay_budget.hpp"

#include <algorithm>

namespace websrt::native {

std::string describe(const RelayDrops& drops) {
    return std::to_string(drops.too_short) + " short, " + std::to_string(drops.over_rate) + " over rate, " +
           std::to_string(drops.over_packet_rate) + " over packet rate";
}

RelayBudget::RelayBudget(RelayBudgetConfig config, Clock::time_point now)
    : config_(config),
      byte_tokens_(config.rate_bytes_per_second * config.burst_seconds),
      packet_tokens_(config.packets_per_second * config.burst_seconds),
      tokens_at_(now) {}

RelayBudget::Verdict RelayBudget::admit(std::size_t size, Clock::time_point now) {
    if (size < relay_overhead::srt_header_bytes) {
        ++drops_.too_short;
        return Verdict::too_short;
    }
    const double elapsed = std::max(0.0, std::chrono::duration<double>(now - tokens_at_).count());
    tokens_at_ = now;
    byte_tokens_ = std::min(config_.rate_bytes_per_second * config_.burst_seconds,
                            byte_tokens_ + elapsed * config_.rate_bytes_per_second);
    packet_tokens_ = std::min(config_.packets_per_second * config_.burst_seconds,
                              packet_tokens_ + elapsed * config_.packets_per_second);
    const auto charge = static_cast<double>(relay_overhead::charged_bytes(size));
    // Charged only when both buckets have room, so a drop for one reason spends neither.
    if (packet_tokens_ < 1) {
        ++drops_.over_packet_rate;
        return Verdict::over_packet_rate;
    }
    if (byte_tokens_ < charge) {
        ++drops_.over_rate;
        return Verdict::over_rate;
    }
    packet_tokens_ -= 1;
    byte_tokens_ -= charge;
    return Verdict::relay;
}

}  // namespace websrt::native
