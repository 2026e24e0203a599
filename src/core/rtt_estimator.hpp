// Smoothed RTT and RTT variance as libsrt keeps them (draft-sharabayko-srt §4.10; libsrt
// CUDT::processCtrlAckAck and processCtrlAck, avg_iir in common.h).
#pragma once

#include "core/time.hpp"

namespace websrt::core {

class RttEstimator {
public:
    /// A sample measured by us: ACK sent → ACKACK received.
    void on_ackack_sample(Micros rtt);
    /// The values the peer measured and reported in a small or full ACK (the data sender has no
    /// samples of its own; libsrt smooths the reported values in the same way).
    void on_ack_report(Micros rtt, Micros rttvar);

    [[nodiscard]] Micros srtt() const { return srtt_; }
    [[nodiscard]] Micros rttvar() const { return rttvar_; }

private:
    // Initial values before any sample: 100 ms and 50 ms (libsrt INITIAL_RTT, INITIAL_RTTVAR).
    Micros srtt_ = milliseconds(100);
    Micros rttvar_ = milliseconds(50);
    bool has_sample_ = false;
};

}  // namespace websrt::core
