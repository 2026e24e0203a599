// A seeded model of a bad network link for one direction: loss (random, in bursts, or blackouts),
// delay with jitter, reordering, duplication, corruption, and a rate limit with a bounded queue.
// Pure and deterministic: the same seed and the same datagrams at the same times give the same
// output. `websrt impair` runs two of these between real sockets; the simulator (tests/sim) runs
// them on a virtual clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/random_source.hpp"
#include "core/time.hpp"

namespace websrt::native {

struct ImpairmentConfig {
    double loss_percent = 0;
    double burst_length = 1;  // mean length of a loss burst in datagrams (1 = independent losses)
    core::Micros delay = 0;
    core::Micros jitter = 0;     // uniform in [0, jitter] added to the delay, order kept
    double reorder_percent = 0;  // datagrams held back by an extra delay + jitter + 1 ms
    double duplicate_percent = 0;
    double rate_mbit = 0;         // 0: unlimited
    double corrupt_percent = 0;   // datagrams with one bit flipped (past the UDP checksum)
    double truncate_percent = 0;  // datagrams cut short at a random length
    /// [start, end) windows in which the link loses everything (an outage, a route change).
    std::vector<std::pair<core::Micros, core::Micros>> blackouts;
    std::uint64_t seed = 1;
};

struct ImpairmentCounters {
    std::uint64_t submitted = 0;
    std::uint64_t dropped = 0;
    std::uint64_t queue_dropped = 0;  // tail drops at the rate limit
    std::uint64_t duplicated = 0;
    std::uint64_t reordered = 0;
    std::uint64_t corrupted = 0;  // bit flips and truncations
    std::uint64_t delivered = 0;
};

class LinkImpairment {
public:
    explicit LinkImpairment(const ImpairmentConfig& config);

    void submit(core::Micros now, std::span<const std::uint8_t> datagram);
    [[nodiscard]] std::optional<core::Micros> next_release() const;
    /// The next datagram due at `now` into `out`; false when none is due.
    bool pop_ready(core::Micros now, std::vector<std::uint8_t>& out);
    [[nodiscard]] const ImpairmentCounters& counters() const { return counters_; }
    /// The link starts (or stops) damaging datagrams from now on.
    void set_damage(double corrupt_percent, double truncate_percent) {
        config_.corrupt_percent = corrupt_percent;
        config_.truncate_percent = truncate_percent;
    }

private:
    bool lose(core::Micros now);
    void damage(std::vector<std::uint8_t>& datagram);
    double uniform();  // [0, 1)
    void schedule(core::Micros release, std::span<const std::uint8_t> datagram);

    ImpairmentConfig config_;
    core::SeededRandom random_;
    bool in_burst_ = false;
    core::Micros link_free_at_ = 0;           // rate limit: when the serialiser is free again
    core::Micros last_in_order_release_ = 0;  // jitter never releases before the datagram ahead
    std::multimap<core::Micros, std::vector<std::uint8_t>> queue_;
    ImpairmentCounters counters_;
};

}  // namespace websrt::native
