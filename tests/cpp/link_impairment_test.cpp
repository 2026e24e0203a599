// LinkImpairment, the model behind `websrt impair`: loss rate and bursts, delay and jitter that
// keep order, explicit reordering, duplication, the rate limit's tail drop, and replay by seed.
#define BOOST_TEST_MODULE link_impairment
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <vector>

#include "link_impairment.hpp"

using namespace websrt;
using native::ImpairmentConfig;
using native::LinkImpairment;

namespace {

/// Sends `count` numbered datagrams of `size` bytes, one every `spacing` µs, and returns the
/// numbers in the order they come out (with their release times).
struct Released {
    std::vector<std::uint32_t> numbers;
    std::vector<core::Micros> times;
};

Released run(LinkImpairment& link, int count, core::Micros spacing, std::size_t size = 16) {
    Released out;
    std::vector<std::uint8_t> datagram(size);
    std::vector<std::uint8_t> popped;
    auto drain = [&](core::Micros now) {
        while (link.pop_ready(now, popped)) {
            out.numbers.push_back(popped[0] | popped[1] << 8 | popped[2] << 16);
            out.times.push_back(now);
        }
    };
    for (int i = 0; i < count; ++i) {
        const core::Micros now = i * spacing;
        drain(now);
        datagram[0] = static_cast<std::uint8_t>(i);
        datagram[1] = static_cast<std::uint8_t>(i >> 8);
        datagram[2] = static_cast<std::uint8_t>(i >> 16);
        link.submit(now, datagram);
    }
    while (auto next = link.next_release()) drain(*next);
    return out;
}

double percent_lost(const Released& out, int sent) {
    return 100.0 * (1.0 - static_cast<double>(out.numbers.size()) / sent);
}

bool in_order(const std::vector<std::uint32_t>& numbers) {
    for (std::size_t i = 1; i < numbers.size(); ++i)
        if (numbers[i] <= numbers[i - 1]) return false;
    return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(random_loss_matches_the_configured_rate) {
    ImpairmentConfig config;
    config.loss_percent = 10;
    LinkImpairment link(config);
    const auto out = run(link, 100'000, 100);
    const double lost = percent_lost(out, 100'000);
    BOOST_TEST(lost > 9.5);
    BOOST_TEST(lost < 10.5);
    BOOST_TEST(link.counters().dropped + link.counters().delivered == 100'000u);
}

BOOST_AUTO_TEST_CASE(bursts_keep_the_rate_but_lose_runs_of_datagrams) {
    ImpairmentConfig config;
    config.loss_percent = 5;
    config.burst_length = 8;
    LinkImpairment link(config);
    const auto out = run(link, 200'000, 100);
    const double lost = percent_lost(out, 200'000);
    BOOST_TEST(lost > 4.0);
    BOOST_TEST(lost < 6.0);
    // Mean length of the gaps in what arrived: about the configured burst length.
    int gaps = 0;
    for (std::size_t i = 1; i < out.numbers.size(); ++i)
        if (out.numbers[i] != out.numbers[i - 1] + 1) ++gaps;
    const double mean_gap = static_cast<double>(200'000 - out.numbers.size()) / gaps;
    BOOST_TEST(mean_gap > 6.0);
    BOOST_TEST(mean_gap < 10.0);
}

BOOST_AUTO_TEST_CASE(delay_and_jitter_hold_datagrams_without_reordering_them) {
    ImpairmentConfig config;
    config.delay = core::milliseconds(20);
    config.jitter = core::milliseconds(5);
    LinkImpairment link(config);
    const auto out = run(link, 10'000, 250);  // 4000 datagrams/s, far closer than the jitter
    BOOST_TEST_REQUIRE(out.numbers.size() == 10'000u);
    BOOST_TEST(in_order(out.numbers));
    for (std::size_t i = 0; i < out.numbers.size(); ++i)
        BOOST_TEST_REQUIRE(out.times[i] >= out.numbers[i] * 250 + config.delay);
}

BOOST_AUTO_TEST_CASE(reordering_lets_later_datagrams_overtake) {
    ImpairmentConfig config;
    config.delay = core::milliseconds(10);
    config.reorder_percent = 5;
    LinkImpairment link(config);
    const auto out = run(link, 10'000, 250);
    BOOST_TEST(out.numbers.size() == 10'000u);
    BOOST_TEST(!in_order(out.numbers));
    BOOST_TEST(link.counters().reordered > 400u);
    BOOST_TEST(link.counters().reordered < 600u);
}

BOOST_AUTO_TEST_CASE(duplication_delivers_copies) {
    ImpairmentConfig config;
    config.duplicate_percent = 10;
    LinkImpairment link(config);
    const auto out = run(link, 10'000, 100);
    BOOST_TEST(out.numbers.size() == 10'000u + link.counters().duplicated);
    BOOST_TEST(link.counters().duplicated > 900u);
}

BOOST_AUTO_TEST_CASE(a_rate_limit_below_the_offered_load_paces_then_tail_drops) {
    ImpairmentConfig config;
    config.rate_mbit = 8;  // 1000 datagrams of 1000 bytes per second
    LinkImpairment link(config);
    const auto out = run(link, 4000, 500, 1000);  // offered: 2000 per second for 2 s
    BOOST_TEST(link.counters().queue_dropped > 0u);
    BOOST_TEST(in_order(out.numbers));
    for (std::size_t i = 1; i < out.times.size(); ++i) BOOST_TEST_REQUIRE(out.times[i] - out.times[i - 1] >= 0);
    // What leaves the link never exceeds the rate: 1 ms per datagram.
    const core::Micros span = out.times.back() - out.times.front();
    BOOST_TEST(span >= static_cast<core::Micros>(out.numbers.size() - 1) * 1000);
}

BOOST_AUTO_TEST_CASE(the_same_seed_replays_the_same_link) {
    ImpairmentConfig config;
    config.loss_percent = 7;
    config.burst_length = 3;
    config.jitter = core::milliseconds(3);
    config.reorder_percent = 2;
    config.duplicate_percent = 1;
    config.seed = 99;
    LinkImpairment first(config);
    LinkImpairment second(config);
    const auto a = run(first, 20'000, 200);
    const auto b = run(second, 20'000, 200);
    BOOST_TEST(a.numbers == b.numbers);
    BOOST_TEST(a.times == b.times);
    config.seed = 100;
    LinkImpairment other(config);
    BOOST_TEST(run(other, 20'000, 200).numbers != a.numbers);
}
