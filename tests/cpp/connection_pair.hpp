// A listener and a caller Endpoint on the simulator (tests/sim/simulator.hpp), joined by plain
// links of a fixed one-way delay, for tests of connection behaviour.
#pragma once

#include <algorithm>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/endpoint.hpp"
#include "drop_rules.hpp"
#include "numbered_stream.hpp"
#include "simulator.hpp"

namespace websrt::test {

using namespace websrt::core;
using sim::Delivery;
using sim::DropRule;
using sim::lose_data_always;
using sim::lose_data_once;
using sim::lose_everything;
using sim::lose_randomly;
using sim::Simulator;

inline const SocketAddress listener_address = SocketAddress::v4(127, 0, 0, 1, 9000);
inline const SocketAddress caller_address = SocketAddress::v4(127, 0, 0, 2, 40000);

/// Every link's one-way delay in these tests: short enough for quick handshakes, long enough that
/// an RTT is not zero.
inline constexpr Micros one_way_delay = milliseconds(10);

/// Gives a simulator the links these tests assume: plain, with `one_way_delay` (tests that add
/// their own nodes call it too). Their nodes keep the global clock (no offset, no drift), so the
/// simulator's now() is every node's now.
inline void use_plain_test_links(Simulator& simulator) { simulator.set_plain_link_delay(one_way_delay); }

struct ConnectionPair {
    Simulator sim;
    int listener;
    int caller;
    ConnectionId caller_id = 0;

    explicit ConnectionPair(ConnectionConfig listener_config = {}, AcceptPolicy policy = {}, std::uint64_t seed = 1) {
        use_plain_test_links(sim);
        listener = sim.add_node(listener_address, seed);
        caller = sim.add_node(caller_address, seed + 100);
        BOOST_REQUIRE(!sim.endpoint(listener).listen(listener_config, std::move(policy)));
    }

    /// The virtual time now, on both nodes' clocks and the simulator's alike.
    [[nodiscard]] Micros now() const { return sim.now(); }

    void connect(ConnectionConfig config = {}) {
        caller_id = sim.endpoint(caller).connect(now(), listener_address, config).value();
    }

    /// Connects with defaults and returns the caller's initial sequence number, so a test can
    /// name the packets it loses.
    std::uint32_t connect_and_get_isn(ConnectionConfig config = {}) {
        connect(std::move(config));
        sim.run_for(milliseconds(100));
        return sim.endpoint(caller).connection(caller_id)->negotiated().initial_seq.value();
    }

    const Event* event(int node, EventKind kind) const {
        const auto& events = sim.events(node);
        const auto it = std::find_if(events.begin(), events.end(), [&](const Event& e) { return e.kind == kind; });
        return it == events.end() ? nullptr : &*it;
    }
    ConnectionId accepted_id() const {
        const Event* e = event(listener, EventKind::accepted);
        BOOST_REQUIRE(e);
        return e->connection;
    }
    /// What the listener's application read from the accepted connection, in order.
    [[nodiscard]] std::vector<Delivery> received_by_listener() const { return sim.deliveries(listener, accepted_id()); }
    /// What the caller's application read from its connection, in order.
    [[nodiscard]] std::vector<Delivery> received_by_caller() const { return sim.deliveries(caller, caller_id); }
    /// Sends the numbered stream (numbered_stream.hpp) from `node`'s connection `id`.
    void stream(int node, ConnectionId id, int count, std::size_t size, Micros interval) {
        send_numbered_stream(sim, node, id, count, size, interval);
    }
    /// Counts of the datagrams a node sent, by kind (wire::packet_kind).
    [[nodiscard]] std::uint64_t sent(int node, std::string_view kind) const {
        return sim.datagrams_sent_of_kind(node, kind);
    }
};

/// A listener with default settings and two callers from the same host, on different ports, not
/// yet connected.
struct ListenerAndTwoCallers {
    Simulator sim;
    int listener;
    int first;
    int second;

    ListenerAndTwoCallers() {
        use_plain_test_links(sim);
        listener = sim.add_node(listener_address, 1);
        first = sim.add_node(SocketAddress::v4(127, 0, 0, 2, 40000), 2);
        second = sim.add_node(SocketAddress::v4(127, 0, 0, 2, 40001), 3);
        BOOST_REQUIRE(!sim.endpoint(listener).listen({}));
    }
};

}  // namespace websrt::test
