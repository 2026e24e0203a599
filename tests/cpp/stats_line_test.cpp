// The statistics line both `websrt transmit` builds print: libsrt's names in order, integers as
// they are, doubles in their shortest digits laid out as nlohmann::json did.
#define BOOST_TEST_MODULE stats_line
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include "core/stats_line.hpp"

using namespace websrt::core;

BOOST_AUTO_TEST_CASE(doubles_take_their_shortest_digits_in_json_layout) {
    BOOST_TEST(format_stats_double(12) == "12.0");
    BOOST_TEST(format_stats_double(0.5) == "0.5");
    BOOST_TEST(format_stats_double(0.1) == "0.1");
    BOOST_TEST(format_stats_double(-2.25) == "-2.25");
    BOOST_TEST(format_stats_double(0.0001) == "0.0001");
    BOOST_TEST(format_stats_double(0.00001) == "1e-05");
    BOOST_TEST(format_stats_double(123456789012345.0) == "123456789012345.0");
    BOOST_TEST(format_stats_double(1e15) == "1e+15");
    BOOST_TEST(format_stats_double(1.5e15) == "1.5e+15");
    BOOST_TEST(format_stats_double(1.0 / 3) == "0.3333333333333333");
    BOOST_TEST(format_stats_double(0.0) == "0.0");
    BOOST_TEST(format_stats_double(std::numeric_limits<double>::quiet_NaN()) == "null");
}

BOOST_AUTO_TEST_CASE(a_json_line_is_one_object_with_libsrts_names_in_order) {
    ConnectionStats stats;
    stats.msTimeStamp = 1500;
    stats.interval.pktSent = 7;
    stats.total.pktSent = 70;
    stats.msRTT = 0.25;
    const std::string line = format_stats_line(stats, StatsFormat::json);
    BOOST_TEST(line.starts_with(R"({"msTimeStamp":1500,"pktSent":7,"pktSentTotal":70,"pktRecv":0,)"));
    BOOST_TEST(line.find(R"("msRTT":0.25,)") != std::string::npos);
    BOOST_TEST(line.ends_with("}"));
}

BOOST_AUTO_TEST_CASE(a_text_line_is_name_value_pairs_with_the_same_values) {
    ConnectionStats stats;
    stats.mbpsSendRate = 2;
    const std::string line = format_stats_line(stats, StatsFormat::text);
    BOOST_TEST(line.starts_with("msTimeStamp=0 pktSent=0 pktSentTotal=0 "));
    BOOST_TEST(line.find(" mbpsSendRate=2.0 ") != std::string::npos);
    BOOST_TEST(line.find('{') == std::string::npos);
}
