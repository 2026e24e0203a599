// Handshakes and timeouts on the simulator's virtual clock: lost, duplicated and reordered
// handshake datagrams; the connection and peer-idle timeouts at the right virtual times; damaged
// datagrams counted, never fatal.
#define BOOST_TEST_MODULE sim
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <vector>

#include "simulator.hpp"

using namespace websrt;
using namespace websrt::sim;
using core::milliseconds;
using core::seconds;

namespace {

const core::SocketAddress listener_address = core::SocketAddress::v4(10, 0, 0, 1, 9000);
const core::SocketAddress caller_address = core::SocketAddress::v4(10, 0, 0, 2, 40000);

struct Pair {
    Simulator sim;
    int listener = sim.add_node(listener_address, 11);
    int caller = sim.add_node(caller_address, 22);
    core::ConnectionId caller_id = 0;
    Micros started = 0;

    /// Both directions get `link` (each with a seed of its own, drawn from the link's), then the
    /// caller connects.
    explicit Pair(native::ImpairmentConfig link, core::ConnectionConfig config = {}) {
        link.delay = milliseconds(20);
        const std::uint64_t seed = link.seed;
        link.seed = seed * 2 + 1;
        sim.set_link(caller, listener, link);
        link.seed = seed * 2 + 2;
        sim.set_link(listener, caller, link);
        BOOST_REQUIRE(!sim.endpoint(listener).listen(config));
        started = sim.now();
        caller_id = sim.endpoint(caller).connect(sim.local_now(caller), listener_address, config).value();
    }

    const core::Event* first(int node, core::EventKind kind) const {
        const auto& events = sim.events(node);
        const auto it =
            std::find_if(events.begin(), events.end(), [&](const core::Event& e) { return e.kind == kind; });
        return it == events.end() ? nullptr : &*it;
    }
    bool connected() const {
        return first(caller, core::EventKind::connected) && first(listener, core::EventKind::accepted);
    }

    /// From `at`, the caller sends `count` messages, one every `interval`.
    void stream(Micros at, int count, Micros interval) {
        for (int i = 0; i < count; ++i)
            sim.at(at + i * interval, [this] {
                const std::vector<std::uint8_t> message(1316, 0x47);
                sim.endpoint(caller).send(caller_id, sim.local_now(caller), message);
            });
    }
};

/// A link that loses everything from `from` on (a dead path, not 99.x % loss).
native::ImpairmentConfig dark_from(Micros from) {
    native::ImpairmentConfig link;
    link.blackouts.push_back({from, from + seconds(3600)});
    return link;
}

/// A blackout of the first `length` of the run: the first handshake datagrams are lost.
native::ImpairmentConfig blackout_at_start(Micros length) {
    native::ImpairmentConfig link;
    link.blackouts.push_back({0, Simulator().now() + length});
    return link;
}

}  // namespace

BOOST_AUTO_TEST_CASE(handshake_completes_after_the_first_inductions_are_lost) {
    // The caller repeats its handshake every 250 ms (libsrt): after a 600 ms outage, the third
    // attempt at 750 ms gets through.
    Pair pair(blackout_at_start(milliseconds(600)));
    pair.sim.run_for(seconds(2));
    BOOST_TEST(pair.connected());
}

BOOST_AUTO_TEST_CASE(handshake_completes_when_every_datagram_is_duplicated) {
    native::ImpairmentConfig link;
    link.duplicate_percent = 100;
    Pair pair(link);
    pair.sim.run_for(seconds(1));
    BOOST_TEST_REQUIRE(pair.connected());
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection_count() == 1u);  // one connection, not two
}

BOOST_AUTO_TEST_CASE(handshake_completes_when_datagrams_are_reordered) {
    native::ImpairmentConfig link;
    link.reorder_percent = 50;
    link.jitter = milliseconds(30);
    Pair pair(link);
    pair.sim.run_for(seconds(3));
    BOOST_TEST(pair.connected());
}

BOOST_AUTO_TEST_CASE(handshake_survives_heavy_loss_in_both_directions) {
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
        native::ImpairmentConfig link;
        link.loss_percent = 40;
        link.seed = seed;
        core::ConnectionConfig config;
        config.connect_timeout = seconds(10);
        Pair pair(link, config);
        pair.sim.run_for(seconds(10));
        BOOST_TEST(pair.connected(), "seed " << seed);
    }
}

BOOST_AUTO_TEST_CASE(an_unanswered_caller_gives_up_at_conntimeo) {
    const auto dead = dark_from(0);
    core::ConnectionConfig config;
    config.connect_timeout = milliseconds(1500);
    Pair pair(dead, config);
    pair.sim.run_for(seconds(1));
    BOOST_TEST(!pair.first(pair.caller, core::EventKind::closed));
    pair.sim.run_for(seconds(1));
    const core::Event* closed = pair.first(pair.caller, core::EventKind::closed);
    BOOST_TEST_REQUIRE(closed);
    BOOST_TEST((closed->reason == core::CloseReason::connect_timeout));
}

BOOST_AUTO_TEST_CASE(the_connect_timeout_fires_at_exactly_conntimeo) {
    Pair pair(dark_from(0));  // default SRTO_CONNTIMEO 3 s
    pair.sim.run_for(seconds(3) - 1);
    BOOST_TEST(!pair.first(pair.caller, core::EventKind::closed));
    pair.sim.run_for(2);
    BOOST_TEST(pair.first(pair.caller, core::EventKind::closed));
}

BOOST_AUTO_TEST_CASE(a_peer_gone_silent_is_declared_dead_5_s_after_it_was_last_heard) {
    // A stream runs, then the path goes dark both ways: each side closes with peer idle timeout
    // exactly SRTO_PEERIDLETIMEO (5 s) after the last datagram it received.
    const Micros dark = Simulator().now() + seconds(1);
    Pair pair(dark_from(dark));
    pair.stream(pair.started + milliseconds(200), 1000, milliseconds(2));
    std::map<int, Micros> last_heard;
    pair.sim.on_arrival = [&](int to, const std::vector<std::uint8_t>&) { last_heard[to] = pair.sim.now(); };
    std::map<int, Micros> closed_at;
    while (pair.sim.now() < dark + seconds(7)) {
        pair.sim.run_for(100);
        for (const int node : {pair.caller, pair.listener})
            if (!closed_at.count(node) && pair.first(node, core::EventKind::closed)) closed_at[node] = pair.sim.now();
    }
    BOOST_TEST_REQUIRE(pair.connected());
    for (const int node : {pair.caller, pair.listener}) {
        const core::Event* closed = pair.first(node, core::EventKind::closed);
        BOOST_TEST_REQUIRE(closed);
        BOOST_TEST((closed->reason == core::CloseReason::peer_idle_timeout));
        BOOST_TEST(last_heard[node] <= dark + milliseconds(20));  // sent before the outage, one delay later
        BOOST_TEST(closed_at[node] - last_heard[node] >= seconds(5));
        BOOST_TEST(closed_at[node] - last_heard[node] <= seconds(5) + 100);  // the polling step
    }
}

BOOST_AUTO_TEST_CASE(truncated_and_corrupted_datagrams_are_counted_not_fatal) {
    native::ImpairmentConfig link;
    link.truncate_percent = 20;
    link.corrupt_percent = 20;
    core::ConnectionConfig config;
    config.connect_timeout = seconds(10);
    Pair pair(link, config);
    pair.stream(pair.started + seconds(1), 2000, milliseconds(2));
    pair.sim.run_for(seconds(6));
    const auto undecodable =
        pair.sim.endpoint(pair.listener).counters().undecodable + pair.sim.endpoint(pair.caller).counters().undecodable;
    BOOST_TEST(undecodable > 0u);
    BOOST_TEST(pair.sim.link_counters(pair.caller, pair.listener)->corrupted > 0u);
}

BOOST_AUTO_TEST_CASE(node_clocks_convert_both_ways) {
    const NodeClock fast{5'000, 100};
    const NodeClock slow{-3'000, -100};
    for (const Micros t : {Micros{0}, Micros{1}, Micros{999'999}, seconds(3600)}) {
        for (const NodeClock& clock : {fast, slow}) {
            const Micros local = clock.local(t);
            BOOST_TEST(clock.local(clock.global(local)) >= local);
            BOOST_TEST(clock.global(local) <= t);
        }
    }
    BOOST_TEST(fast.local(seconds(100)) - fast.local(0) == seconds(100) + milliseconds(10));
}
