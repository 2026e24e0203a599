// Endpoint under hostile input: oversize datagrams, forged cookies, a full listener, one source
// taking every slot, a caller restarted on the same port, replayed conclusions with key material
// that does not unwrap, and NAKs asking for more retransmission than the stream is worth.
#define BOOST_TEST_MODULE endpoint
#include <boost/test/unit_test.hpp>

#include <array>

#include "connection_pair.hpp"
#include "core/handshake_exchange.hpp"
#include "core/key_material.hpp"
#include "core/syn_cookie.hpp"

using namespace websrt::core;
using namespace websrt::test;
namespace wire = websrt::wire;

namespace {

std::vector<std::uint8_t> encode(const wire::ControlPacket& packet) {
    std::vector<std::uint8_t> bytes(wire::encoded_size(packet));
    BOOST_REQUIRE(wire::encode_packet(packet, bytes));
    return bytes;
}

wire::ControlPacket handshake_packet(const OutgoingHandshake& out) {
    wire::ControlPacket packet;
    packet.header.type = static_cast<std::uint16_t>(wire::ControlType::handshake);
    packet.header.dest_socket_id = out.dest_socket_id;
    packet.body = out.body;
    return packet;
}

/// A hand-driven caller against a bare listener Endpoint: it fetches a real cookie with an
/// INDUCTION and can then send whatever CONCLUSION a test builds.
struct RawCaller {
    Endpoint& listener;
    SocketAddress from;
    Micros now = 1'000'000;

    std::vector<std::vector<std::uint8_t>> drain() {
        std::vector<std::vector<std::uint8_t>> out;
        std::array<std::uint8_t, 1500> buffer{};
        while (auto t = listener.poll_transmit(now, buffer))
            out.emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(t->size));
        return out;
    }

    std::uint32_t cookie(std::uint32_t socket_id) {
        const auto bytes = encode(handshake_packet(caller_induction(socket_id, wire::SeqNo(1), {}, listener_address)));
        listener.handle_datagram(now, from, bytes);
        const auto answers = drain();
        BOOST_REQUIRE_EQUAL(answers.size(), 1u);
        const auto packet = wire::decode_packet(answers.front());
        BOOST_REQUIRE(packet);
        return std::get<wire::Handshake>(std::get<wire::ControlPacket>(*packet).body).cookie;
    }

    /// Sends a CONCLUSION (with `km` as its KMREQ when given); returns the reject code of the
    /// answer, 0 for an acceptance, -1 for no answer.
    int conclude(std::uint32_t socket_id, const ConnectionConfig& config, const wire::KmMessage* km = nullptr) {
        const std::uint32_t c = cookie(socket_id);
        const auto bytes =
            encode(handshake_packet(caller_conclusion(socket_id, wire::SeqNo(1), c, config, listener_address, km)));
        listener.handle_datagram(now, from, bytes);
        const auto answers = drain();
        if (answers.empty()) return -1;
        const auto packet = wire::decode_packet(answers.back());
        BOOST_REQUIRE(packet);
        const auto& hs = std::get<wire::Handshake>(std::get<wire::ControlPacket>(*packet).body);
        return hs.is_rejection() ? reject_code_of(hs.request_type) : 0;
    }
};

constexpr int backlog = static_cast<int>(RejectReason::backlog);

}  // namespace

BOOST_AUTO_TEST_CASE(datagrams_longer_than_the_largest_mss_are_counted_and_dropped_unread) {
    SeededRandom random(1);
    Endpoint endpoint(random);
    BOOST_REQUIRE(!endpoint.listen({}));
    std::vector<std::uint8_t> jumbo(65000, 0);  // what a native receive path can hand over
    endpoint.handle_datagram(0, caller_address, jumbo);
    BOOST_TEST(endpoint.counters().oversize == 1u);
    BOOST_TEST(endpoint.counters().undecodable == 0u);
}

BOOST_AUTO_TEST_CASE(cookies_depend_on_the_secret_the_address_the_port_and_the_minute) {
    SeededRandom a(1), b(2);
    const SynCookie first(a), second(b);
    const Micros now = seconds(600);
    const auto peer = SocketAddress::v4(192, 0, 2, 1, 5000);
    const auto other_port = SocketAddress::v4(192, 0, 2, 1, 5001);
    BOOST_TEST(first.issue(peer, now) != second.issue(peer, now));  // a secret of its own
    BOOST_TEST(first.issue(peer, now) != first.issue(other_port, now));
    BOOST_TEST(first.matches(peer, now, first.issue(peer, now)));
    BOOST_TEST(first.matches(peer, now + SynCookie::period, first.issue(peer, now)));  // last minute's
    BOOST_TEST(!first.matches(peer, now + 2 * SynCookie::period, first.issue(peer, now)));
    BOOST_TEST(!first.matches(other_port, now, first.issue(peer, now)));
}

BOOST_AUTO_TEST_CASE(a_conclusion_with_a_forged_cookie_is_counted_and_answered_with_nothing) {
    SeededRandom random(1);
    Endpoint endpoint(random);
    BOOST_REQUIRE(!endpoint.listen({}));
    RawCaller caller{endpoint, caller_address};
    const std::uint32_t real = caller.cookie(77);
    const auto bytes = encode(handshake_packet(caller_conclusion(77, wire::SeqNo(1), real ^ 1, {}, listener_address)));
    endpoint.handle_datagram(caller.now, caller_address, bytes);
    BOOST_TEST(caller.drain().empty());
    BOOST_TEST(endpoint.counters().bad_cookie == 1u);
    BOOST_TEST(endpoint.connection_count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_full_listener_refuses_the_next_caller_with_backlog_even_in_one_batch) {
    // Two conclusions handled before the application saw the first acceptance (one recvmmsg
    // batch): the Endpoint itself holds the cap.
    SeededRandom random(1);
    Endpoint endpoint(random);
    BOOST_REQUIRE(!endpoint.listen({}, {}, ListenerLimits{.max_connections = 1, .max_connections_per_source = 1}));
    RawCaller first{endpoint, SocketAddress::v4(127, 0, 0, 2, 4000)};
    RawCaller second{endpoint, SocketAddress::v4(127, 0, 0, 3, 4000)};
    BOOST_TEST(first.conclude(11, {}) == 0);
    BOOST_TEST(second.conclude(12, {}) == backlog);
    BOOST_TEST(endpoint.connection_count() == 1u);
}

BOOST_AUTO_TEST_CASE(one_source_address_cannot_take_more_than_its_share_of_the_listener) {
    SeededRandom random(1);
    Endpoint endpoint(random);
    BOOST_REQUIRE(!endpoint.listen({}, {}, ListenerLimits{.max_connections = 100, .max_connections_per_source = 2}));
    for (std::uint16_t port = 4000; port < 4002; ++port) {
        RawCaller caller{endpoint, SocketAddress::v4(127, 0, 0, 2, port)};
        BOOST_TEST(caller.conclude(port, {}) == 0);
    }
    RawCaller third{endpoint, SocketAddress::v4(127, 0, 0, 2, 4002)};
    BOOST_TEST(third.conclude(4002, {}) == backlog);
    RawCaller elsewhere{endpoint, SocketAddress::v4(127, 0, 0, 9, 4000)};
    BOOST_TEST(elsewhere.conclude(99, {}) == 0);
    BOOST_TEST(endpoint.counters().refused == 1u);
}

BOOST_AUTO_TEST_CASE(a_caller_restarted_on_the_same_port_connects_at_once_and_the_old_connection_times_out) {
    ConnectionPair pair;
    pair.connect();
    pair.sim.run_for(milliseconds(100));
    const ConnectionId old_id = pair.accepted_id();
    pair.sim.restart(pair.caller, 555);  // same address and port, new socket id, old state gone
    const ConnectionId fresh = pair.sim.endpoint(pair.caller).connect(pair.now(), listener_address, {}).value();
    pair.sim.run_for(milliseconds(100));
    BOOST_REQUIRE(pair.event(pair.caller, EventKind::connected));
    BOOST_TEST(pair.event(pair.caller, EventKind::connected)->connection == fresh);
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection_count() == 2u);
    // The new caller's packets (keepalives here) must not keep the old connection alive.
    pair.sim.run_for(seconds(6));
    const Event* closed = pair.event(pair.listener, EventKind::closed);
    BOOST_REQUIRE(closed);
    BOOST_TEST(closed->connection == old_id);
    BOOST_TEST(static_cast<int>(closed->reason) == static_cast<int>(CloseReason::peer_idle_timeout));
    BOOST_TEST(!pair.event(pair.caller, EventKind::closed));
}

BOOST_AUTO_TEST_CASE(a_caller_restarted_on_the_port_of_a_full_listeners_only_connection_replaces_it) {
    Simulator simulator;
    use_plain_test_links(simulator);
    const int listener = simulator.add_node(listener_address, 1);
    const int caller = simulator.add_node(caller_address, 2);
    BOOST_REQUIRE(!simulator.endpoint(listener).listen(
        {}, {}, ListenerLimits{.max_connections = 1, .max_connections_per_source = 1}));
    simulator.endpoint(caller).connect(simulator.now(), listener_address, {});
    simulator.run_for(milliseconds(100));
    simulator.restart(caller, 555);
    simulator.endpoint(caller).connect(simulator.now(), listener_address, {});
    simulator.run_for(milliseconds(100));
    BOOST_TEST(std::count_if(simulator.events(caller).begin(), simulator.events(caller).end(),
                             [](const Event& e) { return e.kind == EventKind::connected; }) == 1);
    const auto& events = simulator.events(listener);
    const auto closed =
        std::find_if(events.begin(), events.end(), [](const Event& e) { return e.kind == EventKind::closed; });
    BOOST_REQUIRE((closed != events.end()));
    BOOST_TEST(static_cast<int>(closed->reason) == static_cast<int>(CloseReason::superseded));
    BOOST_TEST(simulator.endpoint(listener).connection_count() == 1u);
}

BOOST_AUTO_TEST_CASE(a_second_caller_from_another_port_does_not_replace_the_first) {
    ListenerAndTwoCallers net;
    auto& simulator = net.sim;
    const int listener = net.listener, first = net.first, second = net.second;
    simulator.endpoint(first).connect(simulator.now(), listener_address, {});
    simulator.run_for(milliseconds(100));
    simulator.endpoint(second).connect(simulator.now(), listener_address, {});
    simulator.run_for(milliseconds(100));
    BOOST_TEST(simulator.endpoint(listener).connection_count() == 2u);
    for (const Event& e : simulator.events(listener)) BOOST_TEST((e.kind != EventKind::closed));
}

BOOST_AUTO_TEST_CASE(replayed_conclusions_with_key_material_that_does_not_unwrap_cost_one_derivation_per_salt) {
    SeededRandom random(1);
    Endpoint endpoint(random);
    ConnectionConfig listener_config;
    listener_config.passphrase = "the listener's secret";
    BOOST_REQUIRE(!endpoint.listen(listener_config));
    SeededRandom keys_random(9);
    const StreamKeys keys = generate_stream_keys(keys_random, 16, wire::EncryptionKey::even);
    const auto km_bytes = build_key_material(keys, wire::EncryptionKey::even, "somebody else's secret");
    BOOST_REQUIRE(km_bytes);
    const auto km = wire::decode_km_message(*km_bytes);
    BOOST_REQUIRE(km);
    ConnectionConfig caller_config;
    caller_config.passphrase = "somebody else's secret";
    RawCaller replayer{endpoint, SocketAddress::v4(127, 0, 0, 2, 4000)};
    for (int i = 0; i < 10; ++i)
        BOOST_TEST(replayer.conclude(100 + i, caller_config, &*km) == static_cast<int>(RejectReason::bad_secret));
    BOOST_TEST(endpoint.counters().key_derivations == 1u);
    BOOST_TEST(endpoint.connection_count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_source_refused_too_often_is_not_answered_for_a_while_and_others_still_are) {
    SeededRandom random(1);
    Endpoint endpoint(random);
    ConnectionConfig listener_config;
    listener_config.passphrase = "the listener's secret";
    BOOST_REQUIRE(!endpoint.listen(listener_config));
    ConnectionConfig caller_config;
    caller_config.passphrase = "somebody else's secret";
    SeededRandom keys_random(9);
    RawCaller attacker{endpoint, SocketAddress::v4(127, 0, 0, 2, 4000)};
    int answered = 0;
    for (int i = 0; i < 200; ++i) {
        // A fresh salt each time: the cache cannot help, the rate limit must.
        const StreamKeys keys = generate_stream_keys(keys_random, 16, wire::EncryptionKey::even);
        const auto km_bytes = build_key_material(keys, wire::EncryptionKey::even, caller_config.passphrase);
        const auto km = wire::decode_km_message(*km_bytes);
        answered += attacker.conclude(1000 + i, caller_config, &*km) != -1;
    }
    BOOST_TEST(answered <= 20);
    BOOST_TEST(endpoint.counters().key_derivations <= 20u);
    BOOST_TEST(endpoint.counters().refusals_limited >= 180u);
    // An honest caller from another address still gets its (correct) key material checked.
    SeededRandom honest_random(10);
    const StreamKeys keys = generate_stream_keys(honest_random, 16, wire::EncryptionKey::even);
    const auto km_bytes = build_key_material(keys, wire::EncryptionKey::even, listener_config.passphrase);
    const auto km = wire::decode_km_message(*km_bytes);
    RawCaller honest{endpoint, SocketAddress::v4(127, 0, 0, 3, 4000), attacker.now};
    BOOST_TEST(honest.conclude(5, listener_config, &*km) == 0);
}

BOOST_AUTO_TEST_CASE(naks_naming_every_other_packet_cannot_make_the_sender_resend_more_than_the_stream) {
    // A receiver that NAKs alternating sequence numbers of everything in flight, 100 times a
    // second: without a budget every NAK resends half the window.
    ConnectionPair pair;
    pair.connect();
    pair.sim.run_for(milliseconds(100));
    const ConnectionId sender = pair.caller_id;
    // Nothing the receiver acknowledges: every packet sent stays in flight for the NAKs to name.
    pair.sim.set_drop_rule(pair.listener, pair.caller, lose_everything());
    const wire::SeqNo isn = pair.sim.endpoint(pair.caller).connection(sender)->negotiated().initial_seq;
    std::vector<std::uint8_t> message(1316, 7);
    int sent = 0;
    for (int tick = 0; tick < 200; ++tick) {  // 2 s at 10 ms per tick, 10 packets per tick
        for (int i = 0; i < 10; ++i) pair.sim.endpoint(pair.caller).send(sender, pair.now(), message);
        sent += 10;
        wire::ControlPacket nak;
        nak.header.type = static_cast<std::uint16_t>(wire::ControlType::nak);
        nak.header.dest_socket_id = sender;
        wire::NakBody body;
        for (int s = std::max(0, sent - 700); s < sent; s += 2) body.losses.push_back({isn.plus(s), isn.plus(s)});
        nak.body = body;
        const auto bytes = encode(nak);
        if (bytes.size() <= Endpoint::max_datagram_size)
            pair.sim.endpoint(pair.caller).handle_datagram(pair.now(), listener_address, bytes);
        pair.sim.run_for(milliseconds(10));
    }
    const auto stats = pair.sim.endpoint(pair.caller).stats(sender, pair.now(), false);
    BOOST_REQUIRE(stats);
    const auto unique = stats->total.byteSentUnique;
    const auto resent = stats->total.byteRetrans;
    BOOST_TEST_MESSAGE("unique " << unique << " B, retransmitted " << resent << " B");
    // The budget: the stream's own bytes, 1 Mbit/s for 2 s, and one burst (retransmit_budget.hpp).
    BOOST_TEST(resent <= unique + 2 * 125'000 + 256 * 1500);
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection_count() == 1u);
}

BOOST_AUTO_TEST_CASE(a_conclusion_with_an_mss_window_or_stream_id_no_libsrt_sends_is_refused) {
    SeededRandom random(1);
    Endpoint endpoint(random);
    BOOST_REQUIRE(!endpoint.listen({}));
    RawCaller caller{endpoint, caller_address};
    const int rogue = static_cast<int>(RejectReason::rogue);
    ConnectionConfig config;
    config.mss = 60;  // below the headers of one packet
    BOOST_TEST(caller.conclude(1, config) == rogue);
    config = {};
    config.flight_window_pkts = 0;  // nothing could ever be sent
    config.receive_buffer_pkts = 0;
    BOOST_TEST(caller.conclude(2, config) == rogue);
    config = {};
    config.stream_id = std::string(513, 'x');  // libsrt MAX_SID_LENGTH is 512
    BOOST_TEST(caller.conclude(3, config) == rogue);
    config.stream_id = std::string(512, 'x');
    BOOST_TEST(caller.conclude(4, config) == 0);
}

BOOST_AUTO_TEST_CASE(a_message_the_peers_smaller_mss_cannot_carry_is_refused_as_too_large) {
    ConnectionConfig listener_config;
    listener_config.mss = 1000;  // the caller's 1316-byte default payload no longer fits
    ConnectionPair pair(listener_config);
    pair.connect();
    pair.sim.run_for(milliseconds(100));
    const std::vector<std::uint8_t> big(1316, 1), fits(1000 - header_overhead, 2);
    BOOST_TEST((pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), big) == SendOutcome::too_large));
    BOOST_TEST((pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), fits) == SendOutcome::ok));
    pair.sim.run_for(milliseconds(300));
    BOOST_TEST(pair.received_by_listener().size() == 1u);
}
