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
    static constexpr std::size_t window = 16;  // libsrt ASIZE and PSIZE
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

/// The data sender's smoothed view of the receiver's bandwidth estimate, for mbpsBandwidth
/// (libsrt processCtrlAck: m_iBandwidth = avg_iir<8>).
class PeerBandwidth {
public:
    void on_ack(std::int32_t bandwidth_pkts);
    [[nodiscard]] std::int32_t bandwidth() const { return bandwidth_; }

private:
    std::int32_t bandwidth_ = 1;  // libsrt starts m_iBandwidth at 1 packet/s
};

}  // namespace websrt::core
