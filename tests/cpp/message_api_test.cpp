// The message API (libsrt srt_sendmsg2 / srt_recvmsg2) between two Endpoints on the simulator:
// a message's TTL gives it up before it is sent or when it is asked for again too late, the
// receiver is told by DROPREQ and plays the rest in order; what receive() tells of a message; a
// source time moves the message's play-out. Both sides run without too-late drop, so only the
// DROPREQ can let the receiver go past what the sender gave up.
#define BOOST_TEST_MODULE message_api
#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "connection_pair.hpp"

using namespace websrt;
using namespace websrt::core;
using namespace websrt::test;

namespace {

ConnectionConfig without_too_late_drop() {
    ConnectionConfig config;
    config.too_late_packet_drop = false;
    return config;
}

/// A numbered message (numbered_stream.hpp's layout) of `size` bytes.
std::vector<std::uint8_t> numbered(int index, std::size_t size) {
    std::vector<std::uint8_t> message(size, static_cast<std::uint8_t>(index));
    for (int b = 0; b < 4; ++b) message[b] = static_cast<std::uint8_t>(index >> (8 * b));
    return message;
}

/// The indexes received, checked to be strictly increasing.
std::vector<int> indexes_in_order(const std::vector<Delivery>& received) {
    std::vector<int> indexes;
    for (const Delivery& delivery : received) {
        const int index = index_of(delivery.message);
        if (!indexes.empty()) BOOST_TEST(index > indexes.back());
        indexes.push_back(index);
    }
    return indexes;
}

/// File mode with the message API: message 0, five packets (isn … isn + 4) with a TTL of 5 ms
/// (shorter than a NAK's round trip), its second and fourth packets always lost; message 1, one
/// packet, no TTL. The DROPREQs the caller sends are collected. Without `peer_acks`, the
/// receiver's ACKs are lost: the message stays in the sender's buffer, to be asked for again.
struct ExpiringLongMessage {
    explicit ExpiringLongMessage(bool peer_acks = true)
        : pair(file_mode_messages()), isn(pair.connect_and_get_isn(file_mode_messages())) {
        if (!peer_acks)
            pair.sim.set_drop_rule(pair.listener, pair.caller, [](std::uint64_t, wire::Bytes datagram) {
                return sim::control_type(datagram) == wire::ControlType::ack;
            });
        pair.sim.set_drop_rule(pair.caller, pair.listener,
                               [second = lose_data_always(isn + 1), fourth = lose_data_always(isn + 3), this](
                                   std::uint64_t index, wire::Bytes datagram) {
                                   if (const auto packet = wire::decode_packet(datagram))
                                       if (const auto* control = std::get_if<wire::ControlPacket>(&*packet))
                                           if (const auto* body = std::get_if<wire::DropRequestBody>(&control->body))
                                               drop_requests.push_back(*body);
                                   return second(index, datagram) || fourth(index, datagram);
                               });
        SendControl expiring;
        expiring.ttl = milliseconds(5);
        BOOST_REQUIRE(
            pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), numbered(0, 5 * 1456), expiring) ==
            SendOutcome::ok);
        BOOST_REQUIRE(pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), numbered(1, 100)) ==
                      SendOutcome::ok);
    }
    static ConnectionConfig file_mode_messages() {
        ConnectionConfig config;
        use_file_mode(config);
        config.message_api = true;
        return config;
    }
    [[nodiscard]] TrafficCounters sender_totals() {
        return pair.sim.endpoint(pair.caller).stats(pair.caller_id, pair.now(), false)->total;
    }

    ConnectionPair pair;
    std::uint32_t isn;
    std::vector<wire::DropRequestBody> drop_requests;
};

}  // namespace

BOOST_AUTO_TEST_CASE(messages_not_sent_within_their_ttl_are_skipped_and_the_rest_play_in_order) {
    ConnectionPair pair(without_too_late_drop());
    ConnectionConfig caller = without_too_late_drop();
    caller.max_bw_bytes_per_s = 100'000;  // about 95 packets a second: a queue builds up
    pair.connect(caller);
    pair.sim.run_for(milliseconds(100));
    // 100 messages at once; every tenth without a TTL, the others with 50 ms.
    for (int i = 0; i < 100; ++i) {
        SendControl control;
        if (i % 10 != 0) control.ttl = milliseconds(50);
        BOOST_REQUIRE(pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), numbered(i, 1000), control) ==
                      SendOutcome::ok);
    }
    pair.sim.run_for(seconds(3));

    const auto indexes = indexes_in_order(pair.received_by_listener());
    for (int i = 0; i < 100; i += 10) BOOST_TEST((std::find(indexes.begin(), indexes.end(), i) != indexes.end()), i);
    const auto dropped = static_cast<std::int64_t>(100 - indexes.size());
    BOOST_TEST(dropped > 50);  // at ~10 ms a packet, no more than about 5 TTL messages make it
    const auto sender = *pair.sim.endpoint(pair.caller).stats(pair.caller_id, pair.now(), false);
    const auto receiver = *pair.sim.endpoint(pair.listener).stats(pair.accepted_id(), pair.now(), false);
    BOOST_TEST(sender.total.pktSndDrop == dropped);
    BOOST_TEST(receiver.total.pktRcvDrop == dropped);
    // The DROPREQ goes out ahead of the next packet: the receiver never saw a gap to report.
    BOOST_TEST(receiver.total.pktRcvLoss == 0);
    BOOST_TEST(sender.total.pktSentUnique == static_cast<std::int64_t>(indexes.size()));
}

BOOST_AUTO_TEST_CASE(a_lost_packet_asked_for_after_its_ttl_is_given_up_not_resent) {
    ConnectionPair pair(without_too_late_drop());
    pair.connect(without_too_late_drop());
    pair.sim.run_for(milliseconds(100));
    const std::uint32_t isn =
        pair.sim.endpoint(pair.caller).connection(pair.caller_id)->negotiated().initial_seq.value();
    pair.sim.set_drop_rule(pair.caller, pair.listener, lose_data_always(isn + 20));
    // A TTL shorter than the NAK takes to come back (one RTT, 20 ms).
    for (int i = 0; i < 100; ++i) {
        SendControl control;
        control.ttl = milliseconds(5);
        pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), numbered(i, 1000), control);
        pair.sim.run_for(milliseconds(2));
    }
    pair.sim.run_for(seconds(2));

    const auto indexes = indexes_in_order(pair.received_by_listener());
    BOOST_REQUIRE_EQUAL(indexes.size(), 99u);
    BOOST_TEST((std::find(indexes.begin(), indexes.end(), 20) == indexes.end()));
    const auto sender = *pair.sim.endpoint(pair.caller).stats(pair.caller_id, pair.now(), false);
    const auto receiver = *pair.sim.endpoint(pair.listener).stats(pair.accepted_id(), pair.now(), false);
    BOOST_TEST(sender.total.pktSndDrop == 1);
    BOOST_TEST(sender.total.pktRetrans == 0);
    BOOST_TEST(receiver.total.pktRcvDrop == 1);
    BOOST_TEST(pair.sent(pair.caller, "drop_request") >= 1u);
}

BOOST_AUTO_TEST_CASE(
    a_lost_packet_of_a_long_message_past_its_ttl_gives_up_the_rest_of_the_message_in_one_drop_request) {
    // libsrt (packLostData after CSndBuffer::readData finds the message expired): one DROPREQ from
    // the packet asked for to the message's last, and the rest of the message leaves the loss
    // list, so its other lost packet is neither resent nor given up again.
    ExpiringLongMessage run;
    run.pair.sim.run_for(seconds(2));

    BOOST_REQUIRE_EQUAL(run.drop_requests.size(), 1u);
    BOOST_TEST(run.drop_requests[0].first.value() == run.isn + 1);
    BOOST_TEST(run.drop_requests[0].last.value() == run.isn + 4);
    const auto received = run.pair.received_by_listener();
    BOOST_REQUIRE_EQUAL(received.size(), 1u);
    BOOST_TEST(index_of(received[0].message) == 1);
    BOOST_TEST(run.sender_totals().pktRetrans == 0);
    BOOST_TEST(run.sender_totals().pktSndDrop == 4);  // isn + 1 … isn + 4, the packets the DROPREQ names
}

BOOST_AUTO_TEST_CASE(
    a_peer_repeating_naks_of_an_expired_long_message_gets_a_drop_request_each_and_nothing_counts_twice) {
    ExpiringLongMessage run(false);
    for (int step = 0; step < 200 && run.drop_requests.empty(); ++step) run.pair.sim.run_for(milliseconds(10));
    BOOST_REQUIRE(!run.drop_requests.empty());
    // A hostile receiver asks again and again, for packets inside the message and for its end.
    for (const auto& [first, last] : {std::pair{2u, 2u}, std::pair{3u, 4u}, std::pair{2u, 4u}, std::pair{4u, 4u}}) {
        wire::ControlPacket nak;
        nak.header.type = static_cast<std::uint16_t>(wire::ControlType::nak);
        nak.header.dest_socket_id = run.pair.caller_id;
        nak.body = wire::NakBody{{{wire::SeqNo(run.isn + first), wire::SeqNo(run.isn + last)}}};
        std::vector<std::uint8_t> bytes(wire::encoded_size(nak));
        BOOST_REQUIRE(wire::encode_packet(nak, bytes));
        const std::size_t before = run.drop_requests.size();
        run.pair.sim.endpoint(run.pair.caller).handle_datagram(run.pair.now(), listener_address, bytes);
        run.pair.sim.run_for(milliseconds(1));
        // Its answer: one DROPREQ from the packet asked for to the message's last.
        BOOST_TEST(
            std::count_if(run.drop_requests.begin() + static_cast<std::ptrdiff_t>(before), run.drop_requests.end(),
                          [&, first = first](const wire::DropRequestBody& drop) {
                              return drop.first.value() == run.isn + first && drop.last.value() == run.isn + 4;
                          }) == 1,
            first);
    }
    BOOST_TEST(run.sender_totals().pktSndDrop == 4);  // isn + 1 … isn + 4, each counted once
}

BOOST_AUTO_TEST_CASE(received_messages_tell_their_number_sequence_and_source_time) {
    ConnectionPair pair;
    pair.connect();
    pair.sim.run_for(milliseconds(100));
    const Connection& connection = *pair.sim.endpoint(pair.caller).connection(pair.caller_id);
    const std::uint32_t isn = connection.negotiated().initial_seq.value();
    std::vector<Micros> made;
    for (int i = 0; i < 20; ++i) {
        SendControl control;
        // Message 10 was made 3 ms before it is sent (less than the 5 ms since message 9, which
        // plays first: delivery is in order): it plays 3 ms sooner.
        if (i == 10) control.source_time = pair.now() - milliseconds(3);
        made.push_back(control.source_time.value_or(pair.now()));
        BOOST_REQUIRE(pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), numbered(i, 500), control) ==
                      SendOutcome::ok);
        pair.sim.run_for(milliseconds(5));
    }
    pair.sim.run_for(seconds(1));

    const auto received = pair.received_by_listener();
    BOOST_REQUIRE_EQUAL(received.size(), 20u);
    const Micros latency = milliseconds(120);
    for (std::size_t i = 0; i < received.size(); ++i) {
        const MessageInfo& info = received[i].info;
        BOOST_TEST(info.message_number == received[0].info.message_number + i);
        BOOST_TEST(info.sequence == isn + i);
        // Source time on the receiver's clock: when it was made, plus the one-way delay the TSBPD
        // base holds; the message plays one latency after it.
        BOOST_TEST(std::llabs(info.source_time - made[i] - one_way_delay) <= milliseconds(1), i);
        BOOST_TEST(std::llabs(received[i].global_time - info.source_time - latency) <= milliseconds(1), i);
    }
}

BOOST_AUTO_TEST_CASE(a_source_time_before_the_connection_or_in_the_future_is_refused) {
    ConnectionPair pair;
    pair.connect();
    pair.sim.run_for(milliseconds(100));
    Endpoint& caller = pair.sim.endpoint(pair.caller);
    SendControl control;
    control.source_time = 0;  // before the connection started
    BOOST_TEST((caller.send(pair.caller_id, pair.now(), numbered(0, 100), control) == SendOutcome::bad_source_time));
    control.source_time = pair.now() + 1;
    BOOST_TEST((caller.send(pair.caller_id, pair.now(), numbered(1, 100), control) == SendOutcome::bad_source_time));
    pair.sim.run_for(milliseconds(500));
    BOOST_TEST(pair.received_by_listener().empty());
    BOOST_TEST(caller.stats(pair.caller_id, pair.now(), false)->total.pktSent == 0);
}

BOOST_AUTO_TEST_CASE(a_drop_request_gives_up_only_its_message_and_an_earlier_lost_one_still_arrives) {
    // Found against libsrt through a lossy relay: a DROPREQ for a message past its TTL made the
    // receiver forget every packet missing before it, so a lost message without a TTL vanished.
    ConnectionPair pair(without_too_late_drop());
    pair.connect(without_too_late_drop());
    pair.sim.run_for(milliseconds(100));
    const std::uint32_t isn =
        pair.sim.endpoint(pair.caller).connection(pair.caller_id)->negotiated().initial_seq.value();
    // Message 10 (no TTL) is lost three times; message 12 (TTL 5 ms) every time.
    pair.sim.set_drop_rule(
        pair.caller, pair.listener,
        [first = sim::lose_data_once({isn + 10, isn + 10, isn + 10}), always = lose_data_always(isn + 12)](
            std::uint64_t index, wire::Bytes datagram) { return always(index, datagram) || first(index, datagram); });
    for (int i = 0; i < 100; ++i) {
        SendControl control;
        if (i == 12) control.ttl = milliseconds(5);
        pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), numbered(i, 1000), control);
        pair.sim.run_for(milliseconds(2));
    }
    pair.sim.run_for(seconds(2));

    const auto indexes = indexes_in_order(pair.received_by_listener());
    BOOST_REQUIRE_EQUAL(indexes.size(), 99u);
    BOOST_TEST((std::find(indexes.begin(), indexes.end(), 10) != indexes.end()));
    BOOST_TEST((std::find(indexes.begin(), indexes.end(), 12) == indexes.end()));
    const auto receiver = *pair.sim.endpoint(pair.listener).stats(pair.accepted_id(), pair.now(), false);
    BOOST_TEST(receiver.total.pktRcvDrop == 1);
}
