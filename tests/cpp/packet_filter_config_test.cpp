// core/packet_filter_config.hpp: the `packetfilter` grammar and the fec filter's values as libsrt
// accepts and refuses them, and the handshake negotiation's merges and refusals, with the cases of
// libsrt 1.5.5's test/test_fec_rebuilding.cpp.
#include "core/packet_filter_config.hpp"

#define BOOST_TEST_MODULE packet_filter_config
#include <boost/test/unit_test.hpp>

using namespace websrt::core;

namespace {

std::string agreed_by_listener(std::string_view caller, std::string_view listener) {
    const auto result = negotiate_filter_as_responder(listener, caller.empty() ? std::nullopt : std::optional(caller));
    return result ? *result : "refused: " + result.error().detail;
}

}  // namespace

BOOST_AUTO_TEST_CASE(settings_libsrt_refuses_are_refused) {
    // test_fec_rebuilding.cpp's setsockopt cases, and ours: keys without values, stray colons.
    for (const char* text : {"", "FEC,Cols:20", "fec,cols:-10", "fec,cols:10,rows:0", "fec,cols:10,rows:-1",
                             "fec,cols:10,layout:stairwars", "fec,cols:10,arq:sometimes", "fec,cols:10,weight:2",
                             "fec,", "fec,cols", "fec,cols:1:2", "fec,cols:1", "fec,cols:256", "fec,cols:x"})
        BOOST_TEST(check_packet_filter_option(text).has_value(), text);
    BOOST_TEST(check_packet_filter_option(std::string(65, 'f')).has_value());
}

BOOST_AUTO_TEST_CASE(settings_libsrt_accepts_are_accepted) {
    for (const char* text : {"fec", "fec,cols:10", "fec,cols:10,rows:5,layout:even,arq:never", "fec,rows:-4,cols:3",
                             "fec,cols:,rows:10", "fec,cols:10x", "fec,cols:20,arq:always,layout:staircase"})
        BOOST_TEST(!check_packet_filter_option(text).has_value(), text);
}

BOOST_AUTO_TEST_CASE(values_are_read_as_libsrt_reads_them) {
    const auto config = agreed_fec_config("fec,cols:10x,rows:-5,layout:even,arq:never");
    BOOST_REQUIRE(config.ok());
    BOOST_TEST(config->cols == 10);  // atoi: leading digits
    BOOST_TEST(config->rows == -5);
    BOOST_TEST(!config->sends_rows());
    BOOST_TEST(config->has_columns());
    BOOST_TEST(config->column_depth() == 5);
    BOOST_TEST((config->layout == FecLayout::even));
    BOOST_TEST((config->arq == FecArq::never));
    // The defaults: rows only, staircase (whatever libsrt's documents say), arq:onreq.
    const auto defaults = agreed_fec_config("fec,cols:4");
    BOOST_REQUIRE(defaults.ok());
    BOOST_TEST((*defaults == FecConfig{4, 1, FecLayout::staircase, FecArq::onreq}));
    BOOST_TEST(!agreed_fec_config("fec,rows:10").ok());  // a filter cannot be built without cols
}

BOOST_AUTO_TEST_CASE(a_listener_merges_as_libsrt_does) {
    // test_fec_rebuilding.cpp: one-sided keys cross over, missing ones take the defaults, and the
    // result lists its keys sorted.
    BOOST_TEST(agreed_by_listener("fec,cols:10,rows:10", "fec,cols:10,arq:never") ==
               "fec,arq:never,cols:10,layout:staircase,rows:10");
    BOOST_TEST(agreed_by_listener("fec,cols:,cols:10", "fec,cols:,rows:10") ==
               "fec,arq:onreq,cols:10,layout:staircase,rows:10");
    // A listener without a filter takes the caller's as it came.
    BOOST_TEST(agreed_by_listener("fec,rows:20,cols:20", "") == "fec,rows:20,cols:20");
    // libsrt 1.5.5: the listener's own filter is dropped when the caller sent none.
    BOOST_TEST(agreed_by_listener("", "fec,cols:10").empty());
    BOOST_TEST(agreed_by_listener("", "").empty());
}

BOOST_AUTO_TEST_CASE(a_listener_refuses_a_conflict) {
    BOOST_TEST(agreed_by_listener("fec,cols:10,rows:10", "fec,cols:20,arq:never").starts_with("refused"));
    // Compared as text, as libsrt compares them.
    BOOST_TEST(agreed_by_listener("fec,cols:10", "fec,cols:010").starts_with("refused"));
    BOOST_TEST(agreed_by_listener("rs,cols:10", "fec,cols:10").starts_with("refused"));
}

BOOST_AUTO_TEST_CASE(a_caller_takes_the_listeners_answer_and_refuses_none) {
    const auto taken =
        negotiate_filter_as_initiator("fec,cols:10,rows:5", "fec,arq:never,cols:10,layout:staircase,rows:5");
    BOOST_REQUIRE(taken.ok());
    BOOST_TEST(*taken == "fec,arq:never,cols:10,layout:staircase,rows:5");
    const auto adopted = negotiate_filter_as_initiator("", "fec,cols:8");
    BOOST_REQUIRE(adopted.ok());
    BOOST_TEST(*adopted == "fec,cols:8");
    BOOST_TEST(!negotiate_filter_as_initiator("fec,cols:10", std::nullopt).ok());  // libsrt 1.5.5 SRT_REJ_FILTER
    const auto none = negotiate_filter_as_initiator("", std::nullopt);
    BOOST_REQUIRE(none.ok());
    BOOST_TEST(none->empty());
}

BOOST_AUTO_TEST_CASE(an_agreement_without_cols_does_not_build) {
    // test_fec_rebuilding.cpp: caller "fec,rows:10" with no listener filter, or with "fec,arq:never".
    for (const auto& agreed :
         {agreed_by_listener("fec,rows:10", ""), agreed_by_listener("fec,rows:10", "fec,arq:never")})
        BOOST_TEST(!agreed_fec_config(agreed).ok(), agreed);
}
