#include "core/tsbpd_time.hpp"

#include <algorithm>
#include <cstdlib>

namespace websrt::core {

namespace {

/// Timestamps wrap at 2^32 µs (≈ 71.6 min, draft §3 "Timestamp").
constexpr Micros timestamp_period = Micros{1} << 32;
/// Within 30 s of the wrap, timestamps are read as belonging to either side of it
/// (libsrt TSBPD_WRAP_PERIOD).
constexpr std::uint32_t wrap_window = 30'000'000;
/// Arrivals in a row that must look early before the base is found late (TsbpdTime::on_early_arrival):
/// a damaged timestamp does not repeat, the packet's retransmission comes intact.
constexpr int early_arrivals_to_rebase = 3;
/// Drift is averaged over 1000 ACKACK samples; beyond ±5 ms the excess moves the base
/// (libsrt TSBPD_DRIFT_MAX_SAMPLES, TSBPD_DRIFT_MAX_VALUE).
constexpr int drift_span = 1000;
constexpr Micros max_drift = 5000;

}  // namespace

void TsbpdTime::set_base(Micros base_time, Micros latency) {
    base_ = base_time;
    latency_ = latency;
    wrap_check_ = false;
    drift_ = 0;
    drift_sum_ = 0;
    drift_samples_ = 0;
    early_arrivals_ = 0;
}

Micros TsbpdTime::packet_base(std::uint32_t timestamp) const {
    // While wrap-aware, a small timestamp already belongs to the next period (libsrt
    // getPktBaseTimeNoLock: carry-over for timestamps up to 2 × TSBPD_WRAP_PERIOD).
    const Micros carry = (wrap_check_ && timestamp <= 2 * wrap_window) ? timestamp_period : 0;
    return base_ + carry + static_cast<Micros>(timestamp);
}

Micros TsbpdTime::delivery_time(std::uint32_t timestamp) {
    // libsrt updateTsbPdTimeBase: entering the last 30 s before the wrap turns wrap-awareness on;
    // a timestamp in [30 s, 60 s] after it means the wrap is behind us: the base moves a period.
    if (wrap_check_) {
        if (timestamp >= wrap_window && timestamp <= 2 * wrap_window) {
            wrap_check_ = false;
            base_ += timestamp_period;
        }
    } else if (timestamp > static_cast<std::uint32_t>(timestamp_period - 1 - wrap_window)) {
        wrap_check_ = true;
    }
    return packet_base(timestamp) + latency_ + drift_;
}

std::optional<Micros> TsbpdTime::on_early_arrival(Micros now, std::uint32_t timestamp, Micros lead) {
    const Micros base = now - (packet_base(timestamp) - base_);  // the base this arrival implies
    if (early_arrivals_ == 0) earliest_early_base_ = latest_early_base_ = base;
    earliest_early_base_ = std::min(earliest_early_base_, base);
    latest_early_base_ = std::max(latest_early_base_, base);
    if (latest_early_base_ - earliest_early_base_ > lead) {
        early_arrivals_ = 1;  // they disagree: damage; start again from this one
        earliest_early_base_ = latest_early_base_ = base;
        return std::nullopt;
    }
    if (++early_arrivals_ < early_arrivals_to_rebase) return std::nullopt;
    early_arrivals_ = 0;
    const Micros earlier = base_ - earliest_early_base_;
    base_ = earliest_early_base_;
    return earlier;
}

void TsbpdTime::on_ackack(std::uint32_t timestamp, Micros now, Micros rtt) {
    if (first_rtt_ < 0) first_rtt_ = rtt;
    // A change of the one-way delay is estimated as half the RTT change (libsrt addDriftSample).
    const Micros rtt_delta = rtt >= 0 ? (rtt - first_rtt_) / 2 : 0;
    drift_sum_ += now - packet_base(timestamp) - rtt_delta;
    if (++drift_samples_ < drift_span) return;
    drift_ = drift_sum_ / drift_samples_;
    drift_sum_ = 0;
    drift_samples_ = 0;
    if (std::llabs(drift_) > max_drift) {
        const Micros overdrift = drift_ < 0 ? -max_drift : max_drift;
        base_ += overdrift;
        drift_ -= overdrift;
    }
}

}  // namespace websrt::core
