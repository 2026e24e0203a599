// The bridge's per-client limits (native-shim/client_limits.hpp): a client is an IPv4 address or
// an IPv6 /64, so rotating addresses inside one's own prefix gains nothing; the table is bounded.
// And the IP literals they are keyed by (native-shim/ip_literal.hpp).
#define BOOST_TEST_MODULE client_limits
#include <boost/test/unit_test.hpp>

#include <string>

#include "client_limits.hpp"

using websrt::native::ClientLimits;
using websrt::native::ClientLimitsConfig;

namespace {
ClientLimits::Client client(const char* address) {
    return ClientLimits::client_of(*websrt::native::parse_ip_literal(address));
}
const auto t0 = ClientLimits::Clock::time_point{} + std::chrono::hours(1);
}  // namespace

BOOST_AUTO_TEST_CASE(ipv6_addresses_in_one_64_prefix_are_one_client) {
    BOOST_TEST((client("2001:db8:1:2::1") == client("2001:db8:1:2:ffff:ffff:ffff:ffff")));
    BOOST_TEST((client("2001:db8:1:2::1") != client("2001:db8:1:3::1")));
    // IPv4 is one client per address, whether it came on an IPv4 or a dual-stack socket.
    BOOST_TEST((client("192.0.2.7") == client("::ffff:192.0.2.7")));
    BOOST_TEST((client("192.0.2.7") != client("192.0.2.8")));
}

BOOST_AUTO_TEST_CASE(only_ip_literals_parse_and_they_print_in_their_usual_form) {
    using websrt::native::parse_ip_literal;
    for (const char* text : {"", "localhost", "[::1]", "127.0.0.1:80", "fe80::1%eth0", "1.2.3", "256.1.1.1",
                             " 127.0.0.1", "::1 ", "0x7f.0.0.1"})
        BOOST_TEST(!parse_ip_literal(text).has_value(), text);
    BOOST_TEST(websrt::native::to_string(*parse_ip_literal("::ffff:10.0.0.1")) == "10.0.0.1");
    BOOST_TEST(websrt::native::to_string(*parse_ip_literal("2001:DB8:0:0:0:0:0:1")) == "2001:db8::1");
    BOOST_TEST(websrt::native::endpoint_text(*parse_ip_literal("::1"), 9000) == "[::1]:9000");
    BOOST_TEST(websrt::native::endpoint_text(*parse_ip_literal("127.0.0.1"), 9000) == "127.0.0.1:9000");
}

BOOST_AUTO_TEST_CASE(sessions_rotating_through_a_64_prefix_share_one_cap) {
    ClientLimitsConfig config;
    config.max_sessions_per_client = 3;
    ClientLimits limits(config);
    const char* rotating[] = {"2001:db8::1", "2001:db8::2", "2001:db8::3:4", "2001:db8::ffff"};
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST(limits.session_fits(client(rotating[i])));
        limits.session_opened(client(rotating[i]));
    }
    BOOST_TEST(!limits.session_fits(client(rotating[3])));
    BOOST_TEST(limits.session_fits(client("2001:db8:0:1::1")));  // the next /64 is another client
    limits.session_closed(client(rotating[0]));
    BOOST_TEST(limits.session_fits(client(rotating[3])));
}

BOOST_AUTO_TEST_CASE(pending_connections_and_upgrades_are_capped_per_64_prefix) {
    ClientLimitsConfig config;
    config.max_pending_per_client = 2;
    config.upgrades_per_second = 2;
    ClientLimits limits(config);
    using Admission = ClientLimits::Admission;
    BOOST_TEST((limits.connection_opened(client("2001:db8::a"), t0) == Admission::serve));
    BOOST_TEST((limits.connection_opened(client("2001:db8::b"), t0) == Admission::serve));
    BOOST_TEST((limits.connection_opened(client("2001:db8::c"), t0) == Admission::busy));
    BOOST_TEST((limits.connection_opened(client("2001:db8::d"), t0) == Admission::busy));
    BOOST_TEST((limits.connection_opened(client("2001:db8::e"), t0) == Admission::close));
    BOOST_TEST(limits.take_upgrade(client("2001:db8::1"), t0));
    BOOST_TEST(limits.take_upgrade(client("2001:db8::2"), t0));
    BOOST_TEST(!limits.take_upgrade(client("2001:db8::3"), t0));
    BOOST_TEST(limits.take_upgrade(client("2001:db8::3"), t0 + std::chrono::milliseconds(600)));  // refilled
}

BOOST_AUTO_TEST_CASE(a_flood_of_distinct_prefixes_is_refused_beyond_the_table_bound) {
    ClientLimitsConfig config;
    config.max_tracked_clients = 100;
    ClientLimits limits(config);
    int closed = 0;
    for (int i = 0; i < 1000; ++i) {
        const std::string address = "2001:db8:" + std::to_string(i / 100) + ":" + std::to_string(i % 100) + "::1";
        if (limits.connection_opened(client(address.c_str()), t0) == ClientLimits::Admission::close) ++closed;
    }
    BOOST_TEST(limits.tracked_clients() == 100u);
    BOOST_TEST(closed == 900);
}
