// A listener and a caller Endpoint on a VirtualNetwork, for tests of connection behaviour.
#pragma once

#include <algorithm>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/endpoint.hpp"
#include "virtual_network.hpp"

namespace websrt::test {

using namespace websrt::core;

inline const SocketAddress listener_address = SocketAddress::v4(127, 0, 0, 1, 9000);
inline const SocketAddress caller_address = SocketAddress::v4(127, 0, 0, 2, 40000);

struct ConnectionPair {
    VirtualNetwork net;
    int listener;
    int caller;
    ConnectionId caller_id = 0;

    explicit ConnectionPair(ConnectionConfig listener_config = {}, AcceptPolicy policy = {}, std::uint64_t seed = 1) {
        listener = net.add_node(seed, listener_address);
        caller = net.add_node(seed + 100, caller_address);
        BOOST_REQUIRE(!net.endpoint(listener).listen(listener_config, std::move(policy)));
    }

    void connect(ConnectionConfig config = {}) {
        caller_id = net.endpoint(caller).connect(net.now, listener_address, config).value();
    }

    /// Connects with defaults and returns the caller's initial sequence number, so a test can
    /// name the packets it loses.
    std::uint32_t connect_and_get_isn() {
        connect();
        net.run_for(milliseconds(100));
        return net.endpoint(caller).connection(caller_id)->negotiated().initial_seq.value();
    }

    const Event* event(int node, EventKind kind) {
        const auto& events = net.node(node).events;
        const auto it = std::find_if(events.begin(), events.end(), [&](const Event& e) { return e.kind == kind; });
        return it == events.end() ? nullptr : &*it;
    }
    ConnectionId accepted_id() {
        const Event* e = event(listener, EventKind::accepted);
        BOOST_REQUIRE(e);
        return e->connection;
    }
};

/// Message i carries its index in the first four bytes (VirtualNetwork::stream).
inline int index_of(const std::vector<std::uint8_t>& message) {
    return message[0] | message[1] << 8 | message[2] << 16 | message[3] << 24;
}

}  // namespace websrt::test
