// TsbpdTime: delivery times from the handshake base, across the 32-bit timestamp wrap, and drift.
#define BOOST_TEST_MODULE tsbpd_time
#include <boost/test/unit_test.hpp>

#include "core/tsbpd_time.hpp"

using namespace websrt::core;

BOOST_AUTO_TEST_CASE(delivery_is_base_plus_timestamp_plus_latency) {
    TsbpdTime tsbpd;
    tsbpd.set_base(5'000'000, milliseconds(120));
    BOOST_TEST(tsbpd.delivery_time(1'000) == 5'000'000 + 1'000 + 120'000);
}

BOOST_AUTO_TEST_CASE(timestamps_after_the_32_bit_wrap_continue_the_timeline) {
    const Micros period = Micros{1} << 32;
    TsbpdTime tsbpd;
    tsbpd.set_base(0, 0);
    const std::uint32_t before_wrap = 0xFFFF'FFFFu - 1'000'000;  // 1 s before the wrap
    BOOST_TEST(tsbpd.delivery_time(before_wrap) == Micros{before_wrap});
    // Shortly after the wrap: one period later, not 71 minutes back.
    BOOST_TEST(tsbpd.delivery_time(500'000) == period + 500'000);
    // A late packet from before the wrap still maps before it.
    BOOST_TEST(tsbpd.delivery_time(before_wrap + 10) == Micros{before_wrap} + 10);
    // 40 s after the wrap the base has moved for good.
    BOOST_TEST(tsbpd.delivery_time(40'000'000) == period + 40'000'000);
    BOOST_TEST(tsbpd.base() == period);
    BOOST_TEST(tsbpd.delivery_time(100'000'000) == period + 100'000'000);
}

BOOST_AUTO_TEST_CASE(a_steady_drift_beyond_5_ms_moves_the_base) {
    TsbpdTime tsbpd;
    tsbpd.set_base(0, 0);
    // Every ACKACK arrives 8 ms later than the base predicts, with a constant RTT.
    for (int i = 0; i < 1000; ++i) tsbpd.on_ackack(static_cast<std::uint32_t>(i * 10'000), i * 10'000 + 8'000, 20'000);
    BOOST_TEST(tsbpd.base() == 5'000);  // the excess beyond 5 ms moved the base
    BOOST_TEST(tsbpd.drift() == 3'000);
    BOOST_TEST(tsbpd.delivery_time(0) == 5'000 + 3'000);
}
