// printable_text: a peer's string cannot forge log lines or drive the terminal once printed.
#define BOOST_TEST_MODULE printable_text
#include <boost/test/unit_test.hpp>

#include "core/printable_text.hpp"

using websrt::core::printable_text;

BOOST_AUTO_TEST_CASE(control_bytes_quotes_and_backslashes_become_hex_escapes) {
    BOOST_TEST(printable_text("cam1") == "cam1");
    BOOST_TEST(printable_text("a\nwebsrt transmit: forged") == "a\\x0awebsrt transmit: forged");
    BOOST_TEST(printable_text("\x1b[2J'\"\\") == "\\x1b[2J\\x27\\x22\\x5c");
    BOOST_TEST(printable_text(std::string("\xff\x00", 2)) == "\\xff\\x00");
}

BOOST_AUTO_TEST_CASE(a_long_string_is_cut_with_an_ellipsis) {
    BOOST_TEST(printable_text(std::string(600, 'x')) == std::string(512, 'x') + "...");
}
