// The receiver's estimates of its receive speed and of the link capacity, as carried in a full
// ACK (draft-sharabayko-srt §3.2.4; libsrt CPktTimeWindow in window.h: 16 arrival intervals,
// median-filtered, and packet-pair probes on every 16th sequence number).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/time.hpp"
#include "wire/seq.hpp"

namespace websrt::core {

class ReceiveRateMeter {
public:
    void on_data(wire::SeqNo seq, Micros now, std::size_t bytes);

    [[nodiscard]] std::int32_t packets_per_second() const;
    [[nodiscard]] std::int32_t bytes_per_second() const;
    [[nodiscard]] std::int32_t bandwidth_packets_per_second() const;

private:
    static constexpr std::size_t window = 16;                // libsrt ASIZE and PSIZE
    static constexpr Micros unfilled_interval = seconds(1);  // libsrt's initial arrival slots
    struct Arrivals {
        std::int64_t count = 0;
        Micros span = 0;
        std::int64_t bytes = 0;
    };
    /// The arrival intervals the median filter keeps: how many, their sum and their bytes.
    [[nodiscard]] Arrivals kept_arrivals() const;
    std::array<Micros, window> intervals_{};
    std::array<std::int64_t, window> sizes_{};
    std::array<Micros, window> probes_{};
    std::size_t next_interval_ = 0;
    std::size_t next_probe_ = 0;
    std::size_t interval_count_ = 0;
    std::size_t probe_count_ = 0;
    Micros last_arrival_ = -1;
    Micros probe_start_ = -1;
};

/// The data sender's smoothed view of the receiver's reports in full ACKs: its bandwidth estimate
/// (mbpsBandwidth) and receive speed, FileCC's inputs (libsrt processCtrlAck: m_iBandwidth and
/// m_iDeliveryRate, each avg_iir<8>, a report of 0 ignored).
class PeerRates {
public:
    void on_ack(std::int32_t bandwidth_pkts, std::int32_t receive_speed_pkts);
    [[nodiscard]] std::int32_t bandwidth() const { return bandwidth_; }
    [[nodiscard]] std::int32_t delivery_rate() const { return delivery_rate_; }
    /// The delivery rate, or 0 while no ACK has reported one (libsrt's initial 16 is a guess).
    [[nodiscard]] std::int32_t reported_delivery_rate() const { return delivery_reported_ ? delivery_rate_ : 0; }

private:
    std::int32_t bandwidth_ = 1;       // libsrt starts m_iBandwidth at 1 packet/s
    std::int32_t delivery_rate_ = 16;  // and m_iDeliveryRate at 16
    bool delivery_reported_ = false;
};

}  // namespace websrt::core
