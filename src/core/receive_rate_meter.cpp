#include "core/receive_rate_meter.hpp"

#include <algorithm>

namespace websrt::core {

namespace {

/// Median of the first `count` values.
template <class T, std::size_t N>
T median(std::array<T, N> values, std::size_t count) {
    std::nth_element(values.begin(), values.begin() + count / 2, values.begin() + count);
    return values[count / 2];
}

}  // namespace

void ReceiveRateMeter::on_data(wire::SeqNo seq, Micros now, std::size_t bytes) {
    if (last_arrival_ >= 0) {
        intervals_[next_interval_] = now - last_arrival_;
        sizes_[next_interval_] = static_cast<std::int64_t>(bytes);
        next_interval_ = (next_interval_ + 1) % window;
        interval_count_ = std::min(interval_count_ + 1, window);
    }
    last_arrival_ = now;
    // Packet pairs: the sender sends seq ≡ 0 (mod 16) and the next one back to back; their
    // arrival gap measures the bottleneck (libsrt probe1Arrival/probe2Arrival).
    const std::uint32_t phase = seq.value() % window;
    if (phase == 0) {
        probe_start_ = now;
    } else if (phase == 1 && probe_start_ >= 0) {
        probes_[next_probe_] = now - probe_start_;
        next_probe_ = (next_probe_ + 1) % window;
        probe_count_ = std::min(probe_count_ + 1, window);
        probe_start_ = -1;
    } else {
        probe_start_ = -1;
    }
}

std::int32_t ReceiveRateMeter::packets_per_second() const {
    if (interval_count_ < window) return 0;
    // Keep intervals within [median/8, median×8] (libsrt getPktRcvSpeed).
    const Micros mid = median(intervals_, interval_count_);
    Micros sum = 0;
    std::int64_t count = 0;
    for (std::size_t i = 0; i < interval_count_; ++i)
        if (intervals_[i] < mid * 8 && intervals_[i] > mid / 8) {
            sum += intervals_[i];
            ++count;
        }
    if (count <= static_cast<std::int64_t>(window / 2) || sum <= 0) return 0;
    return static_cast<std::int32_t>(count * micros_per_second / sum);
}

std::int32_t ReceiveRateMeter::bytes_per_second() const {
    if (interval_count_ < window) return 0;
    const Micros mid = median(intervals_, interval_count_);
    Micros sum = 0;
    std::int64_t bytes = 0;
    for (std::size_t i = 0; i < interval_count_; ++i)
        if (intervals_[i] < mid * 8 && intervals_[i] > mid / 8) {
            sum += intervals_[i];
            bytes += sizes_[i] + 44;  // libsrt counts the UDP/IP/SRT headers in the byte rate
        }
    if (sum <= 0) return 0;
    return static_cast<std::int32_t>(std::min<std::int64_t>(bytes * micros_per_second / sum, INT32_MAX));
}

std::int32_t ReceiveRateMeter::bandwidth_packets_per_second() const {
    if (probe_count_ == 0) return 0;
    const Micros mid = std::max<Micros>(median(probes_, probe_count_), 1);
    // Average the probes near the median (libsrt getBandwidth: within [median/8, median×8]).
    Micros sum = 0;
    std::int64_t count = 0;
    for (std::size_t i = 0; i < probe_count_; ++i)
        if (probes_[i] < mid * 8 && probes_[i] > mid / 8) {
            sum += probes_[i];
            ++count;
        }
    if (count == 0 || sum <= 0) return static_cast<std::int32_t>(micros_per_second / mid);
    return static_cast<std::int32_t>(std::min<std::int64_t>(count * micros_per_second / sum, INT32_MAX));
}

void PeerBandwidth::on_ack(std::int32_t bandwidth_pkts) {
    if (bandwidth_pkts > 0) bandwidth_ = static_cast<std::int32_t>((std::int64_t{bandwidth_} * 7 + bandwidth_pkts) / 8);
}

}  // namespace websrt::core
