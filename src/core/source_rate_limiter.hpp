// A token bucket per source IP address in a table of bounded size: how a listener limits the
// costly answers it gives one source (refusals that needed a PBKDF2) without keeping state for
// every address on the Internet. When the table is full, the entry refilled longest ago is
// replaced: a flood of spoofed sources only ever evicts idle entries, and memory stays fixed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "core/socket_address.hpp"
#include "core/time.hpp"

namespace websrt::core {

class SourceRateLimiter {
public:
    /// `burst` events at once, then `per_second`; at most `max_sources` addresses tracked.
    SourceRateLimiter(double burst, double per_second, std::size_t max_sources);

    /// Whether `source` (its IP; the port is ignored) may have one more event now. Does not use
    /// a token: call take() once the event happened.
    [[nodiscard]] bool allows(const SocketAddress& source, Micros now);
    /// Uses one of `source`'s tokens.
    void take(const SocketAddress& source, Micros now);

    [[nodiscard]] std::size_t tracked() const { return buckets_.size(); }

private:
    struct Bucket {
        double tokens = 0;
        Micros updated = 0;
    };
    struct IpHash {
        std::size_t operator()(const std::array<std::uint8_t, 16>& ip) const noexcept;
    };
    Bucket& refill(const SocketAddress& source, Micros now);

    double burst_;
    double per_second_;
    std::size_t max_sources_;
    std::unordered_map<std::array<std::uint8_t, 16>, Bucket, IpHash> buckets_;
};

}  // namespace websrt::core
