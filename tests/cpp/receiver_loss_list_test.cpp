// ReceiverLossList: holes filled one by one, periodic NAK reports, forgetting delivered ranges,
// and every operation against a set of sequence numbers as the model.
#define BOOST_TEST_MODULE receiver_loss_list
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <set>

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

RC_BOOST_PROP(every_operation_keeps_the_list_equal_to_the_set_of_missing_packets, ()) {
    // Offsets 0 … 299 from a base just before the sequence numbers wrap.
    const SeqNo base(SeqNo::max_value - 50);
    const auto seq = [&](int offset) { return base.plus(offset); };
    const auto offset_pair = [] {
        const int a = *rc::gen::inRange(0, 300);
        return std::pair{a, std::min(299, a + *rc::gen::inRange(0, 20))};
    };
    ReceiverLossList list(10'000);  // room for every range: the model has no cap
    std::set<int> model;
    const int operations = *rc::gen::inRange(1, 80);
    for (int op = 0; op < operations; ++op) {
        switch (*rc::gen::inRange(0, 5)) {
        case 0: {
            const auto [a, b] = offset_pair();
            list.insert(seq(a), seq(b), 0);
            for (int i = a; i <= b; ++i) model.insert(i);
            break;
        }
        case 1: {
            std::vector<websrt::wire::LossRange> ranges;
            for (int n = *rc::gen::inRange(0, 12); n > 0; --n) {
                const auto [a, b] = offset_pair();
                ranges.push_back({seq(a), seq(b)});
                for (int i = a; i <= b; ++i) model.insert(i);
            }
            list.insert_all(ranges, 0);
            break;
        }
        case 2: {
            const int x = *rc::gen::inRange(0, 300);
            RC_ASSERT(list.remove(seq(x)) == (model.erase(x) == 1u));
            break;
        }
        case 3: {
            const int x = *rc::gen::inRange(0, 300);
            list.remove_up_to(seq(x));
            model.erase(model.begin(), model.lower_bound(x));
            break;
        }
        default: {
            const auto [a, b] = offset_pair();
            list.remove_range(seq(a), seq(b));
            model.erase(model.lower_bound(a), model.upper_bound(b));
            break;
        }
        }
        // The ranges, in order and disjoint, hold exactly the model's packets.
        std::set<int> listed;
        int previous_last = -1;
        for (const auto& range : list.ranges_due(1'000'000, 0)) {
            const int first = SeqNo::offset(base, range.first);
            const int last = SeqNo::offset(base, range.last);
            RC_ASSERT(first > previous_last);
            RC_ASSERT(last >= first);
            for (int i = first; i <= last; ++i) listed.insert(i);
            previous_last = last;
        }
        RC_ASSERT(listed == model);
        RC_ASSERT(list.size() == static_cast<int>(model.size()));
        RC_ASSERT(list.empty() == model.empty());
        if (!model.empty()) RC_ASSERT(SeqNo::offset(base, *list.first()) == *model.begin());
    }
}
