// FileCongestion: libsrt's FileCC (file-mode congestion control) — slow start, the 10 ms rate-control gate, the
// loss epochs with their 1.03 decreases, the UDT increase formula, SRTO_MAXBW, and hostile figures — and websrt's
// one departure, losses without a queue on the path not counted as congestion.
#define BOOST_TEST_MODULE file_congestion
#include <boost/test/unit_test.hpp>

#include "core/file_congestion.hpp"

#include <cmath>
#include <limits>
#include <set>
#include <vector>

using namespace websrt::core;
using websrt::wire::SeqNo;

namespace {

const SeqNo isn(1000);
constexpr Micros srtt_100ms = milliseconds(100);

FileCongestion make(int max_window_pkts = 8192, std::int64_t max_bw = -1) {
    return FileCongestion(0, max_window_pkts, isn.prev(), max_bw, 1500);
}

// Runs one loss epoch of `naks` reports whose first is a new epoch; returns how many of them lengthened the period.
// 1000 packets lost, far above 2 % of the SRTT / period packets in flight while the period is below `srtt`.
int run_epoch(FileCongestion& cc, SeqNo& last_sent, int naks, RandomSource& random, Micros srtt = seconds(1)) {
    const SeqNo first_lost = last_sent.next();
    last_sent = last_sent.plus(1000);
    int decreases = 0;
    for (int i = 0; i < naks; ++i) {
        const double before = cc.send_period_exact_us();
        cc.on_loss_report(first_lost.plus(i), last_sent, 1000, 3000, srtt, random);
        if (cc.send_period_exact_us() != before) ++decreases;
    }
    return decreases;
}

}  // namespace

BOOST_AUTO_TEST_CASE(starts_in_slow_start_with_16_packets_and_a_1_us_period) {
    const FileCongestion cc = make();
    BOOST_TEST(cc.slow_start());
    BOOST_TEST(cc.window_pkts() == 16);
    BOOST_TEST(cc.send_period_us() == 1);
}

BOOST_AUTO_TEST_CASE(slow_start_grows_the_window_by_the_acknowledged_span_and_ignores_acks_within_10_ms) {
    FileCongestion cc = make();
    // Within 10 ms of creation: ignored entirely.
    cc.on_ack(milliseconds(5), isn.plus(10), 1000, 1000, srtt_100ms);
    BOOST_TEST(cc.window_pkts() == 16);
    // libsrt adds seqlen(last ack, ack), inclusive: from ISN-1 to ISN+10 is 12 (10 packets were acknowledged).
    cc.on_ack(milliseconds(10), isn.plus(10), 1000, 1000, srtt_100ms);
    BOOST_TEST(cc.window_pkts() == 16 + 12);
    // 5 ms after that one: ignored, and its packets count at the next ACK that passes the gate.
    cc.on_ack(milliseconds(15), isn.plus(20), 1000, 1000, srtt_100ms);
    BOOST_TEST(cc.window_pkts() == 28);
    cc.on_ack(milliseconds(20), isn.plus(30), 1000, 1000, srtt_100ms);
    BOOST_TEST(cc.window_pkts() == 28 + 21);
    BOOST_TEST(cc.slow_start());
    BOOST_TEST(cc.send_period_us() == 1);
}

BOOST_AUTO_TEST_CASE(slow_start_counts_across_the_sequence_number_wrap) {
    const SeqNo before_wrap(SeqNo::max_value - 2);
    FileCongestion cc(0, 8192, before_wrap, -1, 1500);
    cc.on_ack(milliseconds(10), SeqNo(5), 1000, 1000, srtt_100ms);  // max-2 .. max, 0 .. 5: 9 numbers
    BOOST_TEST(cc.window_pkts() == 16 + 9);
}

BOOST_AUTO_TEST_CASE(
    leaving_slow_start_when_the_window_exceeds_the_peers_window_sets_the_period_from_the_delivery_rate) {
    FileCongestion cc = make(100);
    cc.on_ack(milliseconds(10), isn.plus(80), 1000, 0, srtt_100ms);  // 16 + 82 = 98: not above 100
    BOOST_TEST(cc.slow_start());
    cc.on_ack(milliseconds(20), isn.plus(90), 1000, 0, srtt_100ms);  // 98 + 11 = 109 > 100
    BOOST_TEST(!cc.slow_start());
    BOOST_TEST(cc.window_pkts() == 109);  // the slow-start window stays until the next ACK
    // Period 1e6 / 1000 = 1000 µs, then the same ACK's increase: bandwidth 0 leaves no spare bandwidth, so the
    // step is the minimum 1/MSS: 1000 * 10000 / (1000/1500 + 10000) = 999.933.
    BOOST_TEST(cc.send_period_exact_us() == 1000.0 * 10000 / (1000.0 / 1500 + 10000));
    BOOST_TEST(cc.send_period_us() == 999);
    // From now on the window follows the delivery rate: 1000 pkt/s * (100 ms + 10 ms) + 16.
    cc.on_ack(milliseconds(30), isn.plus(100), 1000, 0, srtt_100ms);
    BOOST_TEST(cc.window_pkts() == 110 + 16);
}

BOOST_AUTO_TEST_CASE(leaving_slow_start_with_no_delivery_rate_sends_the_window_once_per_rtt) {
    FileCongestion cc = make();
    cc.on_retransmission_timeout(0, srtt_100ms);
    BOOST_TEST(!cc.slow_start());
    // (SRTT + 10 ms) / 16 packets; libsrt's formula is the inverse, far below 1 µs (no pacing).
    BOOST_TEST(cc.send_period_exact_us() == 110'000.0 / 16);
    BOOST_TEST(cc.send_period_us() == 6875);
}

BOOST_AUTO_TEST_CASE(a_retransmission_timeout_ends_slow_start_and_changes_nothing_after_it) {
    FileCongestion cc = make();
    cc.on_retransmission_timeout(500, srtt_100ms);
    BOOST_TEST(!cc.slow_start());
    BOOST_TEST(cc.send_period_us() == 2000);
    BOOST_TEST(cc.window_pkts() == 16);
    cc.on_retransmission_timeout(50, srtt_100ms);  // no doubling, as UDT had
    BOOST_TEST(cc.send_period_us() == 2000);
}

BOOST_AUTO_TEST_CASE(a_loss_report_ends_slow_start_with_the_period_from_the_delivery_rate) {
    FileCongestion cc = make();
    SeededRandom random(1);
    cc.on_loss_report(isn.plus(3), isn.plus(10), 1, 4000, srtt_100ms, random);
    BOOST_TEST(!cc.slow_start());
    BOOST_TEST(cc.send_period_exact_us() == 250.0);  // 1 lost of 400 in flight: under 2 %, no decrease
    BOOST_TEST(cc.window_pkts() == 16);
}

BOOST_AUTO_TEST_CASE(a_loss_under_2_percent_does_not_slow_down) {
    FileCongestion cc = make();
    SeededRandom random(1);
    cc.on_retransmission_timeout(1000, srtt_100ms);  // period 1000 µs: 100 ms / 1000 µs = 100 in flight
    cc.on_loss_report(isn.plus(5), isn.plus(100), 1, 1000, srtt_100ms, random);  // 1.0 %
    BOOST_TEST(cc.send_period_exact_us() == 1000.0);
    cc.on_loss_report(isn.plus(50), isn.plus(100), 1, 1000, srtt_100ms, random);
    BOOST_TEST(cc.send_period_exact_us() == 1000.0);
    // 2 of 100 is 2.0 %: not under the threshold.
    cc.on_loss_report(isn.plus(60), isn.plus(100), 2, 1000, srtt_100ms, random);
    BOOST_TEST(cc.send_period_exact_us() == 1030.0);
}

BOOST_AUTO_TEST_CASE(no_slowdown_when_less_than_one_packet_is_in_flight) {
    FileCongestion cc = make();
    SeededRandom random(1);
    cc.on_retransmission_timeout(1000, srtt_100ms);
    // SRTT 500 µs over a 1000 µs period: 0 in flight, which libsrt counts as 0 % lost.
    cc.on_loss_report(isn.plus(5), isn.plus(100), 1000, 1000, 500, random);
    BOOST_TEST(cc.send_period_exact_us() == 1000.0);
}

BOOST_AUTO_TEST_CASE(a_loss_above_2_percent_in_a_new_epoch_multiplies_the_period_by_1_03_rounded_up) {
    FileCongestion cc = make();
    SeededRandom random(1);
    cc.on_retransmission_timeout(3000, srtt_100ms);  // 333.3 µs, 300 in flight
    const SeqNo last_sent = isn.plus(200);
    cc.on_loss_report(isn.plus(50), last_sent, 10, 3000, srtt_100ms, random);  // 3.3 %
    BOOST_TEST(cc.send_period_exact_us() == 344.0);                            // ceil(343.33)
    // The first epoch's divisor is 1 (no NAK average yet), so NAKs 2 to 5 of the epoch each decrease once more,
    // and the epoch stops there.
    double expected = 344.0;
    for (int nak = 2; nak <= 5; ++nak) {
        cc.on_loss_report(isn.plus(60 + nak), last_sent, 10, 3000, srtt_100ms, random);
        expected = std::ceil(expected * 1.03);
        BOOST_TEST(cc.send_period_exact_us() == expected);
    }
    BOOST_TEST(expected == 389.0);  // 344, 355, 366, 377, 389
    for (int nak = 6; nak <= 20; ++nak) cc.on_loss_report(isn.plus(70), last_sent, 10, 3000, srtt_100ms, random);
    BOOST_TEST(cc.send_period_exact_us() == 389.0);
    // A loss beyond everything sent at the last decrease opens a new epoch.
    cc.on_loss_report(last_sent.next(), isn.plus(400), 10, 3000, srtt_100ms, random);
    BOOST_TEST(cc.send_period_exact_us() == std::ceil(389.0 * 1.03));
}

BOOST_AUTO_TEST_CASE(a_loss_without_a_queue_on_the_path_does_not_slow_down_and_the_increases_go_on) {
    // websrt's departure from libsrt (file_congestion.hpp): random loss on a path whose RTT has not risen.
    FileCongestion cc = make();
    SeededRandom random(1);
    cc.on_rtt_report(milliseconds(40), milliseconds(2));
    cc.on_retransmission_timeout(3000, milliseconds(40));  // 333.3 µs
    const double before = cc.send_period_exact_us();
    for (int nak = 0; nak < 20; ++nak)  // every one "above 2 %" by libsrt's count
        cc.on_loss_report(isn.plus(50 + nak), isn.plus(200), 10, 3000, milliseconds(49), random);
    BOOST_TEST(cc.send_period_exact_us() == before);
    // The next rate control increases the rate: the loss did not count against it.
    cc.on_ack(milliseconds(20), isn.plus(100), 3000, 8000, milliseconds(40));
    BOOST_TEST(cc.send_period_exact_us() < before);
}

BOOST_AUTO_TEST_CASE(a_loss_while_the_rtt_shows_a_queue_slows_down_as_libsrt) {
    FileCongestion cc = make();
    SeededRandom random(1);
    cc.on_rtt_report(milliseconds(40), milliseconds(2));
    cc.on_retransmission_timeout(3000, milliseconds(40));
    // SRTT 51 ms: above 40 ms + a quarter of it.
    cc.on_loss_report(isn.plus(50), isn.plus(200), 10, 3000, milliseconds(51), random);
    BOOST_TEST(cc.send_period_exact_us() == 344.0);
}

BOOST_AUTO_TEST_CASE(a_receivers_initial_100_ms_report_is_not_taken_for_the_paths_rtt) {
    // Before its first ACKACK a receiver reports its initial 100 ms ± 50 ms: were that the path's minimum, a real
    // 200 ms RTT would look like a queue and every random loss like congestion.
    FileCongestion cc = make();
    SeededRandom random(1);
    cc.on_rtt_report(milliseconds(100), milliseconds(50));
    cc.on_rtt_report(milliseconds(200), milliseconds(5));
    cc.on_retransmission_timeout(3000, milliseconds(200));
    const double before = cc.send_period_exact_us();
    cc.on_loss_report(isn.plus(50), isn.plus(200), 10, 3000, milliseconds(200), random);
    BOOST_TEST(cc.send_period_exact_us() == before);
}

BOOST_AUTO_TEST_CASE(later_epochs_decrease_only_on_naks_that_are_multiples_of_the_random_divisor) {
    // The NAK average: epoch 1 starts from 0 (divisor 1); 5 NAKs give ceil(0.15) = 1 (divisor 1) for epoch 2;
    // 5 more give ceil(1 * 0.97 + 0.15) = 2 for epoch 3 (divisor 1 or 2); then ceil(2.09) = 3 for epoch 4.
    // Of NAKs 2 to 5, divisor 1 decreases on 4, divisor 2 on 2 (NAKs 2, 4), divisor 3 on 1 (NAK 3).
    std::set<int> epoch3_decreases;
    std::set<int> epoch4_decreases;
    for (std::uint64_t seed = 1; seed <= 200; ++seed) {
        SeededRandom random(seed);
        FileCongestion cc = make();
        cc.on_retransmission_timeout(3000, srtt_100ms);
        SeqNo last_sent = isn.plus(100);
        BOOST_TEST(run_epoch(cc, last_sent, 8, random) == 5);
        BOOST_TEST(run_epoch(cc, last_sent, 8, random) == 5);
        epoch3_decreases.insert(run_epoch(cc, last_sent, 8, random));
        epoch4_decreases.insert(run_epoch(cc, last_sent, 8, random));
    }
    BOOST_TEST((epoch3_decreases == std::set<int>{1 + 2, 1 + 4}));
    BOOST_TEST((epoch4_decreases == std::set<int>{1 + 1, 1 + 2, 1 + 4}));
}

BOOST_AUTO_TEST_CASE(the_increase_after_a_loss_free_ack_follows_the_udt_formula) {
    // Expected values worked by hand from the spec's formula (section 3, onACK step 3), not from the code:
    // leaving slow start at 1000 pkt/s gives period 1000 µs; last decrease period 1 so loss_bw = 2e6;
    // bw = min(2e6, 10000) = 10000; B = 10000 - 1e6/1000 = 9000; period 1000 > 1 and 10000/9 = 1111 < 9000, so
    // B = 1111; B * 1500 * 8 = 13,332,000, log10 = 7.12, ceil 8; inc = 1e8 * 1.5e-6 / 1500 = 0.1;
    // period = 1000 * 10000 / (1000 * 0.1 + 10000) = 1e7 / 10100 = 990.099.
    FileCongestion cc = make(10);
    cc.on_ack(milliseconds(10), isn.plus(20), 1000, 10000, srtt_100ms);
    BOOST_TEST(!cc.slow_start());
    BOOST_TEST(cc.send_period_exact_us() == 1e7 / 10100, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(cc.send_period_us() == 990);

    // A loss under 2 % records this period as the last decrease point (990.099) and the next ACK only clears the
    // loss flag. At the ACK after it: loss_bw = (int)(2 * 1e6 / 990.099) = 2020; bw = min(2020, 10000) = 2020;
    // B = (int64)(2020 - 1010) = 1010 (the period is not above the decrease point, so no ninth);
    // 1010 * 12000 = 12,120,000, ceil(log10) = 8, inc = 0.1 again; period = 990.099 * 10000 / (99.0099 + 10000)
    // = 980.392.
    SeededRandom random(1);
    cc.on_loss_report(isn.plus(15), isn.plus(30), 0, 1000, srtt_100ms, random);
    cc.on_ack(milliseconds(20), isn.plus(25), 1000, 10000, srtt_100ms);
    BOOST_TEST(cc.send_period_exact_us() == 1e7 / 10100, boost::test_tools::tolerance(1e-12));
    cc.on_ack(milliseconds(30), isn.plus(30), 1000, 10000, srtt_100ms);
    BOOST_TEST(cc.send_period_exact_us() == 980.392156862745, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(cc.send_period_us() == 980);
}

BOOST_AUTO_TEST_CASE(a_small_spare_bandwidth_increases_by_at_least_one_over_mss) {
    // Hand computation: rate 1000 gives period 1000 µs, bandwidth 1005 leaves B = 5 (not above a ninth, 111);
    // 5 * 1500 * 8 = 60,000, ceil(log10) = 5, 1e5 * 1.5e-6 / 1500 = 1e-4 < 1/1500, so inc = 1/1500.
    FileCongestion cc = make(10);
    cc.on_ack(milliseconds(10), isn.plus(20), 1000, 1005, srtt_100ms);
    BOOST_TEST(cc.send_period_exact_us() == 1000.0 * 10000 / (1000.0 / 1500 + 10000),
               boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(maxbw_caps_the_period_on_acks) {
    // 1.5 MB/s with MSS 1500: 1000 packets per second, at least 1000 µs apart.
    FileCongestion cc = make(8192, 1'500'000);
    cc.on_ack(milliseconds(10), isn.plus(20), 1000, 10000, srtt_100ms);  // in slow start, period 1 µs
    BOOST_TEST(cc.slow_start());
    BOOST_TEST(cc.send_period_us() == 1000);
    // A timeout sets the rate from a delivery rate of 10000 pkt/s; libsrt applies the cap at the next ACK only.
    cc.on_retransmission_timeout(10000, srtt_100ms);
    BOOST_TEST(cc.send_period_us() == 100);
    cc.on_ack(milliseconds(20), isn.plus(40), 10000, 10000, srtt_100ms);
    BOOST_TEST(cc.send_period_us() == 1000);
}

BOOST_AUTO_TEST_CASE(maxbw_zero_or_negative_is_uncapped) {
    for (const std::int64_t max_bw : {std::int64_t{0}, std::int64_t{-1}}) {
        FileCongestion cc = make(8192, max_bw);
        cc.on_ack(milliseconds(10), isn.plus(20), 1000, 10000, srtt_100ms);
        BOOST_TEST(cc.send_period_us() == 1);
    }
}

BOOST_AUTO_TEST_CASE(hostile_inputs_never_give_a_zero_negative_or_non_finite_window_or_period) {
    constexpr auto i32_min = std::numeric_limits<std::int32_t>::min();
    constexpr auto i32_max = std::numeric_limits<std::int32_t>::max();
    constexpr auto i64_min = std::numeric_limits<std::int64_t>::min();
    constexpr auto i64_max = std::numeric_limits<std::int64_t>::max();
    const std::vector<std::int32_t> rates{i32_min, -1, 0, 1, 16, i32_max};
    const std::vector<Micros> srtts{i64_min / 2, -10'000, -1, 0, 1, srtt_100ms, i64_max / 2};
    const std::vector<int> max_windows{i32_min, 0, 1, 8192, i32_max};
    const std::vector<std::int64_t> max_bws{i64_min, -1, 0, 1, i64_max};
    const std::vector<int> msses{i32_min, 0, 1, 1500, i32_max};
    const std::vector<int> loss_lengths{i32_min, -1, 0, 1, 1000, i32_max};

    auto check = [](const FileCongestion& cc) {
        const double period = cc.send_period_exact_us();
        BOOST_REQUIRE(std::isfinite(period));
        BOOST_REQUIRE(period > 0);
        BOOST_REQUIRE(period <= FileCongestion::max_period_us);
        BOOST_REQUIRE(cc.send_period_us() >= 1);
        BOOST_REQUIRE(cc.window_pkts() >= 1);
    };

    SeededRandom random(7);
    auto pick = [&random](const auto& values) { return values[random.next_u32() % values.size()]; };
    for (int run = 0; run < 3000; ++run) {
        FileCongestion cc(0, pick(max_windows), SeqNo(random.next_u32()), pick(max_bws), pick(msses));
        check(cc);
        Micros now = 0;
        SeqNo seq(random.next_u32());
        for (int event = 0; event < 40; ++event) {
            now += milliseconds(random.next_u32() % 30);
            seq = seq.plus(random.next_u32() % 3 == 0 ? -static_cast<int>(random.next_u32() % 100)
                                                      : static_cast<int>(random.next_u32() % 100'000));
            switch (random.next_u32() % 3) {
            case 0: cc.on_ack(now, seq, pick(rates), pick(rates), pick(srtts)); break;
            case 1:
                cc.on_loss_report(SeqNo(random.next_u32()), seq, pick(loss_lengths), pick(rates), pick(srtts), random);
                break;
            default: cc.on_retransmission_timeout(pick(rates), pick(srtts)); break;
            }
            check(cc);
        }
    }
}

BOOST_AUTO_TEST_CASE(endless_new_loss_epochs_keep_the_period_finite) {
    // Decreases stop once the period exceeds SRTT (less than one packet in flight counts as no loss), and SRTT is
    // taken as at most INT32_MAX µs as libsrt's int SRTT(), so the period settles just above that.
    FileCongestion cc = make();
    SeededRandom random(3);
    cc.on_retransmission_timeout(1, srtt_100ms);  // 1e6 µs
    SeqNo last_sent = isn;
    for (int epoch = 0; epoch < 2000; ++epoch) {
        run_epoch(cc, last_sent, 5, random, std::numeric_limits<Micros>::max());
    }
    BOOST_TEST(std::isfinite(cc.send_period_exact_us()));
    BOOST_TEST(cc.send_period_exact_us() > std::numeric_limits<std::int32_t>::max());
    BOOST_TEST(cc.send_period_exact_us() <= std::ceil(std::numeric_limits<std::int32_t>::max() * 1.03));
}

BOOST_AUTO_TEST_CASE(the_period_never_exceeds_one_hour) {
    // SRTO_MAXBW 1 byte/s with a (hostile) MSS of INT_MAX would ask for 2e15 µs between packets.
    FileCongestion cc(0, 8192, isn.prev(), 1, std::numeric_limits<int>::max());
    cc.on_ack(milliseconds(10), isn.plus(20), 1000, 10000, srtt_100ms);
    BOOST_TEST(cc.send_period_exact_us() == FileCongestion::max_period_us);
    BOOST_TEST(cc.send_period_us() == Micros{3'600'000'000});
}
