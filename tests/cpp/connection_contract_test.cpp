// The Endpoint's contract with its driver (endpoint.hpp): graceful close, the writable event,
// delivery after the peer closed, and the distinct answers for buffers that are too small and
// configurations that are refused.
#define BOOST_TEST_MODULE connection_contract
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "connection_pair.hpp"

using namespace websrt::core;
using namespace websrt::test;

BOOST_TEST_DONT_PRINT_LOG_VALUE(SendOutcome)
BOOST_TEST_DONT_PRINT_LOG_VALUE(NoMessage)
BOOST_TEST_DONT_PRINT_LOG_VALUE(NoTransmit)

namespace {

/// The events of `kind` a node saw for `id`, in order.
std::vector<Event> events_of(ConnectionPair& pair, int node, EventKind kind) {
    std::vector<Event> found;
    for (const Event& e : pair.sim.events(node))
        if (e.kind == kind) found.push_back(e);
    return found;
}

/// Runs the network until `node` saw an event of `kind`, or `limit` virtual time passed.
const Event* run_until_event(ConnectionPair& pair, int node, EventKind kind, Micros limit) {
    const Micros deadline = pair.now() + limit;
    while (!pair.event(node, kind) && pair.now() < deadline) pair.sim.run_for(milliseconds(1));
    return pair.event(node, kind);
}

int position_of(const std::vector<Event>& events, EventKind kind) {
    const auto it = std::find_if(events.begin(), events.end(), [&](const Event& e) { return e.kind == kind; });
    return it == events.end() ? -1 : static_cast<int>(it - events.begin());
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_graceful_close_waits_for_acknowledgement_and_play_out_then_drains_and_closes) {
    ConnectionPair pair;
    pair.connect();
    BOOST_REQUIRE(run_until_event(pair, pair.caller, EventKind::connected, seconds(1)));
    pair.stream(pair.caller, pair.caller_id, 50, 188, milliseconds(1));
    const Micros last_submit = pair.now() - milliseconds(1);
    pair.sim.endpoint(pair.caller).close(pair.caller_id, pair.now(), true);
    BOOST_TEST(pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), std::vector<std::uint8_t>(10)) ==
               SendOutcome::not_connected);

    const Event* closed = run_until_event(pair, pair.caller, EventKind::closed, seconds(5));
    BOOST_REQUIRE(closed);
    const Micros closed_at = pair.now();
    BOOST_TEST(static_cast<int>(closed->reason) == static_cast<int>(CloseReason::local_close));
    BOOST_TEST(closed->unacknowledged == 0);
    BOOST_REQUIRE(closed->stats.has_value());
    BOOST_TEST(closed->stats->total.pktSent >= 50);
    // Drained comes first, and not before the peer's latency (120 ms) after the last message.
    const auto& events = pair.sim.events(pair.caller);
    BOOST_TEST(position_of(events, EventKind::drained) >= 0);
    BOOST_TEST(position_of(events, EventKind::drained) < position_of(events, EventKind::closed));
    BOOST_TEST(closed_at >= last_submit + milliseconds(120) + timing::played_out_margin);

    pair.sim.run_for(milliseconds(100));
    const Event* peer_closed = pair.event(pair.listener, EventKind::closed);
    BOOST_REQUIRE(peer_closed);
    BOOST_TEST(static_cast<int>(peer_closed->reason) == static_cast<int>(CloseReason::peer_shutdown));
    BOOST_TEST(pair.received_by_listener().size() == 50u);
}

BOOST_AUTO_TEST_CASE(a_graceful_close_gives_up_after_its_linger_and_says_what_was_never_acknowledged) {
    ConnectionPair pair;
    pair.connect();
    BOOST_REQUIRE(run_until_event(pair, pair.caller, EventKind::connected, seconds(1)));
    pair.sim.cut_all_links();
    for (int i = 0; i < 10; ++i)
        BOOST_TEST(pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), std::vector<std::uint8_t>(100)) ==
                   SendOutcome::ok);
    const Micros closed_at = pair.now();
    pair.sim.endpoint(pair.caller).close(pair.caller_id, pair.now(), true, milliseconds(500));
    const Event* closed = run_until_event(pair, pair.caller, EventKind::closed, seconds(2));
    BOOST_REQUIRE(closed);
    BOOST_TEST(closed->unacknowledged == 10);
    BOOST_TEST(closed->detail.find("linger") != std::string::npos);
    BOOST_TEST(!pair.event(pair.caller, EventKind::drained));
    BOOST_TEST(pair.now() >= closed_at + milliseconds(500));
    BOOST_TEST(pair.now() <= closed_at + milliseconds(510));
}

BOOST_AUTO_TEST_CASE(a_close_that_is_not_graceful_ends_a_graceful_one_that_waits) {
    ConnectionPair pair;
    pair.connect();
    BOOST_REQUIRE(run_until_event(pair, pair.caller, EventKind::connected, seconds(1)));
    pair.sim.cut_all_links();
    (void)pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), std::vector<std::uint8_t>(100));
    pair.sim.endpoint(pair.caller).close(pair.caller_id, pair.now(), true);
    pair.sim.run_for(milliseconds(50));
    BOOST_TEST(!pair.event(pair.caller, EventKind::closed));
    pair.sim.endpoint(pair.caller).close(pair.caller_id, pair.now(), false);
    pair.sim.run_for(milliseconds(1));
    const Event* closed = pair.event(pair.caller, EventKind::closed);
    BOOST_REQUIRE(closed);
    BOOST_TEST(closed->unacknowledged == 1);
}

BOOST_AUTO_TEST_CASE(what_arrived_before_the_peer_closed_is_delivered_at_once_not_at_its_play_time) {
    ConnectionConfig listener_config;
    listener_config.receiver_latency_ms = 2000;
    ConnectionPair pair(listener_config);
    pair.connect();
    BOOST_REQUIRE(run_until_event(pair, pair.caller, EventKind::connected, seconds(1)));
    pair.stream(pair.caller, pair.caller_id, 20, 188, milliseconds(1));
    pair.sim.run_for(milliseconds(50));  // all of it arrived; none is due for ~2 s
    const ConnectionId accepted = pair.accepted_id();
    BOOST_TEST(pair.sim.deliveries(pair.listener, accepted).empty());
    pair.sim.endpoint(pair.caller).close(pair.caller_id, pair.now(), false);
    const Event* closed = run_until_event(pair, pair.listener, EventKind::closed, seconds(1));
    BOOST_REQUIRE(closed);
    BOOST_TEST(static_cast<int>(closed->reason) == static_cast<int>(CloseReason::peer_shutdown));
    pair.sim.run_for(milliseconds(1));
    const auto received = pair.sim.deliveries(pair.listener, accepted);
    BOOST_REQUIRE(received.size() == 20u);
    for (int i = 0; i < 20; ++i) BOOST_TEST(index_of(received[static_cast<std::size_t>(i)].message) == i);
    // Read: the endpoint forgets the connection.
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection_count() == 0u);
}

BOOST_AUTO_TEST_CASE(what_the_peer_sent_before_closing_is_given_up_after_the_idle_timeout_if_never_read) {
    ConnectionConfig listener_config;
    listener_config.receiver_latency_ms = 2000;
    ConnectionPair pair(listener_config);
    pair.sim.set_application_reads(pair.listener, false);
    pair.connect();
    BOOST_REQUIRE(run_until_event(pair, pair.caller, EventKind::connected, seconds(1)));
    pair.stream(pair.caller, pair.caller_id, 5, 188, milliseconds(1));
    pair.sim.run_for(milliseconds(50));
    const ConnectionId accepted = pair.accepted_id();
    pair.sim.endpoint(pair.caller).close(pair.caller_id, pair.now(), false);
    BOOST_REQUIRE(run_until_event(pair, pair.listener, EventKind::closed, seconds(1)));
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection_count() == 1u);  // held for the reader
    pair.sim.run_for(listener_config.peer_idle_timeout + milliseconds(10));
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection_count() == 0u);
    std::vector<std::uint8_t> buffer(Endpoint::max_message_size);
    BOOST_TEST(pair.sim.endpoint(pair.listener).receive(accepted, pair.now(), buffer).error() ==
               NoMessage::not_connected);
}

BOOST_AUTO_TEST_CASE(send_answers_buffer_full_and_a_writable_event_follows_once_acks_make_room) {
    ConnectionConfig config;
    config.send_buffer_pkts = limits::min_buffer_pkts;
    ConnectionPair pair;
    pair.connect(config);
    BOOST_REQUIRE(run_until_event(pair, pair.caller, EventKind::connected, seconds(1)));
    auto& caller = pair.sim.endpoint(pair.caller);
    int accepted = 0;
    while (caller.send(pair.caller_id, pair.now(), std::vector<std::uint8_t>(188)) == SendOutcome::ok) ++accepted;
    BOOST_TEST(accepted == limits::min_buffer_pkts);
    BOOST_TEST(caller.send(pair.caller_id, pair.now(), std::vector<std::uint8_t>(188)) == SendOutcome::buffer_full);
    BOOST_TEST(!pair.event(pair.caller, EventKind::writable));
    BOOST_REQUIRE(run_until_event(pair, pair.caller, EventKind::writable, seconds(1)));
    BOOST_TEST(caller.send(pair.caller_id, pair.now(), std::vector<std::uint8_t>(188)) == SendOutcome::ok);
    BOOST_TEST(events_of(pair, pair.caller, EventKind::writable).size() == 1u);  // one per buffer_full
}

BOOST_AUTO_TEST_CASE(a_message_longer_than_the_receive_buffer_stays_queued_and_is_never_cut) {
    ConnectionPair pair;
    pair.sim.set_application_reads(pair.listener, false);
    pair.connect();
    BOOST_REQUIRE(run_until_event(pair, pair.caller, EventKind::connected, seconds(1)));
    pair.stream(pair.caller, pair.caller_id, 1, 1000, milliseconds(1));
    pair.sim.run_for(milliseconds(300));
    auto& listener = pair.sim.endpoint(pair.listener);
    const ConnectionId accepted = pair.accepted_id();
    std::vector<std::uint8_t> small(999), big(Endpoint::max_message_size);
    BOOST_TEST(listener.receive(accepted, pair.now(), small).error() == NoMessage::buffer_too_small);
    const auto size = listener.receive(accepted, pair.now(), big);
    BOOST_REQUIRE(size.ok());
    BOOST_TEST(*size == 1000u);
    BOOST_TEST(listener.receive(accepted, pair.now(), big).error() == NoMessage::none_due);
    BOOST_TEST(listener.receive(12345, pair.now(), big).error() == NoMessage::not_connected);
}

BOOST_AUTO_TEST_CASE(poll_transmit_with_a_short_buffer_takes_nothing) {
    SeededRandom random(7);
    Endpoint endpoint(random);
    BOOST_REQUIRE(endpoint.connect(0, listener_address, {}).ok());
    std::vector<std::uint8_t> small(Endpoint::max_datagram_size - 1), big(Endpoint::max_datagram_size);
    BOOST_TEST(endpoint.poll_transmit(0, small).error() == NoTransmit::buffer_too_small);
    const auto induction = endpoint.poll_transmit(0, big);
    BOOST_REQUIRE(induction.ok());
    BOOST_TEST((induction->to == listener_address));
    BOOST_TEST(endpoint.poll_transmit(0, big).error() == NoTransmit::idle);
}

BOOST_AUTO_TEST_CASE(connect_and_listen_refuse_a_config_outside_libsrts_limits) {
    SeededRandom random(7);
    Endpoint endpoint(random);
    ConnectionConfig tiny_mss;
    tiny_mss.mss = limits::min_mss - 1;
    const auto started = endpoint.connect(0, listener_address, tiny_mss);
    BOOST_REQUIRE(!started.ok());
    BOOST_TEST(started.error().find("mss") != std::string::npos);
    BOOST_TEST(endpoint.connection_count() == 0u);
    ConnectionConfig short_secret;
    short_secret.passphrase = "short";
    const auto refused = endpoint.listen(short_secret);
    BOOST_REQUIRE(refused.has_value());
    BOOST_TEST(refused->find("passphrase") != std::string::npos);
    BOOST_TEST(!ConnectionConfig{}.validate().has_value());
}

BOOST_AUTO_TEST_CASE(a_per_caller_config_that_fails_validation_refuses_that_caller) {
    ConnectionPair pair({}, [](const AcceptRequest&) {
        AcceptDecision decision;
        decision.config = ConnectionConfig{};
        decision.config->payload_size = limits::max_live_payload + 1;
        return decision;
    });
    pair.connect();
    const Event* closed = run_until_event(pair, pair.caller, EventKind::closed, seconds(2));
    BOOST_REQUIRE(closed);
    BOOST_TEST(static_cast<int>(closed->reason) == static_cast<int>(CloseReason::rejected));
    BOOST_TEST(closed->reject_code == static_cast<int>(RejectReason::ipe));
}

BOOST_AUTO_TEST_CASE(the_default_linger_is_four_latencies_and_at_least_three_seconds) {
    ConnectionConfig config;
    BOOST_TEST(linger_of(config, 120) == seconds(3));
    BOOST_TEST(linger_of(config, 1000) == seconds(4));
    config.linger = milliseconds(250);
    BOOST_TEST(linger_of(config, 1000) == milliseconds(250));
}
