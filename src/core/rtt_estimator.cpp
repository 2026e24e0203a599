#include "core/rtt_estimator.hpp"

#include <cstdlib>

namespace websrt::core {

void RttEstimator::on_ackack_sample(Micros rtt) {
    if (rtt <= 0) return;
    if (!has_sample_) {
        // The first sample replaces the defaults (libsrt m_bIsFirstRTTReceived).
        srtt_ = rtt;
        rttvar_ = rtt / 2;
        has_sample_ = true;
        return;
    }
    // RTTVar first, with the old SRTT; then SRTT (libsrt avg_iir<4> and avg_iir<8>).
    rttvar_ = (3 * rttvar_ + std::llabs(rtt - srtt_)) / 4;
    srtt_ = (7 * srtt_ + rtt) / 8;
}

void RttEstimator::on_ack_report(Micros rtt, Micros rttvar) {
    if (rtt <= 0) return;
    if (!has_sample_) {
        srtt_ = rtt;
        rttvar_ = rttvar;
        has_sample_ = true;
        return;
    }
    rttvar_ = (3 * rttvar_ + rttvar) / 4;
    srtt_ = (7 * srtt_ + rtt) / 8;
}

}  // namespace websrt::core
