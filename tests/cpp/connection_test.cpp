// Behaviour of the live-mode core, two Endpoints on the simulator (connection_pair.hpp):
// handshake, rejection, timeouts, delivery on the TSBPD clock, loss recovery, too-late drop,
// keepalive, shutdown and demultiplexing. Each test names the rule it proves.
#define BOOST_TEST_MODULE connection
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <memory>

#include "connection_pair.hpp"

using namespace websrt;
using namespace websrt::core;
using namespace websrt::test;

BOOST_AUTO_TEST_CASE(caller_connects_and_the_listener_sees_its_stream_id) {
    ConnectionPair pair;
    ConnectionConfig config;
    config.stream_id = "#!::r=live/cam1,m=publish";
    pair.connect(config);
    pair.sim.run_for(milliseconds(100));

    const Event* connected = pair.event(pair.caller, EventKind::connected);
    const Event* accepted = pair.event(pair.listener, EventKind::accepted);
    BOOST_REQUIRE(connected);
    BOOST_REQUIRE(accepted);
    BOOST_TEST(accepted->stream_id == config.stream_id);
    BOOST_TEST(accepted->peer.to_string() == caller_address.to_string());
    // INDUCTION and CONCLUSION, each answered: 2 round trips.
    BOOST_TEST(pair.sent(pair.caller, "handshake") == 2u);
}

BOOST_AUTO_TEST_CASE(latency_is_the_larger_of_both_sides_in_each_direction) {
    ConnectionConfig listener_config;
    listener_config.receiver_latency_ms = 200;
    ConnectionPair pair(listener_config);
    ConnectionConfig caller_config;
    caller_config.receiver_latency_ms = 80;
    caller_config.peer_latency_ms = 300;
    pair.connect(caller_config);
    pair.sim.run_for(milliseconds(100));

    const Connection* caller = pair.sim.endpoint(pair.caller).connection(pair.caller_id);
    const Connection* accepted = pair.sim.endpoint(pair.listener).connection(pair.accepted_id());
    BOOST_REQUIRE(caller);
    BOOST_REQUIRE(accepted);
    // caller → listener: max(listener's rcvlatency 200, caller's peerlatency 300)
    BOOST_TEST(accepted->negotiated().receiver_latency_ms == 300);
    BOOST_TEST(caller->negotiated().sender_latency_ms == 300);
    // listener → caller: max(caller's rcvlatency 80, listener's peerlatency 0)
    BOOST_TEST(caller->negotiated().receiver_latency_ms == 80);
    BOOST_TEST(accepted->negotiated().sender_latency_ms == 80);
}

BOOST_AUTO_TEST_CASE(handshake_survives_a_lost_induction_and_a_lost_conclusion_answer) {
    ConnectionPair pair;
    // Lose the caller's first datagram (INDUCTION) and the listener's second (CONCLUSION answer).
    pair.sim.set_drop_rule(pair.caller, pair.listener, [](std::uint64_t i, wire::Bytes) { return i == 0; });
    pair.sim.set_drop_rule(pair.listener, pair.caller, [](std::uint64_t i, wire::Bytes) { return i == 1; });
    pair.connect();
    pair.sim.run_for(seconds(1));
    BOOST_TEST(pair.event(pair.caller, EventKind::connected));
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection_count() == 1u);
}

BOOST_AUTO_TEST_CASE(listener_rejection_reaches_the_caller_with_its_code) {
    ConnectionPair pair({}, [](const AcceptRequest& request) {
        return request.stream_id == "forbidden" ? AcceptDecision::no(reject_forbidden) : AcceptDecision::yes();
    });
    ConnectionConfig config;
    config.stream_id = "forbidden";
    pair.connect(config);
    pair.sim.run_for(milliseconds(200));
    const Event* closed = pair.event(pair.caller, EventKind::closed);
    BOOST_REQUIRE(closed);
    BOOST_TEST(static_cast<int>(closed->reason) == static_cast<int>(CloseReason::rejected));
    BOOST_TEST(closed->reject_code == reject_forbidden);
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection_count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_deferred_admission_is_answered_when_the_caller_repeats_its_conclusion) {
    int asked = 0;
    ConnectionPair pair(
        {}, [&asked](const AcceptRequest&) { return ++asked == 1 ? AcceptDecision::later() : AcceptDecision::yes(); });
    pair.connect();
    // INDUCTION and CONCLUSION cross in 2 round trips (40 ms); the CONCLUSION is left unanswered.
    pair.sim.run_for(milliseconds(100));
    BOOST_TEST(asked == 1);
    BOOST_TEST(pair.sim.endpoint(pair.listener).counters().deferred == 1u);
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection_count() == 0u);
    BOOST_TEST(!pair.event(pair.caller, EventKind::connected));
    // The caller repeats it 250 ms after the first, and is admitted.
    pair.sim.run_for(milliseconds(300));
    BOOST_TEST(asked == 2);
    BOOST_TEST(pair.event(pair.caller, EventKind::connected));
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection_count() == 1u);
}

BOOST_AUTO_TEST_CASE(connect_times_out_after_conntimeo_when_nobody_answers) {
    ConnectionPair pair;
    pair.sim.cut_all_links();
    const Micros start = pair.now();
    pair.connect();
    pair.sim.run_for(seconds(10));
    const Event* closed = pair.event(pair.caller, EventKind::closed);
    BOOST_REQUIRE(closed);
    BOOST_TEST(static_cast<int>(closed->reason) == static_cast<int>(CloseReason::connect_timeout));
    // Handshake resent every 250 ms for the 3 s default timeout.
    BOOST_TEST(pair.sent(pair.caller, "handshake") == 12u);
    (void)start;
}

BOOST_AUTO_TEST_CASE(listener_keeps_no_state_for_a_conclusion_without_a_valid_cookie) {
    ConnectionPair pair;
    // Forge a CONCLUSION with cookie 0 straight from the caller's address.
    wire::ControlPacket packet;
    packet.header.type = static_cast<std::uint16_t>(wire::ControlType::handshake);
    ConnectionConfig config;
    packet.body = caller_conclusion(1234, wire::SeqNo(5), 0, config, listener_address).body;
    std::vector<std::uint8_t> bytes(wire::encoded_size(packet));
    BOOST_REQUIRE(wire::encode_packet(packet, bytes));
    pair.sim.endpoint(pair.listener).handle_datagram(pair.now(), caller_address, bytes);
    pair.sim.run_for(milliseconds(50));
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection_count() == 0u);
    BOOST_TEST(pair.sim.datagrams_sent(pair.listener) == 0u);
}

BOOST_AUTO_TEST_CASE(messages_are_delivered_in_order_no_earlier_than_their_latency) {
    ConnectionPair pair;
    pair.connect();
    pair.sim.run_for(milliseconds(100));
    const Micros first_send = pair.now();
    pair.stream(pair.caller, pair.caller_id, 500, 1316, milliseconds(1));
    pair.sim.run_for(seconds(1));

    const auto received = pair.received_by_listener();
    BOOST_REQUIRE_EQUAL(received.size(), 500u);
    for (int i = 0; i < 500; ++i) {
        BOOST_TEST(index_of(received[i].message) == i);
        BOOST_TEST(received[i].message.size() == 1316u);
        // Sent at first_send + i ms; TSBPD plays it out the latency (120 ms) after it would have
        // arrived with the handshake's one-way delay, never earlier.
        const Micros due = first_send + milliseconds(i) + one_way_delay + milliseconds(120);
        BOOST_TEST(received[i].global_time >= due);
        BOOST_TEST(received[i].global_time <= due + milliseconds(1));
    }
}

BOOST_AUTO_TEST_CASE(lost_packets_are_reported_by_nak_and_retransmitted) {
    ConnectionPair pair;
    const std::uint32_t isn = pair.connect_and_get_isn();
    pair.sim.set_drop_rule(pair.caller, pair.listener,
                           lose_data_once({isn + 10, isn + 11, isn + 12, isn + 100, isn + 250}));
    pair.stream(pair.caller, pair.caller_id, 300, 1000, milliseconds(2));
    pair.sim.run_for(seconds(1));

    const auto received = pair.received_by_listener();
    BOOST_REQUIRE_EQUAL(received.size(), 300u);
    for (int i = 0; i < 300; ++i) BOOST_TEST(index_of(received[i].message) == i);
    const auto sender = *pair.sim.endpoint(pair.caller).stats(pair.caller_id, pair.now(), false);
    const auto receiver = *pair.sim.endpoint(pair.listener).stats(pair.accepted_id(), pair.now(), false);
    BOOST_TEST(sender.total.pktRetrans == 5);
    BOOST_TEST(sender.total.pktSndLoss == 5);
    BOOST_TEST(receiver.total.pktRcvLoss == 5);
    BOOST_TEST(receiver.total.pktRcvDrop == 0);
    BOOST_TEST(receiver.total.pktSentNAK >= 3);
    BOOST_TEST(sender.pktSndBuf == 0);  // everything acknowledged
}

BOOST_AUTO_TEST_CASE(a_lost_tail_is_recovered_when_no_more_data_follows) {
    // Nothing after the last packets reveals their loss to the receiver: the sender's tail loss
    // probe must.
    ConnectionPair pair;
    const std::uint32_t isn = pair.connect_and_get_isn();
    pair.sim.set_drop_rule(pair.caller, pair.listener, lose_data_once({isn + 297, isn + 298, isn + 299}));
    pair.stream(pair.caller, pair.caller_id, 300, 1000, milliseconds(2));
    pair.sim.run_for(seconds(1));

    const auto received = pair.received_by_listener();
    BOOST_REQUIRE_EQUAL(received.size(), 300u);
    BOOST_TEST(index_of(received.back().message) == 299);
    const auto sender = *pair.sim.endpoint(pair.caller).stats(pair.caller_id, pair.now(), false);
    BOOST_TEST(sender.pktSndBuf == 0);
    BOOST_TEST(sender.total.pktRetrans <= 4);  // the probe, then the two packets its arrival NAKed
}

BOOST_AUTO_TEST_CASE(a_receive_buffer_smaller_than_rate_times_latency_counts_each_message_once) {
    // 1 packet/ms with 120 ms latency needs 120 slots; 64 make packets arrive without room. They
    // are ignored as if lost and NAKed once room is made (libsrt), so every message is delivered
    // or counted as dropped exactly once.
    ConnectionConfig small;
    small.receive_buffer_pkts = 64;
    ConnectionPair pair(small);
    pair.connect();
    pair.sim.run_for(milliseconds(100));
    pair.stream(pair.caller, pair.caller_id, 300, 1000, milliseconds(1));
    pair.sim.run_for(seconds(2));

    const auto received = pair.received_by_listener();
    for (std::size_t i = 1; i < received.size(); ++i)
        BOOST_TEST_REQUIRE(index_of(received[i].message) > index_of(received[i - 1].message));
    const auto receiver = *pair.sim.endpoint(pair.listener).stats(pair.accepted_id(), pair.now(), false);
    BOOST_TEST(received.size() + static_cast<std::size_t>(receiver.total.pktRcvDrop) == 300u);
    BOOST_TEST(receiver.total.pktRcvLoss > 0);
}

BOOST_AUTO_TEST_CASE(random_loss_loses_no_message_within_the_latency_budget) {
    for (std::uint64_t seed : {1u, 2u, 3u, 42u}) {
        ConnectionPair pair({}, {}, seed);
        pair.connect();
        pair.sim.run_for(milliseconds(200));
        BOOST_REQUIRE_MESSAGE(pair.event(pair.caller, EventKind::connected), "seed " << seed);
        pair.sim.set_drop_rule(pair.caller, pair.listener, lose_randomly(5, seed));
        pair.sim.set_drop_rule(pair.listener, pair.caller, lose_randomly(5, seed + 1));
        pair.stream(pair.caller, pair.caller_id, 2000, 1316, milliseconds(1));
        pair.sim.run_for(seconds(2));
        const auto received = pair.received_by_listener();
        const auto sender = *pair.sim.endpoint(pair.caller).stats(pair.caller_id, pair.now(), false);
        const auto receiver = *pair.sim.endpoint(pair.listener).stats(pair.accepted_id(), pair.now(), false);
        BOOST_TEST_MESSAGE(
            "seed " << seed << ": received " << received.size() << " rcvloss " << receiver.total.pktRcvLoss
                    << " rcvdrop " << receiver.total.pktRcvDrop << " retrans " << sender.total.pktRetrans << " sndloss "
                    << sender.total.pktSndLoss << " nak sent " << receiver.total.pktSentNAK << " nak recv "
                    << sender.total.pktRecvNAK << " sndbuf " << sender.pktSndBuf << " rtt " << sender.msRTT);
        for (std::size_t i = 0, expected = 0; i < received.size(); ++i, ++expected)
            while (index_of(received[i].message) != static_cast<int>(expected) && expected < 2000)
                BOOST_TEST_MESSAGE("missing " << expected++);
        BOOST_TEST_REQUIRE(received.size() == 2000u, "seed " << seed);
        for (int i = 0; i < 2000; ++i) BOOST_TEST_REQUIRE(index_of(received[i].message) == i, "seed " << seed);
    }
}

BOOST_AUTO_TEST_CASE(packets_that_cannot_arrive_in_time_are_dropped_and_later_ones_still_play) {
    ConnectionPair pair;
    const std::uint32_t isn = pair.connect_and_get_isn();
    // Packet 50 and every retransmission of it are lost.
    pair.sim.set_drop_rule(pair.caller, pair.listener, lose_data_always(isn + 50));
    pair.stream(pair.caller, pair.caller_id, 200, 1000, milliseconds(2));
    pair.sim.run_for(seconds(3));

    const auto received = pair.received_by_listener();
    BOOST_REQUIRE_EQUAL(received.size(), 199u);
    int expected = 0;
    for (const Delivery& delivery : received) {
        if (expected == 50) ++expected;
        BOOST_TEST(index_of(delivery.message) == expected++);
    }
    const auto receiver = *pair.sim.endpoint(pair.listener).stats(pair.accepted_id(), pair.now(), false);
    BOOST_TEST(receiver.total.pktRcvDrop == 1);
}

BOOST_AUTO_TEST_CASE(sender_drops_what_is_older_than_its_drop_threshold_and_tells_the_receiver) {
    ConnectionPair pair;
    pair.connect();
    pair.sim.run_for(milliseconds(100));
    pair.sim.cut_all_links();  // nothing gets through: no ACKs come back
    pair.stream(pair.caller, pair.caller_id, 10, 1000, milliseconds(1));
    pair.sim.run_for(milliseconds(1200));  // threshold: max(120 ms, 1000 ms) + 20 ms
    const auto sender = *pair.sim.endpoint(pair.caller).stats(pair.caller_id, pair.now(), false);
    BOOST_TEST(sender.total.pktSndDrop == 10);
    BOOST_TEST(sender.pktSndBuf == 0);
    BOOST_TEST(pair.sent(pair.caller, "drop_request") >= 1u);
}

BOOST_AUTO_TEST_CASE(an_idle_connection_sends_keepalives_and_stays_up) {
    ConnectionPair pair;
    pair.connect();
    pair.sim.run_for(seconds(4));
    BOOST_TEST(pair.sent(pair.caller, "keepalive") >= 3u);
    BOOST_TEST(pair.sent(pair.listener, "keepalive") >= 3u);
    BOOST_TEST(!pair.event(pair.caller, EventKind::closed));
}

BOOST_AUTO_TEST_CASE(a_silent_peer_is_declared_gone_after_the_idle_timeout) {
    ConnectionPair pair;
    pair.connect();
    pair.sim.run_for(milliseconds(100));
    pair.sim.cut_all_links();
    const Micros cut = pair.now();
    pair.sim.run_for(seconds(6));
    const Event* closed = pair.event(pair.caller, EventKind::closed);
    BOOST_REQUIRE(closed);
    BOOST_TEST(static_cast<int>(closed->reason) == static_cast<int>(CloseReason::peer_idle_timeout));
    BOOST_TEST(pair.sim.endpoint(pair.caller).connection_count() == 0u);
    (void)cut;
}

BOOST_AUTO_TEST_CASE(close_sends_shutdown_and_the_peer_reports_it) {
    ConnectionPair pair;
    pair.connect();
    pair.sim.run_for(milliseconds(100));
    pair.sim.endpoint(pair.caller).close(pair.caller_id, pair.now(), false);
    pair.sim.run_for(milliseconds(100));
    const Event* closed = pair.event(pair.listener, EventKind::closed);
    BOOST_REQUIRE(closed);
    BOOST_TEST(static_cast<int>(closed->reason) == static_cast<int>(CloseReason::peer_shutdown));
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection_count() == 0u);
    BOOST_TEST(pair.sim.endpoint(pair.caller).connection_count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_lost_shutdown_is_covered_by_its_copies) {
    // SHUTDOWN is never acknowledged: one lost copy must not leave the peer waiting 5 s.
    ConnectionPair pair;
    pair.connect();
    pair.sim.run_for(milliseconds(100));
    auto lost = std::make_shared<bool>(false);
    pair.sim.set_drop_rule(pair.caller, pair.listener, [lost](std::uint64_t, wire::Bytes d) {
        const bool shutdown =
            d.size() >= 2 && d[0] == 0x80 && d[1] == static_cast<std::uint8_t>(wire::ControlType::shutdown);
        if (!shutdown || *lost) return false;
        *lost = true;
        return true;
    });
    pair.sim.endpoint(pair.caller).close(pair.caller_id, pair.now(), false);
    pair.sim.run_for(milliseconds(100));
    BOOST_TEST(*lost);
    const Event* closed = pair.event(pair.listener, EventKind::closed);
    BOOST_REQUIRE(closed);
    BOOST_TEST(static_cast<int>(closed->reason) == static_cast<int>(CloseReason::peer_shutdown));
}

BOOST_AUTO_TEST_CASE(two_callers_on_one_listener_port_get_their_own_streams) {
    ListenerAndTwoCallers net;
    auto& simulator = net.sim;
    const int listener = net.listener, first = net.first, second = net.second;
    ConnectionConfig a, b;
    a.stream_id = "first";
    b.stream_id = "second";
    const ConnectionId a_id = simulator.endpoint(first).connect(simulator.now(), listener_address, a).value();
    const ConnectionId b_id = simulator.endpoint(second).connect(simulator.now(), listener_address, b).value();
    simulator.run_for(milliseconds(100));
    for (int i = 0; i < 50; ++i) {
        const std::uint8_t one[1] = {1}, two[2] = {2, 2};
        simulator.endpoint(first).send(a_id, simulator.now(), one);
        simulator.endpoint(second).send(b_id, simulator.now(), two);
        simulator.run_for(milliseconds(1));
    }
    simulator.run_for(milliseconds(500));
    BOOST_REQUIRE_EQUAL(simulator.endpoint(listener).connection_count(), 2u);
    for (const Event& e : simulator.events(listener)) {
        if (e.kind != EventKind::accepted) continue;
        const auto messages = simulator.deliveries(listener, e.connection);
        BOOST_REQUIRE_EQUAL(messages.size(), 50u);
        const std::size_t expected_size = e.stream_id == "first" ? 1 : 2;
        for (const Delivery& m : messages) BOOST_TEST(m.message.size() == expected_size);
    }
}

BOOST_AUTO_TEST_CASE(malformed_datagrams_are_ignored) {
    ConnectionPair pair;
    pair.connect();
    pair.sim.run_for(milliseconds(100));
    const std::uint8_t garbage[][8] = {{0x80, 0, 0, 0}, {0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4}, {}};
    for (const auto& g : garbage) pair.sim.endpoint(pair.listener).handle_datagram(pair.now(), caller_address, g);
    pair.sim.run_for(milliseconds(100));
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection_count() == 1u);
    BOOST_TEST(!pair.event(pair.listener, EventKind::closed));
}
