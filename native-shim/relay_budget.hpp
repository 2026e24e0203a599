// One direction of one bridge session: which datagrams it relays, within a byte rate and a packet
// rate, and a count of what it drops. A datagram costs the network and the bridge its headers
// too, so each is charged at least the IP, UDP and SRT headers: a flood of tiny datagrams spends
// the budget as fast as the bandwidth it really takes, and the packet rate caps the per-datagram
// work (a system call each) however small they are. Pure: the caller passes the time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "wire/constants.hpp"

namespace websrt::native {

namespace relay_overhead {
/// The smallest IPv4 header (RFC 791, no options); IPv6's is 40, so this is the least a datagram costs.
inline constexpr std::size_t ip_header_bytes = 20;
/// RFC 768.
inline constexpr std::size_t udp_header_bytes = 8;
/// Every SRT packet starts with this header (draft §3); anything shorter is not SRT.
inline constexpr std::size_t srt_header_bytes = wire::header_size;
/// Bytes a datagram of `size` bytes is charged: what it takes on the wire, at least all three headers.
constexpr std::size_t charged_bytes(std::size_t size) {
    return ip_header_bytes + udp_header_bytes + (size < srt_header_bytes ? srt_header_bytes : size);
}
}  // namespace relay_overhead

struct RelayBudgetConfig {
    double rate_bytes_per_second = 0;
    double packets_per_second = 0;
    /// Each bucket holds this much time at its rate.
    double burst_seconds = 0.1;
};

/// What the budget dropped, by reason.
struct RelayDrops {
    std::uint64_t too_short = 0;         // under an SRT header: not relayed at all
    std::uint64_t over_rate = 0;         // over the byte rate (headers included)
    std::uint64_t over_packet_rate = 0;  // over the packets-per-second cap
};

/// "N short, M over rate, K over packet rate".
std::string describe(const RelayDrops& drops);

class RelayBudget {
public:
    using Clock = std::chrono::steady_clock;
    enum class Verdict { relay, too_short, over_rate, over_packet_rate };

    /// Both buckets start full, so a session's first packets (the handshake) always pass.
    RelayBudget(RelayBudgetConfig config, Clock::time_point now);

    /// Charges one datagram of `size` bytes, or counts why it is dropped.
    Verdict admit(std::size_t size, Clock::time_point now);

    [[nodiscard]] const RelayDrops& drops() const { return drops_; }

private:
    RelayBudgetConfig config_;
    double byte_tokens_;
    double packet_tokens_;
    Clock::time_point tokens_at_;
    RelayDrops drops_;
};

}  // namespace websrt::native
