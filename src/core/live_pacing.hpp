// LiveCC: the live-mode sender's pacing, one packet per send period (draft-sharabayko-srt §5.1.1;
// libsrt CLiveCC in congctl.cpp and CUDT::updateCC for how maxbw, inputbw, mininputbw and oheadbw
// choose the bandwidth).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/connection_config.hpp"
#include "core/time.hpp"

namespace websrt::core {

class LivePacing {
public:
    explicit LivePacing(const ConnectionConfig& config);

    void on_message_submitted(std::size_t payload_bytes, Micros now);

    /// Microseconds between two data packets.
    [[nodiscard]] Micros send_period() const;
    /// The bandwidth the period is computed from, in bytes per second.
    [[nodiscard]] std::int64_t max_bw_bytes_per_s() const;
    /// The measured input rate (bytes per second), or 0 before the first measurement.
    [[nodiscard]] std::int64_t input_rate_bytes_per_s() const { return measured_input_rate_; }

private:
    std::int64_t max_bw_;
    std::int64_t input_bw_;
    std::int64_t min_input_bw_;
    int overhead_percent_;
    std::int64_t average_payload_;
    // Input rate measurement windows (libsrt CRateEstimator: the first after 0.5 s, then 1 s).
    Micros window_start_ = -1;
    Micros window_length_;
    std::int64_t window_bytes_ = 0;
    std::int64_t measured_input_rate_ = 0;
};

}  // namespace websrt::core
