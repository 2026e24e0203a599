// RttEstimator: libsrt's defaults, first sample, and the order of the RTTVar/SRTT updates.
#define BOOST_TEST_MODULE rtt_estimator
#include <boost/test/unit_test.hpp>

#include "core/ack_history.hpp"
#include "core/rtt_estimator.hpp"

using namespace websrt::core;

BOOST_AUTO_TEST_CASE(starts_at_100_ms_and_50_ms_and_the_first_sample_replaces_both) {
    RttEstimator rtt;
    BOOST_TEST(rtt.srtt() == 100'000);
    BOOST_TEST(rtt.rttvar() == 50'000);
    rtt.on_ackack_sample(20'000);
    BOOST_TEST(rtt.srtt() == 20'000);
    BOOST_TEST(rtt.rttvar() == 10'000);
}

BOOST_AUTO_TEST_CASE(rttvar_is_updated_with_the_old_srtt_before_srtt_moves) {
    RttEstimator rtt;
    rtt.on_ackack_sample(20'000);
    rtt.on_ackack_sample(28'000);
    BOOST_TEST(rtt.rttvar() == (3 * 10'000 + 8'000) / 4);
    BOOST_TEST(rtt.srtt() == (7 * 20'000 + 28'000) / 8);
}

BOOST_AUTO_TEST_CASE(ack_history_measures_rtt_for_known_ack_numbers_only) {
    AckHistory history;
    history.record(7, websrt::wire::SeqNo(100), 1'000);
    BOOST_TEST(!history.acknowledge(8, 5'000));
    const auto acked = history.acknowledge(7, 21'000);
    BOOST_REQUIRE(acked);
    BOOST_TEST(acked->rtt == 20'000);
    BOOST_TEST(acked->ack_seq.value() == 100u);
    BOOST_TEST(!history.acknowledge(7, 22'000));  // once only
}

BOOST_AUTO_TEST_CASE(ack_numbers_start_at_one_and_wrap_back_to_one) {
    BOOST_TEST(next_ack_number(0) == 1);
    BOOST_TEST(next_ack_number(41) == 42);
    BOOST_TEST(next_ack_number(0x7FFF'FFFF) == 1);
}
