// ReceiveRateMeter: receive speed from arrival intervals and link capacity from packet pairs.
#define BOOST_TEST_MODULE receive_rate_meter
#include <boost/test/unit_test.hpp>

#include "core/receive_rate_meter.hpp"

using namespace websrt::core;
using websrt::wire::SeqNo;

BOOST_AUTO_TEST_CASE(steady_arrivals_give_their_rate_and_outliers_are_filtered) {
    ReceiveRateMeter meter;
    BOOST_TEST(meter.packets_per_second() == 0);  // not enough samples yet
    Micros now = 0;
    for (std::uint32_t seq = 1; seq <= 40; ++seq) {
        now += seq == 30 ? 100'000 : 1'000;  // one 100 ms stall
        meter.on_data(SeqNo(seq), now, 1316);
    }
    BOOST_TEST(meter.packets_per_second() == 1000);
    BOOST_TEST(meter.bytes_per_second() == 1'360'000);
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

BOOST_AUTO_TEST_CASE(the_sender_smooths_reported_bandwidth_over_eight_acks) {
    PeerBandwidth peer;
    peer.on_ack(8001);
    BOOST_TEST(peer.bandwidth() == (1 * 7 + 8001) / 8);
}
