#include "core/source_rate_limiter.hpp"

#include <algorithm>
#include <cstdint>

namespace websrt::core {

SourceRateLimiter::SourceRateLimiter(double burst, double per_second, std::size_t max_sources)
    : burst_(burst), per_second_(per_second), max_sources_(std::max<std::size_t>(max_sources, 1)) {}

std::size_t SourceRateLimiter::IpHash::operator()(const std::array<std::uint8_t, 16>& ip) const noexcept {
    // 64-bit FNV-1a, also where std::size_t is 32 bits (wasm32), which keeps the low half.
    std::uint64_t h = 1469598103934665603ull;
    for (const std::uint8_t byte : ip) h = (h ^ byte) * 1099511628211ull;
    return static_cast<std::size_t>(h);
}

SourceRateLimiter::Bucket& SourceRateLimiter::refill(const SocketAddress& source, Micros now) {
    auto it = buckets_.find(source.ip);
    if (it == buckets_.end()) {
        if (buckets_.size() >= max_sources_) {
            // A linear scan, only when a new source arrives at a full table: bounded by max_sources.
            const auto oldest = std::min_element(buckets_.begin(), buckets_.end(), [](const auto& a, const auto& b) {
                return a.second.updated < b.second.updated;
            });
            buckets_.erase(oldest);
        }
        it = buckets_.emplace(source.ip, Bucket{burst_, now}).first;
    }
    Bucket& bucket = it->second;
    const double elapsed_s = static_cast<double>(std::max<Micros>(now - bucket.updated, 0)) / 1e6;
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed_s * per_second_);
    bucket.updated = now;
    return bucket;
}

bool SourceRateLimiter::allows(const SocketAddress& source, Micros now) { return refill(source, now).tokens >= 1.0; }

void SourceRateLimiter::take(const SocketAddress& source, Micros now) {
    Bucket& bucket = refill(source, now);
    bucket.tokens = std::max(0.0, bucket.tokens - 1.0);
}

}  // namespace websrt::core
