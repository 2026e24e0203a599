// transmit_report: the lines and exit statuses both `websrt transmit` builds print.
#define BOOST_TEST_MODULE transmit_report
#include <boost/test/unit_test.hpp>

#include "core/transmit_report.hpp"

using namespace websrt::core;

BOOST_AUTO_TEST_CASE(a_connection_line_names_the_peer_and_a_printable_stream_id) {
    BOOST_TEST(connection_line(false, "127.0.0.1:9000", "") == "connected to 127.0.0.1:9000");
    BOOST_TEST(connection_line(true, "[::1]:40000", "cam\n1") == "accepted [::1]:40000 stream id 'cam\\x0a1'");
}

BOOST_AUTO_TEST_CASE(the_end_of_input_is_status_0_only_when_nothing_was_left_unacknowledged) {
    const auto all = end_of_input(0, 0);
    BOOST_TEST(all.status == 0);
    BOOST_TEST(all.line == "end of input, everything sent was acknowledged");
    const auto dropped = end_of_input(0, 7);
    BOOST_TEST(dropped.status == 0);
    BOOST_TEST(dropped.line ==
               "end of input, 7 packets dropped as too late (never acknowledged), the rest acknowledged");
    const auto left = end_of_input(3, 7);
    BOOST_TEST(left.status == 1);
    BOOST_TEST(left.line == "end of input, but 3 packets were never acknowledged");
}

BOOST_AUTO_TEST_CASE(a_peer_that_closed_ends_with_0_and_any_other_end_with_1_and_the_core_s_detail) {
    const auto closed = connection_ended(true, "ignored");
    BOOST_TEST(closed.status == 0);
    BOOST_TEST(closed.line == "peer closed the connection");
    const auto lost = connection_ended(false, "connection lost: nothing heard from the peer for 5 s");
    BOOST_TEST(lost.status == 1);
    BOOST_TEST(lost.line == "connection lost: nothing heard from the peer for 5 s");
}

BOOST_AUTO_TEST_CASE(a_receiver_s_drops_are_named_only_when_there_were_some) {
    BOOST_TEST(receiver_drops_note(0) == "");
    BOOST_TEST(receiver_drops_note(12) == " (12 packets lost: dropped as too late)");
}
