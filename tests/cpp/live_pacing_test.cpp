// LivePacing: how maxbw, inputbw, mininputbw and oheadbw choose the bandwidth, and the period.
#define BOOST_TEST_MODULE live_pacing
#include <boost/test/unit_test.hpp>

#include "core/live_pacing.hpp"

using namespace websrt::core;

BOOST_AUTO_TEST_CASE(maxbw_minus_one_means_one_gigabit) {
    ConnectionConfig config;  // maxbw −1, payload 1316
    LivePacing pacing(config);
    BOOST_TEST(pacing.max_bw_bytes_per_s() == 125'000'000);
    BOOST_TEST(pacing.send_period() == (1316 + 44) * 1'000'000 / 125'000'000);
}

BOOST_AUTO_TEST_CASE(a_positive_maxbw_is_the_bandwidth) {
    ConnectionConfig config;
    config.max_bw_bytes_per_s = 1'360'000;  // 1000 packets of 1316 + 44 bytes per second
    LivePacing pacing(config);
    BOOST_TEST(pacing.send_period() == 1'000);
}

BOOST_AUTO_TEST_CASE(maxbw_zero_uses_inputbw_plus_the_overhead) {
    ConnectionConfig config;
    config.max_bw_bytes_per_s = 0;
    config.input_bw_bytes_per_s = 1'000'000;
    config.overhead_bw_percent = 25;
    BOOST_TEST(LivePacing(config).max_bw_bytes_per_s() == 1'250'000);
}

BOOST_AUTO_TEST_CASE(maxbw_zero_without_inputbw_measures_the_input_floored_by_mininputbw) {
    ConnectionConfig config;
    config.max_bw_bytes_per_s = 0;
    config.min_input_bw_bytes_per_s = 2'000'000;
    LivePacing pacing(config);
    BOOST_TEST(pacing.max_bw_bytes_per_s() == 125'000'000LL * 125 / 100);  // nothing measured yet
    // 1316-byte messages every ms for 0.6 s: (1316 + 44) × 1000 B/s measured, below the floor.
    for (int i = 0; i <= 600; ++i) pacing.on_message_submitted(1316, milliseconds(i));
    BOOST_TEST(pacing.input_rate_bytes_per_s() > 1'300'000);
    BOOST_TEST(pacing.input_rate_bytes_per_s() < 1'400'000);
    BOOST_TEST(pacing.max_bw_bytes_per_s() == 2'000'000 * 125 / 100);
}
