// RetransmitBudget: automatic mode earns retransmission from what the stream sends; a fixed limit
// flows with time, as libsrt's SRTO_MAXREXMITBW shaper; the timer knows when the next one fits.
#define BOOST_TEST_MODULE retransmit_budget
#include <boost/test/unit_test.hpp>

#include "core/retransmit_budget.hpp"

using websrt::core::RetransmitBudget;

BOOST_AUTO_TEST_CASE(automatic_mode_allows_at_most_the_streams_own_bytes_plus_its_floor) {
    RetransmitBudget budget(-1);
    // Spend the initial burst.
    while (budget.allows(0, 1500)) budget.consume(1500);
    BOOST_TEST(!budget.allows(0, 1500));
    budget.on_unique_sent(1500);  // one unique packet earns one retransmission
    BOOST_TEST(budget.allows(0, 1500));
    budget.consume(1500);
    BOOST_TEST(!budget.allows(0, 1500));
    // The floor: 125 000 B/s, so 12 ms for one packet.
    BOOST_TEST(!budget.allows(11'000, 1500));
    BOOST_TEST(budget.allows(12'000, 1500));
    BOOST_TEST(budget.held_back() == 4u);  // each refusal above, the loop's last one included
}

BOOST_AUTO_TEST_CASE(a_fixed_limit_flows_with_time_and_zero_allows_nothing) {
    RetransmitBudget limited(150'000);  // bytes per second; a 100 ms burst of 15 000 B
    int allowed = 0;
    while (limited.allows(0, 1500)) {
        limited.consume(1500);
        ++allowed;
    }
    BOOST_TEST(allowed == 10);
    limited.on_unique_sent(1'000'000);  // unique traffic earns nothing under a fixed limit
    BOOST_TEST(!limited.allows(0, 1500));
    BOOST_TEST(*limited.ready_time(1500) == 10'000);
    BOOST_TEST(limited.allows(10'000, 1500));

    RetransmitBudget none(0);
    BOOST_TEST(!none.allows(1'000'000, 100));
    BOOST_TEST(!none.ready_time(100));
}
