// One live stream from a caller to a listener through simulated links, checked against the
// invariants a live SRT stream must keep whatever the network does:
//   - every message is delivered at most once and in order, with its bytes intact;
//   - every message is delivered at its TSBPD time (the same end-to-end delay for all), or at once
//     when it arrived after that time (libsrt plays such a packet belated; it holds nothing back);
//   - every message up to the last one delivered is either delivered or counted in the receiver's
//     pktRcvDrop;
//   - the sender's pktSent and the receiver's pktRecv match the data packets the links carried.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace websrt::sim {

using core::Micros;

struct LiveScenario {
    std::string name;
    // Each seed draws its RTT and latency from these ranges (latency in multiples of the RTT).
    Micros min_rtt = core::milliseconds(20);
    Micros max_rtt = core::milliseconds(300);
    double min_latency_rtts = 1;
    double max_latency_rtts = 5;
    // Both directions of the link.
    double loss_percent = 0;
    double burst_length = 1;
    Micros jitter = 0;
    double reorder_percent = 0;
    double duplicate_percent = 0;
    double corrupt_percent = 0;
    double truncate_percent = 0;
    double forward_rate_mbit = 0;  // caller → listener only
    double receiver_drift_ppm = 0;
    // Wraps: the caller's initial sequence number (nothing: random), and how long the connection
    // idles before the stream starts (the 32-bit microsecond timestamps wrap 2³² µs after it began).
    std::optional<std::uint32_t> initial_seq;
    Micros idle_before_stream = 0;
    int max_seeds = 0;  // a slow scenario runs at most this many seeds of a sweep (0: all)
    // Encryption on both sides (none when the passphrase is empty); a small refresh rate makes
    // the sender switch keys many times in one stream.
    std::string passphrase;
    std::int64_t km_refresh_rate_pkts = 0;
    std::int64_t km_preannounce_pkts = 0;
    bool aes_gcm = false;
    // SRTO_PACKETFILTER on both sides (none when empty).
    std::string packet_filter;
    // The stream.
    int messages = 1000;
    Micros interval = core::milliseconds(2);
    std::size_t message_size = 1316;
    // Expectations beyond the invariants: delivery over all seeds, and per seed.
    double min_mean_delivery_ratio = 0;
    double min_seed_delivery_ratio = 0;
    Micros max_delay_spread = core::milliseconds(2);  // max − min delay of the messages that arrived in time
    bool expect_drops = false;
};

struct LiveOutcome {
    std::uint64_t seed = 0;
    Micros rtt = 0;
    int latency_ms = 0;
    int sent = 0;
    int delivered = 0;
    std::int64_t counted_dropped = 0;
    std::int64_t unique_sent = 0;
    std::int64_t retransmitted = 0;
    std::int64_t filter_extra = 0;  // FEC packets sent
    std::uint64_t undecodable = 0;
    Micros min_delay = 0;
    Micros max_delay = 0;
    std::vector<std::pair<std::uint32_t, Micros>> delays;  // (message index, end-to-end delay)
    std::string closed;                                    // why a side's connection closed during the run, if one did
    std::vector<std::string> violations;

    [[nodiscard]] double delivery_ratio() const { return sent ? static_cast<double>(delivered) / sent : 0; }
    /// Retransmissions and FEC packets per original packet.
    [[nodiscard]] double overhead() const {
        return unique_sent ? static_cast<double>(retransmitted + filter_extra) / static_cast<double>(unique_sent) : 0;
    }
};

LiveOutcome run_live(const LiveScenario& scenario, std::uint64_t seed);

/// The scenarios `npm test` sweeps (issue 4's list).
std::vector<LiveScenario> standard_live_scenarios();

}  // namespace websrt::sim
