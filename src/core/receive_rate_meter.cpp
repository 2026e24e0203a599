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
        // Packets read in one batch carry one time; libsrt stamps each packet as it handles it,
        // never two alike: an interval counts at least 1 µs, so a burst reads as the fast arrival
        // libsrt reports (FileCC sets its rate from this figure).
        intervals_[next_interval_] = std::max<Micros>(now - last_arrival_, 1);
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

ReceiveRateMeter::Arrivals ReceiveRateMeter::kept_arrivals() const {
    // Slots not yet filled count as libsrt's initial 1 s, so a rate is known from the 9th
    // interval on: FileCC needs it before its first loss (libsrt CPktTimeWindow's initial slots).
    std::array<Micros, window> intervals = intervals_;
    for (std::size_t i = interval_count_; i < window; ++i) intervals[i] = unfilled_interval;  // before the ring wraps
    const Micros mid = median(intervals, window);
    Arrivals kept;
    for (std::size_t i = 0; i < window; ++i) {
        // libsrt getPktRcvSpeed keeps the intervals within (median/8, median×8).
        if (intervals[i] >= mid * 8 || intervals[i] <= mid / 8) continue;
        kept.span += intervals[i];
        kept.bytes += sizes_[i] + 44;  // libsrt counts the UDP/IP/SRT headers in the byte rate
        ++kept.count;
    }
    return kept;
}

std::int32_t ReceiveRateMeter::packets_per_second() const {
    const Arrivals kept = kept_arrivals();
    if (kept.count <= static_cast<std::int64_t>(window / 2) || kept.span <= 0) return 0;
    return static_cast<std::int32_t>(std::min<std::int64_t>(kept.count * micros_per_second / kept.span, INT32_MAX));
}

std::int32_t ReceiveRateMeter::bytes_per_second() const {
    const Arrivals kept = kept_arrivals();
    if (kept.count <= static_cast<std::int64_t>(window / 2) || kept.span <= 0) return 0;
    return static_cast<std::int32_t>(std::min<std::int64_t>(kept.bytes * micros_per_second / kept.span, INT32_MAX));
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

namespace {
std::int32_t smoothed(std::int32_t old, std::int32_t sample) {
    return static_cast<std::int32_t>((std::int64_t{old} * 7 + sample) / 8);
}
}  // namespace

void PeerRates::on_ack(std::int32_t bandwidth_pkts, std::int32_t receive_speed_pkts) {
    if (bandwidth_pkts > 0) bandwidth_ = smoothed(bandwidth_, bandwidth_pkts);
    if (receive_speed_pkts > 0) {
        delivery_rate_ = smoothed(delivery_rate_, receive_speed_pkts);
        delivery_reported_ = true;
    }
}

}  // namespace websrt::core
