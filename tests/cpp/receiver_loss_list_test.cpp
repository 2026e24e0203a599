// ReceiverLossList: holes filled one by one, periodic NAK reports, forgetting delivered ranges.
#define BOOST_TEST_MODULE receiver_loss_list
#include <boost/test/unit_test.hpp>

#include "core/receiver_loss_list.hpp"

using websrt::core::ReceiverLossList;
using websrt::wire::SeqNo;

BOOST_AUTO_TEST_CASE(an_arrival_in_the_middle_of_a_range_splits_it) {
    ReceiverLossList list(100);
    list.insert(SeqNo(10), SeqNo(14), 0);
    BOOST_TEST(list.remove(SeqNo(12)));
    BOOST_TEST(!list.remove(SeqNo(12)));
    BOOST_TEST(list.size() == 4);
    const auto ranges = list.ranges_due(1000, 100);
    BOOST_REQUIRE_EQUAL(ranges.size(), 2u);
    BOOST_TEST(ranges[0].first.value() == 10u);
    BOOST_TEST(ranges[0].last.value() == 11u);
    BOOST_TEST(ranges[1].first.value() == 13u);
    BOOST_TEST(ranges[1].last.value() == 14u);
}

BOOST_AUTO_TEST_CASE(a_range_is_reported_again_only_after_the_nak_interval) {
    ReceiverLossList list(100);
    list.insert(SeqNo(1), SeqNo(1), 0);  // reported by the immediate NAK at 0
    BOOST_TEST(list.ranges_due(10, 20).empty());
    BOOST_TEST(list.ranges_due(20, 20).size() == 1u);
    BOOST_TEST(list.ranges_due(30, 20).empty());
    BOOST_TEST(list.ranges_due(40, 20).size() == 1u);
}

BOOST_AUTO_TEST_CASE(remove_up_to_trims_and_drops_ranges_across_the_wrap) {
    ReceiverLossList list(100);
    list.insert(SeqNo(SeqNo::max_value - 2), SeqNo(1), 0);
    list.insert(SeqNo(5), SeqNo(6), 0);
    list.remove_up_to(SeqNo(0));
    BOOST_TEST(list.first()->value() == 0u);
    BOOST_TEST(list.size() == 4);
    list.remove_up_to(SeqNo(7));
    BOOST_TEST(!list.first());
}
