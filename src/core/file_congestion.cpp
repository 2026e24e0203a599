#include "core/file_congestion.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace websrt::core {

namespace {

constexpr double micros_per_second_f = 1'000'000.0;
constexpr double rc_interval_f = static_cast<double>(FileCongestion::rate_control_interval);

/// libsrt's SRTT() is an int of µs that a correct RTT estimator keeps positive: a negative SRTT could make
/// SRTT + 10 ms zero (a division by zero in the slow-start exit), a huge one overflow the (int) casts.
double usable_srtt_us(Micros srtt) {
    return static_cast<double>(std::clamp<Micros>(srtt, 0, std::numeric_limits<std::int32_t>::max()));
}

/// Rates from ACKs are counts per second; a negative one (libsrt would compute a negative window from it) counts as
/// 0, which takes the same branch as libsrt's "deliveryRate() > 0" test.
double usable_rate(std::int32_t pkts_per_s) { return static_cast<double>(std::max<std::int32_t>(pkts_per_s, 0)); }

/// libsrt's (int) and (int64_t) casts of doubles are undefined out of range; these saturate.
int saturate_int(double value) {
    if (!(value > std::numeric_limits<int>::min())) return std::numeric_limits<int>::min();
    if (!(value < std::numeric_limits<int>::max())) return std::numeric_limits<int>::max();
    return static_cast<int>(value);
}
std::int64_t saturate_int64(double value) {
    // 2^63 as a double; every double below it converts.
    constexpr double limit = 9'223'372'036'854'775'808.0;
    if (!(value > -limit)) return std::numeric_limits<std::int64_t>::min();
    if (!(value < limit)) return std::numeric_limits<std::int64_t>::max();
    return static_cast<std::int64_t>(value);
}

/// A uniform integer in [low, high] (libsrt genRandomInt, std::uniform_int_distribution), by rejection so that
/// no value is favoured.
int uniform_int(RandomSource& random, int low, int high) {
    const std::uint64_t span = static_cast<std::uint64_t>(high - low) + 1;
    const std::uint64_t accepted = ((std::uint64_t{1} << 32) / span) * span;
    std::uint64_t draw = random.next_u32();
    while (draw >= accepted) draw = random.next_u32();
    return low + static_cast<int>(draw % span);
}

}  // namespace

FileCongestion::FileCongestion(Micros now, int max_window_pkts, wire::SeqNo initial_last_ack,
                               std::int64_t max_bw_bytes_per_s, int mss)
    : max_window_pkts_(max_window_pkts),
      max_rate_bytes_per_s_(max_bw_bytes_per_s > 0 ? static_cast<double>(max_bw_bytes_per_s) : 0),
      mss_(std::max(mss, 1)),
      last_rate_control_(now),
      last_ack_(initial_last_ack),
      last_decrease_seq_(initial_last_ack.prev()) {}

void FileCongestion::on_ack(Micros now, wire::SeqNo ack, std::int32_t delivery_rate_pkts, std::int32_t bandwidth_pkts,
                            Micros srtt) {
    if (now - last_rate_control_ < rate_control_interval) return;
    last_rate_control_ = now;

    if (slow_start_) {
        // libsrt adds seqlen(m_iLastAck, ack), inclusive: one more than the packets newly acknowledged. An ACK behind
        // the last one (which an advancing full ACK never is) adds nothing here; libsrt's seqlen would read it as a
        // wrap and add about 2^31.
        const std::int32_t advance = wire::SeqNo::offset(last_ack_, ack);
        if (advance >= 0) {
            window_pkts_ += static_cast<double>(advance) + 1;
            last_ack_ = ack;
        }
        if (window_pkts_ > max_window_pkts_) leave_slow_start(delivery_rate_pkts, srtt);
    } else {
        window_pkts_ = usable_rate(delivery_rate_pkts) / micros_per_second_f * (usable_srtt_us(srtt) + rc_interval_f) +
                       window_headroom_pkts;
    }

    // The ACK that ends slow start already increases the rate.
    if (!slow_start_) {
        if (loss_since_increase_) {
            loss_since_increase_ = false;
        } else {
            increase_rate(bandwidth_pkts);
        }
    }

    // SRTO_MAXBW, checked here only, as libsrt does (a loss report or a timeout may set a shorter period until the
    // next ACK).
    if (max_rate_bytes_per_s_ > 0) {
        const double min_period_us = micros_per_second_f / (max_rate_bytes_per_s_ / mss_);
        period_us_ = std::min(std::max(period_us_, min_period_us), max_period_us);
    }
}

void FileCongestion::on_loss_report(wire::SeqNo first_lost, wire::SeqNo last_sent, int loss_length,
                                    std::int32_t delivery_rate_pkts, Micros srtt, RandomSource& random) {
    if (slow_start_) leave_slow_start(delivery_rate_pkts, srtt);
    // A loss with no queue on the path is not congestion: it is answered as libsrt answers a loss below 2 % (the
    // increase's reference becomes the current rate), and the increases go on.
    if (!queue_building(srtt)) {
        last_decrease_period_us_ = period_us_;
        return;
    }
    loss_since_increase_ = true;

    // libsrt estimates the packets in flight as SRTT / period (its TODO suggests the sequence span instead).
    const int in_flight = saturate_int(usable_srtt_us(srtt) / period_us_);
    const std::int64_t lost = std::max(loss_length, 0);
    const std::int64_t lost_per_mille = in_flight > 0 ? lost * 1000 / in_flight : 0;
    if (lost_per_mille < min_loss_per_mille) {
        last_decrease_period_us_ = period_us_;
        return;
    }

    if (first_lost > last_decrease_seq_) {
        // A loss after everything sent at the last decrease: a new congestion epoch.
        last_decrease_period_us_ = period_us_;
        decrease_rate();
        average_nak_count_ = static_cast<int>(
            std::ceil(average_nak_count_ * (1 - nak_average_weight) + epoch_nak_count_ * nak_average_weight));
        epoch_nak_count_ = 1;
        last_decrease_seq_ = last_sent;
        decrease_divisor_ = average_nak_count_ > 1 ? uniform_int(random, 1, average_nak_count_) : 1;
    } else if (epoch_nak_count_ < max_decreases_per_epoch) {
        ++epoch_nak_count_;
        if (epoch_nak_count_ % decrease_divisor_ == 0) {
            decrease_rate();
            last_decrease_seq_ = last_sent;
        }
    }
}

void FileCongestion::on_retransmission_timeout(std::int32_t delivery_rate_pkts, Micros srtt) {
    // UDT doubled the period here; libsrt has that commented out, so only slow start ends.
    if (slow_start_) leave_slow_start(delivery_rate_pkts, srtt);
}

int FileCongestion::window_pkts() const { return std::max(saturate_int(window_pkts_), 1); }

Micros FileCongestion::send_period_us() const {
    return std::max(static_cast<Micros>(period_us_), min_reported_period_us);
}

void FileCongestion::leave_slow_start(std::int32_t delivery_rate_pkts, Micros srtt) {
    slow_start_ = false;
    const double rate = usable_rate(delivery_rate_pkts);
    if (rate > 0) {
        period_us_ = micros_per_second_f / rate;
    } else {
        // No rate reported yet (a loss before the receiver's first full ACK): the window's packets
        // once per RTT. libsrt divides the other way round (packets per µs where µs per packet is
        // meant: ~0.1 µs, no pacing at all), and with its initial rate of 16 packets/s instead of
        // "none" it leaves slow start at 62.5 ms per packet and crawls for minutes (seen through
        // websrt impair at 5 % loss, towards libsrt as towards websrt). The window is at least 16.
        period_us_ = (usable_srtt_us(srtt) + rc_interval_f) / window_pkts_;
    }
}

void FileCongestion::increase_rate(std::int32_t bandwidth_pkts) {
    // Aim at the measured bandwidth, at most twice the rate at the last decrease.
    const int loss_bandwidth_pkts =
        saturate_int(loss_bandwidth_factor * (micros_per_second_f / last_decrease_period_us_));
    const int bandwidth = std::min(loss_bandwidth_pkts, static_cast<int>(bandwidth_pkts));
    std::int64_t spare_pkts = saturate_int64(bandwidth - micros_per_second_f / period_us_);
    // Slower than at the last decrease: approach by at most a ninth of the bandwidth.
    if (period_us_ > last_decrease_period_us_ && bandwidth / 9 < spare_pkts) spare_pkts = bandwidth / 9;

    const double min_increase = 1.0 / mss_;
    double increase = min_increase;
    if (spare_pkts > 0) {
        // The spare bandwidth in bits per second, rounded up to a power of ten, times Beta, per MSS byte.
        const double spare_bits = static_cast<double>(spare_pkts * mss_) * 8.0;
        increase = std::max(std::pow(10.0, std::ceil(std::log10(spare_bits))) * increase_beta / mss_, min_increase);
    }
    period_us_ = (period_us_ * rc_interval_f) / (period_us_ * increase + rc_interval_f);
}

void FileCongestion::on_rtt_report(Micros rtt, Micros rttvar) {
    constexpr Micros initial_rtt = 100'000;
    constexpr Micros initial_rttvar = 50'000;
    if (rtt <= 0 || (rtt == initial_rtt && rttvar == initial_rttvar)) return;
    if (min_rtt_ == 0 || rtt < min_rtt_) min_rtt_ = rtt;
}

bool FileCongestion::queue_building(Micros srtt) const {
    if (min_rtt_ == 0) return true;
    const double margin =
        std::max(queueing_share * static_cast<double>(min_rtt_), static_cast<double>(min_queueing_delay));
    return usable_srtt_us(srtt) > static_cast<double>(min_rtt_) + margin;
}

void FileCongestion::decrease_rate() { period_us_ = std::min(std::ceil(period_us_ * decrease_factor), max_period_us); }

}  // namespace websrt::core
