#include "core/live_pacing.hpp"

#include <algorithm>

namespace websrt::core {

namespace {

/// maxbw −1 means "infinite", which libsrt caps at 1 Gbps (BW_INFINITE = 125,000,000 B/s).
constexpr std::int64_t bw_infinite = 1'000'000'000 / 8;
/// Per-packet overhead LiveCC counts: UDP + IP + SRT headers (libsrt CPacket::SRT_DATA_HDR_SIZE).
constexpr std::int64_t data_header_size = 44;
/// Average payload: a 1/128 moving average seeded with the configured payload size
/// (libsrt CLiveCC m_iSndAvgPayloadSize, avg_iir<128>).
constexpr std::int64_t payload_average_span = 128;
constexpr Micros first_input_window = milliseconds(500);
constexpr Micros input_window = seconds(1);

}  // namespace

LivePacing::LivePacing(const ConnectionConfig& config)
    : max_bw_(config.max_bw_bytes_per_s),
      input_bw_(config.input_bw_bytes_per_s),
      min_input_bw_(config.min_input_bw_bytes_per_s),
      overhead_percent_(config.overhead_bw_percent),
      average_payload_(config.payload_size),
      window_length_(first_input_window) {}

void LivePacing::on_message_submitted(std::size_t payload_bytes, Micros now) {
    average_payload_ = (average_payload_ * (payload_average_span - 1) + static_cast<std::int64_t>(payload_bytes)) /
                       payload_average_span;
    if (window_start_ < 0) window_start_ = now;
    window_bytes_ += static_cast<std::int64_t>(payload_bytes + data_header_size);
    if (now - window_start_ >= window_length_) {
        measured_input_rate_ = window_bytes_ * micros_per_second / (now - window_start_);
        window_start_ = now;
        window_bytes_ = 0;
        window_length_ = input_window;
    }
}

std::int64_t LivePacing::max_bw_bytes_per_s() const {
    if (max_bw_ < 0) return bw_infinite;
    if (max_bw_ > 0) return max_bw_;
    // maxbw 0: relative to the input rate, given (inputbw) or measured (floored by mininputbw),
    // plus the overhead allowance for retransmissions (libsrt CUDT::updateCC).
    std::int64_t input = input_bw_;
    if (input == 0) input = measured_input_rate_ == 0 ? bw_infinite : std::max(measured_input_rate_, min_input_bw_);
    return input * (100 + overhead_percent_) / 100;
}

Micros LivePacing::send_period() const {
    const std::int64_t bandwidth = std::max<std::int64_t>(max_bw_bytes_per_s(), 1);
    return (average_payload_ + data_header_size) * micros_per_second / bandwidth;
}

}  // namespace websrt::core
