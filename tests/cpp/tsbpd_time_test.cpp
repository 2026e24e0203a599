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

BOOST_AUTO_TEST_CASE(repeated_early_arrivals_prove_the_base_late_and_move_it) {
    // The handshake and the first packets were held up 3 s on the way: the base is 3 s late, so
    // fresh packets look due 3 s after they arrive.
    const Micros lead = seconds(1);
    TsbpdTime tsbpd;
    tsbpd.set_base(8'000'000, milliseconds(120));
    // Sent at peer time 5 s (true base 5 s), arriving 2 ms later on our clock.
    BOOST_TEST(!tsbpd.on_early_arrival(10'002'000, 5'000'000, lead));
    BOOST_TEST(!tsbpd.on_early_arrival(10'352'000, 5'000'000, lead));  // its retransmission
    const auto earlier = tsbpd.on_early_arrival(10'402'000, 5'399'000, lead);
    BOOST_REQUIRE(earlier);
    BOOST_TEST(*earlier == 8'000'000 - 5'002'000);  // to the least delayed of the three
    BOOST_TEST(tsbpd.base() == 5'002'000);
    BOOST_TEST(tsbpd.delivery_time(5'400'000) == 5'002'000 + 5'400'000 + 120'000);
}

BOOST_AUTO_TEST_CASE(a_damaged_timestamp_does_not_move_the_base) {
    const Micros lead = seconds(1);
    TsbpdTime tsbpd;
    tsbpd.set_base(0, milliseconds(120));
    // Early arrivals that disagree with one another, or are broken by a timely one, are damage.
    BOOST_TEST(!tsbpd.on_early_arrival(1'000'000, 0xFFF0'0000u, lead));
    BOOST_TEST(!tsbpd.on_early_arrival(1'010'000, 0x8000'0000u, lead));
    tsbpd.on_timely_arrival();
    BOOST_TEST(!tsbpd.on_early_arrival(1'020'000, 0x8000'0000u, lead));
    BOOST_TEST(!tsbpd.on_early_arrival(1'030'000, 0x8000'0000u, lead));
    tsbpd.on_timely_arrival();
    BOOST_TEST(!tsbpd.on_early_arrival(1'040'000, 0x8000'0000u, lead));
    BOOST_TEST(tsbpd.base() == 0);
}
