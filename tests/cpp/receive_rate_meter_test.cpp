// ReceiveRateMeter: receive speed from arrival intervals and link capacity from packet pairs.
#define BOOST_TEST_MODULE receive_rate_meter
#include <boost/test/unit_test.hpp>

#include "core/receive_rate_meter.hpp"

using namespace websrt::core;
using websrt::wire::SeqNo;

BOOST_AUTO_TEST_CASE(steady_arrivals_give_their_rate_and_outliers_are_filtered) {
    ReceiveRateMeter meter;
    // Before any arrival libsrt's initial slots (1 s each) say 1 packet/s.
    BOOST_TEST(meter.packets_per_second() == 1);
    Micros now = 0;
    for (std::uint32_t seq = 1; seq <= 40; ++seq) {
        now += seq == 30 ? 100'000 : 1'000;  // one 100 ms stall
        meter.on_data(SeqNo(seq), now, 1316);
    }
    BOOST_TEST(meter.packets_per_second() == 1000);
    BOOST_TEST(meter.bytes_per_second() == 1'360'000);
}

BOOST_AUTO_TEST_CASE(a_rate_is_known_from_the_ninth_interval_as_libsrts_initial_slots_allow) {
    ReceiveRateMeter meter;
    Micros now = 0;
    for (std::uint32_t seq = 1; seq <= 9; ++seq) {  // 8 intervals: half the window is no majority
        now += 1'000;
        meter.on_data(SeqNo(seq), now, 1316);
    }
    BOOST_TEST(meter.packets_per_second() == 0);
    now += 1'000;
    meter.on_data(SeqNo(10), now, 1316);  // the 9th interval
    BOOST_TEST(meter.packets_per_second() == 1000);
}

BOOST_AUTO_TEST_CASE(packets_read_in_one_batch_count_as_1_us_apart_as_libsrts_own_stamps_would) {
    // A driver stamps a receive batch with one time; libsrt stamps each packet as it handles it.
    ReceiveRateMeter meter;
    for (std::uint32_t seq = 1; seq <= 17; ++seq) meter.on_data(SeqNo(seq), 5'000, 1316);
    BOOST_TEST(meter.packets_per_second() == 1'000'000);
}

BOOST_AUTO_TEST_CASE(packet_pairs_measure_the_bottleneck) {
    ReceiveRateMeter meter;
    Micros now = 0;
    for (std::uint32_t seq = 0; seq < 64; ++seq) {
        // Pairs (16k, 16k+1) arrive 100 µs apart: a 10,000 packets/s bottleneck.
        now += seq % 16 == 1 ? 100 : 1'000;
        meter.on_data(SeqNo(seq), now, 1316);
    }
    BOOST_TEST(meter.bandwidth_packets_per_second() == 10'000);
}

BOOST_AUTO_TEST_CASE(the_sender_smooths_reported_bandwidth_and_receive_speed_over_eight_acks) {
    PeerRates peer;
    peer.on_ack(8001, 1600);
    BOOST_TEST(peer.bandwidth() == (1 * 7 + 8001) / 8);
    BOOST_TEST(peer.delivery_rate() == (16 * 7 + 1600) / 8);
    peer.on_ack(0, 0);  // no report: nothing changes
    BOOST_TEST(peer.bandwidth() == (1 * 7 + 8001) / 8);
    BOOST_TEST(peer.delivery_rate() == (16 * 7 + 1600) / 8);
}
