// FileCC: the congestion control of SRT file mode (libsrt 1.5.5 FileCC, srtcore/congctl.cpp:255-603, UDT's CUDTCC
// as libsrt adapted it). Slow start grows a packet window until it exceeds the peer's flight window (or a loss or a
// retransmission timeout ends it); after that the window follows the delivery rate and the send period does AIMD:
// every loss-free ACK (at most one per 10 ms) shortens it, a loss above 2 % lengthens it by 3 %.
//
// A pure state machine: the Connection feeds it the events libsrt's updateCC signals (TEV_ACK, TEV_LOSSREPORT,
// TEV_CHECKTIMER with TEV_CHT_REXMIT) with the sender's figures libsrt reads from CUDT, and after each event reads
// window_pkts() and send_period_us() (libsrt m_iCongestionWindow and m_tdSendInterval). New data goes out only while
// the flight span is below min(flow window, window_pkts()); retransmissions ignore the window.
//
// websrt departs from libsrt in one place, on purpose: a loss report counts as congestion only when the RTT shows a
// queue (SRTT above the smallest RTT the ACKs reported, by a quarter of it and at least 1 ms), or before an ACK
// reported a measured RTT. FileCC reads every loss as congestion, and its loss share is the loss list over SRTT / period
// packets: the slower it sends, the fewer packets "in flight", the larger one loss looks. On a path that loses
// packets at random (a radio link; `websrt impair --loss 5`) it slows down at every loss and never recovers: through
// a 5 % loss relay with a flat 40 ms RTT the period went from 0.9 ms to 18 ms in a minute (tests/sim/file_goodput,
// --trace 1), libsrt's own sender crawls the same way. A queue that overflows does raise the RTT first, so a
// congested path is still answered as libsrt answers it.
//
// Where libsrt's arithmetic is undefined or divides by zero on hostile figures (a negative rate, a huge SRTT, an
// out-of-range double-to-int cast), this class clamps or saturates instead; each place says so. Figures a correct
// connection produces give libsrt's numbers exactly.
#pragma once

#include <cstdint>

#include "core/random_source.hpp"
#include "core/time.hpp"
#include "wire/seq.hpp"

namespace websrt::core {

class FileCongestion {
public:
    /// Rate control runs at most once per SYN interval (libsrt m_iRCInterval = COMM_SYN_INTERVAL_US, 10 ms); it is
    /// also the "+ RCInterval" added to SRTT in the window and period formulas.
    static constexpr Micros rate_control_interval = 10'000;
    /// The window and period a new FileCC starts with (libsrt FileCC ctor: m_dCWndSize = 16, m_dPktSndPeriod = 1).
    static constexpr double initial_window_pkts = 16;
    static constexpr double initial_period_us = 1;
    /// Packets added to the rate-derived window after slow start (libsrt onACK: "... * (SRTT + RCInterval) + 16").
    static constexpr double window_headroom_pkts = 16;
    /// A loss report slows down only when the sender's loss list holds at least 2.0 % of the packets in flight
    /// (libsrt onLossReport: lost_pcent_x10 < 20 returns).
    static constexpr std::int64_t min_loss_per_mille = 20;
    /// Each decrease multiplies the period by this, rounded up to a whole µs (libsrt: ceil(m_dPktSndPeriod * 1.03)).
    static constexpr double decrease_factor = 1.03;
    /// Only the first 5 NAKs of a congestion epoch, the one that opens it included, may decrease the rate, so an
    /// epoch slows down at most 5 times (libsrt: m_iDecCount++ < 5, after which m_iNAKCount stops counting too).
    static constexpr int max_decreases_per_epoch = 5;
    /// Weight of the last epoch's NAK count in the running average (libsrt loss_share_factor = 0.03).
    static constexpr double nak_average_weight = 0.03;
    /// The increase step's Beta, 1.5e-6 (libsrt onACK: "* 0.0000015 / MSS").
    static constexpr double increase_beta = 0.0000015;
    /// The increase step's bandwidth ceiling: twice the rate of the last decrease (libsrt loss_bw).
    static constexpr double loss_bandwidth_factor = 2;
    /// The largest period kept, 1 hour. No libsrt counterpart: a safety bound so the period always converts to Micros
    /// (SRTO_MAXBW = 1 byte/s with a hostile MSS asks for years). Real settings stay below it: MAXBW 1 byte/s with MSS
    /// 1500 gives 1500 s, and decreases stop once the period exceeds SRTT (nothing counts as in flight then).
    static constexpr double max_period_us = 3'600'000'000.0;
    /// How far SRTT must exceed the smallest SRTT seen for a loss to count as congestion: a quarter of that minimum,
    /// and at least this much (a loopback's RTT is a fraction of a millisecond, its scheduling noise is not).
    static constexpr double queueing_share = 0.25;
    static constexpr Micros min_queueing_delay = 1'000;
    /// The shortest period send_period_us() reports. libsrt truncates the period to whole µs and a period below 1 µs
    /// becomes 0, no pacing at all (it happens when slow start ends with a delivery rate of 0: the period is then
    /// cwnd / (SRTT + 10 ms), packets per µs taken as µs per packet, about 0.1). We report 1 µs instead, 1 million
    /// packets per second, so a period is always a step forward in time; the window still limits the flight.
    static constexpr Micros min_reported_period_us = 1;

    /// Created when the connection is established in file mode (libsrt creates FileCC when the handshake completes).
    /// `max_window_pkts`: the peer's flight window from the handshake (libsrt m_dMaxCWndSize, normally 8192);
    /// `initial_last_ack`: the sequence number before our ISN (libsrt sndSeqNo() at creation); `max_bw_bytes_per_s`:
    /// SRTO_MAXBW (<= 0: uncapped, as libsrt's default -1 is); `mss`: the configured MSS in bytes (libsrt MSS(),
    /// 1500, not the payload size; values below 1 are taken as 1).
    FileCongestion(Micros now, int max_window_pkts, wire::SeqNo initial_last_ack, std::int64_t max_bw_bytes_per_s,
                   int mss);

    /// A full ACK that advanced the sender's last full ACK (libsrt onACK; not lite ACKs, not repeated ACKs), called
    /// after the sender has folded the ACK's figures into its smoothed ones: `ack` the ACK number (the first
    /// sequence number not received), `delivery_rate_pkts` and `bandwidth_pkts` the smoothed receive speed and
    /// bandwidth in packets per second (libsrt deliveryRate(), bandwidth()), `srtt` the smoothed RTT.
    /// Does nothing within 10 ms of the last rate control (or of creation); those ACKs' packets count at the next one.
    void on_ack(Micros now, wire::SeqNo ack, std::int32_t delivery_rate_pkts, std::int32_t bandwidth_pkts, Micros srtt);
    /// A loss report arrived (libsrt onLossReport), called once per LOSSREPORT after its ranges went into the sender
    /// loss list: `first_lost` the report's first sequence number (range bit removed), `last_sent` the last sequence
    /// number sent (libsrt sndSeqNo()), `loss_length` the sender loss list's length now. `random` draws the epoch's
    /// decrease divisor.
    void on_loss_report(wire::SeqNo first_lost, wire::SeqNo last_sent, int loss_length, std::int32_t delivery_rate_pkts,
                        Micros srtt, RandomSource& random);
    /// An ACK's RTT report (the receiver's smoothed RTT and its variance): the smallest is the path's RTT without a
    /// queue. A report of exactly 100 ms ± 50 ms is a receiver's initial value before it measured anything (libsrt
    /// INITIAL_RTT / INITIAL_RTTVAR, ours alike) and is not taken.
    void on_rtt_report(Micros rtt, Micros rttvar);
    /// The retransmission timer fired (libsrt onRTO with TEV_CHT_REXMIT); it ends slow start and nothing else.
    void on_retransmission_timeout(std::int32_t delivery_rate_pkts, Micros srtt);

    /// The congestion window in packets (libsrt (int) m_dCWndSize), at least 1 and at most INT_MAX.
    [[nodiscard]] int window_pkts() const;
    /// µs between two new data packets: the period truncated to whole µs as libsrt's updateCC does, but at least
    /// min_reported_period_us (see there).
    [[nodiscard]] Micros send_period_us() const;
    /// The unrounded period (libsrt m_dPktSndPeriod, reported in stats as usPktSndPeriod).
    [[nodiscard]] double send_period_exact_us() const { return period_us_; }
    [[nodiscard]] bool slow_start() const { return slow_start_; }

private:
    void leave_slow_start(std::int32_t delivery_rate_pkts, Micros srtt);
    void increase_rate(std::int32_t bandwidth_pkts);
    void decrease_rate();
    /// Whether SRTT shows a queue on the path (see the class comment); true until an ACK reported a measured RTT.
    [[nodiscard]] bool queue_building(Micros srtt) const;

    double max_window_pkts_;
    double max_rate_bytes_per_s_;  // 0: uncapped
    int mss_;
    double window_pkts_ = initial_window_pkts;
    double period_us_ = initial_period_us;
    Micros last_rate_control_;
    bool slow_start_ = true;
    bool loss_since_increase_ = false;
    wire::SeqNo last_ack_;
    wire::SeqNo last_decrease_seq_;  // the last packet sent at the last decrease
    double last_decrease_period_us_ = 1;
    // NAKs of this epoch, counted up to max_decreases_per_epoch (libsrt m_iNAKCount; its m_iDecCount counts on, but
    // only its comparison with 5 is ever read, and m_iNAKCount == min(m_iDecCount, 5)).
    int epoch_nak_count_ = 0;
    int decrease_divisor_ = 1;   // the epoch's NAKs decrease when their count is a multiple of it (libsrt m_iDecRandom)
    int average_nak_count_ = 0;  // NAKs per epoch, a running average (libsrt m_iAvgNAKNum)
    Micros min_rtt_ = 0;         // the smallest measured RTT an ACK reported; 0: none yet
};

}  // namespace websrt::core
