// File mode between two Endpoints on the simulator: the handshake agrees on FileCC and the stream
// API (and refuses a live peer), and a transfer arrives whole and in order over a clean link, a
// rate-limited one and a lossy one, ending once everything is acknowledged.
#define BOOST_TEST_MODULE file_mode
#include <boost/test/unit_test.hpp>

#include <tuple>

#include "connection_pair.hpp"
#include "link_impairment.hpp"

using namespace websrt;
using namespace websrt::core;
using namespace websrt::test;

namespace {

ConnectionConfig file_mode() {
    ConnectionConfig config;
    use_file_mode(config);
    return config;
}

/// The byte at `offset` of the transferred file: a pattern no shifted or repeated chunk matches.
std::uint8_t file_byte(std::size_t offset) { return static_cast<std::uint8_t>((offset * 7919 + offset / 1456) & 0xff); }

struct Transfer {
    std::size_t delivered = 0;
    bool intact = true;
    Micros duration = 0;
    bool sender_closed_cleanly = false;
};

/// Sends `size` bytes from the caller in `chunk`-byte sends (full packets by default) as fast as
/// send() takes them, closes gracefully at the end, and runs until the caller's connection is
/// closed (or `limit`). With `whole_chunks`, every delivery must be one chunk (the message API).
Transfer transfer(ConnectionPair& pair, std::size_t size, Micros limit,
                  std::size_t chunk_size = limits::max_live_payload, bool whole_chunks = false,
                  const SendControl& control = {}) {
    const Micros start = pair.now();
    std::size_t sent = 0;
    bool closing = false;
    const auto closed = [&] { return pair.event(pair.caller, EventKind::closed) != nullptr; };
    std::vector<std::uint8_t> chunk;
    while (!closed() && pair.now() - start < limit) {
        while (sent < size) {
            const std::size_t n = std::min<std::size_t>(chunk_size, size - sent);
            chunk.resize(n);
            for (std::size_t i = 0; i < n; ++i) chunk[i] = file_byte(sent + i);
            if (pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), chunk, control) != SendOutcome::ok)
                break;
            sent += n;
        }
        if (sent == size && !closing) {
            pair.sim.endpoint(pair.caller).close(pair.caller_id, pair.now(), true);
            closing = true;
        }
        pair.sim.run_for(milliseconds(1));
    }
    Transfer result;
    result.duration = pair.now() - start;
    for (const Delivery& d : pair.received_by_listener()) {
        if (whole_chunks && d.message.size() != std::min(chunk_size, size - result.delivered)) result.intact = false;
        for (std::size_t i = 0; i < d.message.size(); ++i)
            if (d.message[i] != file_byte(result.delivered + i)) result.intact = false;
        result.delivered += d.message.size();
    }
    if (const Event* e = pair.event(pair.caller, EventKind::closed))
        result.sender_closed_cleanly = e->reason == CloseReason::local_close && e->unacknowledged == 0;
    return result;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_file_mode_caller_and_listener_agree_and_a_live_peer_is_refused_with_congestion) {
    {
        ConnectionPair pair(file_mode());
        pair.connect(file_mode());
        pair.sim.run_for(milliseconds(100));
        BOOST_REQUIRE(pair.event(pair.caller, EventKind::connected));
        BOOST_REQUIRE(pair.event(pair.listener, EventKind::accepted));
        const auto& negotiated = pair.sim.endpoint(pair.caller).connection(pair.caller_id)->negotiated();
        BOOST_TEST(negotiated.receiver_latency_ms == 0);
        BOOST_TEST((negotiated.peer_flags & wire::srt_flag_stream) == 0u);  // a response never says STREAM
    }
    // The listener checks the API first (libsrt processSrtMsg_HSREQ, then the CONGESTION block):
    // file mode's stream API against live's message API is MESSAGEAPI (12); with the message API
    // on both sides, the congestion controllers differ: CONGESTION (13).
    ConnectionConfig file_with_messages = file_mode();
    file_with_messages.message_api = true;
    const std::tuple<ConnectionConfig, ConnectionConfig, RejectReason> cases[] = {
        {file_mode(), {}, RejectReason::message_api},
        {{}, file_mode(), RejectReason::message_api},
        {file_with_messages, {}, RejectReason::congestion},
        {{}, file_with_messages, RejectReason::congestion}};
    for (const auto& [caller, listener, reason] : cases) {
        BOOST_TEST_CONTEXT("expected reject " << static_cast<int>(reason)) {
            ConnectionPair pair(listener);
            pair.connect(caller);
            pair.sim.run_for(milliseconds(500));
            const Event* closed = pair.event(pair.caller, EventKind::closed);
            BOOST_REQUIRE(closed);
            BOOST_TEST(closed->reject_code == static_cast<int>(reason));
        }
    }
}

BOOST_AUTO_TEST_CASE(twenty_megabytes_arrive_whole_and_in_order_over_a_clean_link) {
    ConnectionPair pair(file_mode());
    pair.connect(file_mode());
    pair.sim.run_for(milliseconds(100));
    const std::size_t size = 20'000'000;
    const Transfer t = transfer(pair, size, seconds(60));
    BOOST_TEST(t.delivered == size);
    BOOST_TEST(t.intact);
    BOOST_TEST(t.sender_closed_cleanly);
    BOOST_TEST_MESSAGE("clean 20 ms RTT: " << size * 8.0 / (static_cast<double>(t.duration) / 1e6) / 1e6 << " Mbit/s");
}

BOOST_AUTO_TEST_CASE(a_transfer_over_a_rate_limited_lossy_link_arrives_whole_for_every_seed) {
    for (const double loss : {1.0, 5.0}) {
        for (std::uint64_t seed = 1; seed <= 3; ++seed) {
            BOOST_TEST_CONTEXT(loss << " % loss, seed " << seed) {
                ConnectionPair pair(file_mode());
                native::ImpairmentConfig link;
                link.delay = milliseconds(20);
                link.loss_percent = loss;
                link.rate_mbit = 50;
                link.seed = seed;
                pair.sim.set_link(pair.caller, pair.listener, link);
                link.seed = seed + 100;
                link.rate_mbit = 0;
                pair.sim.set_link(pair.listener, pair.caller, link);
                pair.connect(file_mode());
                for (int i = 0; i < 100 && !pair.event(pair.caller, EventKind::connected); ++i)
                    pair.sim.run_for(milliseconds(50));
                BOOST_REQUIRE(pair.event(pair.caller, EventKind::connected));
                const std::size_t size = 5'000'000;
                const Transfer t = transfer(pair, size, seconds(120));
                BOOST_TEST(t.delivered == size);
                BOOST_TEST(t.intact);
                BOOST_TEST(t.sender_closed_cleanly);
                const Event* closed = pair.event(pair.caller, EventKind::closed);
                const auto stats = closed ? closed->stats : std::nullopt;
                const auto* counters = pair.sim.link_counters(pair.caller, pair.listener);
                BOOST_TEST_MESSAGE(
                    loss << " % loss, 40 ms RTT, 50 Mbit/s link: "
                         << size * 8.0 / (static_cast<double>(t.duration) / 1e6) / 1e6 << " Mbit/s"
                         << (stats ? " retrans " + std::to_string(stats->total.pktRetrans) + " loss " +
                                         std::to_string(stats->total.pktSndLoss) + " sent " +
                                         std::to_string(stats->total.pktSent) + " rtt " + std::to_string(stats->msRTT) +
                                         " period " + std::to_string(stats->usPktSndPeriod)
                                   : "")
                         << " queue drops " << counters->queue_dropped << " dropped " << counters->dropped);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(messages_of_many_packets_arrive_whole_with_the_message_api_over_a_lossy_link) {
    // libsrt splits a file-mode message into packets first … last (CSndBuffer::addBuffer); its
    // receiver gives it out whole once every packet is in (readMessage).
    ConnectionConfig config = file_mode();
    config.message_api = true;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        BOOST_TEST_CONTEXT("seed " << seed) {
            ConnectionPair pair(config);
            native::ImpairmentConfig link;
            link.delay = milliseconds(10);
            link.loss_percent = 5;
            link.seed = seed;
            pair.sim.set_link(pair.caller, pair.listener, link);
            link.seed = seed + 100;
            pair.sim.set_link(pair.listener, pair.caller, link);
            pair.connect(config);
            for (int i = 0; i < 100 && !pair.event(pair.caller, EventKind::connected); ++i)
                pair.sim.run_for(milliseconds(50));
            BOOST_REQUIRE(pair.event(pair.caller, EventKind::connected));
            const std::size_t size = 2'000'000;
            SendControl in_order;
            in_order.in_order = true;  // so the bytes come in order (see the unordered test below)
            const Transfer t = transfer(pair, size, seconds(60), 10'000, /*whole_chunks=*/true, in_order);
            BOOST_TEST(t.delivered == size);
            BOOST_TEST(t.intact);
            BOOST_TEST(t.sender_closed_cleanly);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_stream_write_longer_than_a_packet_arrives_as_its_bytes_in_order) {
    ConnectionPair pair(file_mode());
    pair.connect(file_mode());
    pair.sim.run_for(milliseconds(100));
    const std::size_t size = 3'000'000;
    const Transfer t = transfer(pair, size, seconds(30), 100'000);
    BOOST_TEST(t.delivered == size);
    BOOST_TEST(t.intact);
    BOOST_TEST(t.sender_closed_cleanly);
}

BOOST_AUTO_TEST_CASE(a_live_message_longer_than_payloadsize_is_refused) {
    ConnectionPair pair;
    pair.connect();
    pair.sim.run_for(milliseconds(100));
    const std::vector<std::uint8_t> message(1317);
    BOOST_TEST((pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), message) == SendOutcome::too_large));
}

BOOST_AUTO_TEST_CASE(a_complete_message_sent_without_in_order_is_delivered_ahead_of_a_missing_earlier_one) {
    // libsrt's receiver reads such messages out of order in file mode's message API; in_order
    // messages wait for those before them.
    ConnectionConfig config = file_mode();
    config.message_api = true;
    ConnectionPair pair(config);
    const std::uint32_t isn = pair.connect_and_get_isn(config);
    // Message 0 is 3 packets; its middle one is lost once. Messages 1 and 2 are one packet each,
    // 1 without in_order, 2 with it.
    pair.sim.set_drop_rule(pair.caller, pair.listener, sim::lose_data_once({isn + 1}));
    const auto send = [&](std::uint8_t tag, std::size_t size, bool in_order) {
        SendControl control;
        control.in_order = in_order;
        BOOST_REQUIRE(pair.sim.endpoint(pair.caller)
                          .send(pair.caller_id, pair.now(), std::vector<std::uint8_t>(size, tag), control) ==
                      SendOutcome::ok);
    };
    send(0, 3 * 1456, true);
    send(1, 100, false);
    send(2, 100, true);
    pair.sim.run_for(seconds(1));

    const auto received = pair.received_by_listener();
    BOOST_REQUIRE_EQUAL(received.size(), 3u);
    BOOST_TEST(received[0].message[0] == 1);  // ahead of message 0, which lost a packet
    BOOST_TEST(received[1].message[0] == 0);
    BOOST_TEST(received[1].message.size() == 3u * 1456);
    BOOST_TEST(received[2].message[0] == 2);  // in order: after message 0
    const auto stats = *pair.sim.endpoint(pair.listener).stats(pair.accepted_id(), pair.now(), false);
    BOOST_TEST(stats.total.pktRcvDrop == 0);
}

BOOST_AUTO_TEST_CASE(unordered_messages_over_a_lossy_link_each_arrive_once_and_whole) {
    ConnectionConfig config = file_mode();
    config.message_api = true;
    ConnectionPair pair(config);
    native::ImpairmentConfig link;
    link.delay = milliseconds(10);
    link.loss_percent = 5;
    link.seed = 4;
    pair.sim.set_link(pair.caller, pair.listener, link);
    link.seed = 104;
    pair.sim.set_link(pair.listener, pair.caller, link);
    pair.connect(config);
    for (int i = 0; i < 100 && !pair.event(pair.caller, EventKind::connected); ++i) pair.sim.run_for(milliseconds(50));
    BOOST_REQUIRE(pair.event(pair.caller, EventKind::connected));
    constexpr int count = 300;
    int sent = 0;
    while (sent < count) {
        std::vector<std::uint8_t> message(5000, static_cast<std::uint8_t>(sent));
        message[0] = static_cast<std::uint8_t>(sent >> 8);
        if (pair.sim.endpoint(pair.caller).send(pair.caller_id, pair.now(), message) == SendOutcome::ok)
            ++sent;
        else
            pair.sim.run_for(milliseconds(1));
    }
    pair.sim.run_for(seconds(10));
    std::vector<int> seen(count, 0);
    bool reordered = false;
    int last = -1;
    for (const Delivery& d : pair.received_by_listener()) {
        BOOST_REQUIRE(d.message.size() == 5000u);
        const int index = d.message[0] << 8 | d.message[1];
        BOOST_REQUIRE(index < count);
        BOOST_TEST(
            std::all_of(d.message.begin() + 2, d.message.end(), [&](std::uint8_t b) { return b == d.message[1]; }));
        ++seen[index];
        if (index < last) reordered = true;
        last = index;
    }
    BOOST_TEST(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
    BOOST_TEST(reordered);  // 5 % loss: some message waited for a retransmission while later ones went ahead
}
