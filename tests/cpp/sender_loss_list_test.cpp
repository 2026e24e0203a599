// SenderLossList: merging NAK ranges, lowest-first retransmission, forgetting acknowledged ones.
#define BOOST_TEST_MODULE sender_loss_list
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <set>

#include "core/sender_loss_list.hpp"

using websrt::core::SenderLossList;
using websrt::wire::SeqNo;

BOOST_AUTO_TEST_CASE(overlapping_and_adjacent_ranges_merge_and_count_only_new_numbers) {
    SenderLossList list(100);
    BOOST_TEST(list.insert(SeqNo(10), SeqNo(12)) == 3);
    BOOST_TEST(list.insert(SeqNo(11), SeqNo(14)) == 2);
    BOOST_TEST(list.insert(SeqNo(20), SeqNo(20)) == 1);
    BOOST_TEST(list.insert(SeqNo(15), SeqNo(19)) == 5);  // bridges both
    BOOST_TEST(list.size() == 11);
    BOOST_TEST(list.pop_front()->value() == 10u);
}

BOOST_AUTO_TEST_CASE(remove_up_to_forgets_acknowledged_numbers_across_the_wrap) {
    SenderLossList list(100);
    list.insert(SeqNo(SeqNo::max_value - 1), SeqNo(2));
    list.remove_up_to(SeqNo(1));
    BOOST_TEST(list.size() == 2);
    BOOST_TEST(list.pop_front()->value() == 1u);
    BOOST_TEST(list.pop_front()->value() == 2u);
    BOOST_TEST(list.empty());
}

RC_BOOST_PROP(the_list_behaves_like_a_set_of_numbers, (std::vector<std::pair<std::uint8_t, std::uint8_t>> ranges)) {
    SenderLossList list(1000);
    std::set<int> model;
    const SeqNo base(SeqNo::max_value - 100);
    for (auto [start, length] : ranges) {
        const int first = start, last = start + length % 8;
        int fresh = 0;
        for (int i = first; i <= last; ++i) fresh += model.insert(i).second;
        RC_ASSERT(list.insert(base.plus(first), base.plus(last)) == fresh);
    }
    RC_ASSERT(list.size() == static_cast<int>(model.size()));
    for (int expected : model) RC_ASSERT(SeqNo::offset(base, *list.pop_front()) == expected);
    RC_ASSERT(list.empty());
}
