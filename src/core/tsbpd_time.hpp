// The receiver's TSBPD clock: when a packet with a given 32-bit sender timestamp is due for
// delivery on our clock (draft-sharabayko-srt §4.5; libsrt CTsbpdTime in tsbpd_time.cpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

#include "core/time.hpp"

namespace websrt::core {

class TsbpdTime {
public:
    /// `base_time`: local arrival time of the peer's handshake minus its timestamp.
    void set_base(Micros base_time, Micros latency);
    /// A later packet (a repeated handshake, the first data packet) proved the handshake that set
    /// the base late: its own arrival minus its timestamp is an earlier base, and the least
    /// delayed packet is the best estimate. Only before the first data packet is timed (those
    /// keep their times), and by at most `max_correction` (how late a handshake can be: the
    /// connect timeout), so that a timestamp from across the 32-bit wrap cannot move it.
    void lower_base(Micros base_time, Micros max_correction) {
        if (base_time < base_ && base_ - base_time <= max_correction) base_ = base_time;
    }

    /// A data packet arrived due more than `lead` beyond one latency from `now`: its timestamp was
    /// damaged on the way, or the base is late because the handshake and the first data packets
    /// were all held up (found by endpoint_fuzz: then every later packet looked damaged and the
    /// stream stalled for good). A damaged timestamp is not repeated, so `early_arrivals_to_rebase`
    /// such arrivals in a row (retransmissions included) whose bases agree within `lead` move the
    /// base to the earliest of them. Returns how much earlier the base now is (then the caller
    /// brings what it holds forward by as much), or nothing: ignore the packet.
    std::optional<Micros> on_early_arrival(Micros now, std::uint32_t timestamp, Micros lead);
    /// A packet arrived in time: the early arrivals before it were damaged ones.
    void on_timely_arrival() { early_arrivals_ = 0; }

    /// Delivery time of a data packet: base + timestamp (unwrapped) + latency + drift. Tracks the
    /// 32-bit timestamp wrap, so call it for every arriving data packet in arrival order.
    Micros delivery_time(std::uint32_t timestamp);
    /// What delivery_time() would answer, without moving the wrap state.
    [[nodiscard]] Micros peek_delivery_time(std::uint32_t timestamp) const {
        TsbpdTime copy = *this;
        return copy.delivery_time(timestamp);
    }

    /// A drift sample from an ACKACK's timestamp, its arrival time and the RTT it measured.
    void on_ackack(std::uint32_t timestamp, Micros now, Micros rtt);

    [[nodiscard]] Micros latency() const { return latency_; }
    [[nodiscard]] Micros drift() const { return drift_; }
    [[nodiscard]] Micros base() const { return base_; }

private:
    [[nodiscard]] Micros packet_base(std::uint32_t timestamp) const;

    Micros base_ = 0;
    Micros latency_ = 0;
    bool wrap_check_ = false;  // timestamps are close to 2^32: small ones belong to the next period
    Micros drift_ = 0;
    Micros drift_sum_ = 0;
    int drift_samples_ = 0;
    Micros first_rtt_ = -1;
    int early_arrivals_ = 0;
    Micros earliest_early_base_ = 0;
    Micros latest_early_base_ = 0;
};

}  // namespace websrt::core
