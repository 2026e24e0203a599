// How many bytes per second a sender spends on retransmissions: a token bucket like libsrt's
// SRTO_MAXREXMITBW shaper (1.5.3+, CShaper in buffer_tools.h, charged in packLostData with the
// packet's size plus the SRT and UDP headers). Without one, a receiver's NAKs decide the sending
// rate: 70 KB/s of NAKs naming alternating sequence numbers made websrt (and libsrt 1.5.1 with
// its default) resend 23 MB/s.
//
// Two modes:
//  - a fixed limit (maxrexmitbw >= 0, bytes per second, as libsrt): tokens flow with time;
//  - automatic (maxrexmitbw = -1, our default; libsrt's -1 means unlimited): every unique byte
//    sent earns `automatic_share` of a byte of retransmission, and a small floor rate flows with
//    time so that a slow stream still recovers its losses. Retransmissions then stay within the
//    stream's own rate, whatever the peer's NAKs say, while an honest lossy link (SRT recovers
//    up to about 30 % loss, 40 % overhead) is never held back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/time.hpp"

namespace websrt::core {

class RetransmitBudget {
public:
    /// Retransmitted bytes allowed per unique byte sent, in automatic mode.
    static constexpr double automatic_share = 1.0;
    /// Bytes per second that flow in automatic mode whatever is sent: 1 Mbit/s.
    static constexpr double automatic_floor_bytes_per_s = 125'000;
    /// The most tokens kept in automatic mode: 256 full packets, a loss burst of 20 ms at
    /// 150 Mbit/s.
    static constexpr double automatic_capacity_bytes = 256.0 * 1500;
    /// A fixed limit's bucket holds this much time at its rate (libsrt CShaper's default burst
    /// period, 100 ms), and at least one full packet.
    static constexpr Micros fixed_burst_period = milliseconds(100);
    static constexpr double min_capacity_bytes = 1500;

    /// `limit_bytes_per_s`: -1 automatic, otherwise a fixed limit (0 allows no retransmission).
    explicit RetransmitBudget(std::int64_t limit_bytes_per_s);

    /// A unique (first) transmission of `network_bytes` went out.
    void on_unique_sent(std::size_t network_bytes);
    /// Whether a retransmission of `network_bytes` may go out now.
    [[nodiscard]] bool allows(Micros now, std::size_t network_bytes);
    /// A retransmission of `network_bytes` went out.
    void consume(std::size_t network_bytes);
    /// The earliest time allows(network_bytes) turns true by the passing of time alone, or
    /// nothing when time alone never refills the bucket (a fixed limit of 0).
    /// Counted from the last call to allows() (before any call: at once).
    [[nodiscard]] std::optional<Micros> ready_time(std::size_t network_bytes) const;

    /// Retransmissions the budget held back (they stay in the loss list).
    [[nodiscard]] std::uint64_t held_back() const { return held_back_; }

private:
    void refill(Micros now);

    bool automatic_;
    double rate_bytes_per_s_;  // what flows with time
    double capacity_bytes_;
    double tokens_bytes_;
    Micros updated_ = -1;
    std::uint64_t held_back_ = 0;
};

}  // namespace websrt::core
