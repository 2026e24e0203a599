// The receiver's TSBPD clock: when a packet with a given 32-bit sender timestamp is due for
// delivery on our clock (draft-sharabayko-srt §4.5; libsrt CTsbpdTime in tsbpd_time.cpp).
#pragma once

#include <algorithm>
#include <cstdint>

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
};

}  // namespace websrt::core
