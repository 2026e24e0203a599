// Rendezvous between two Endpoints on the simulator: both sides started together or seconds
// apart, handshakes lost, duplicated and reordered, a lost AGREEMENT, encryption and its refusals,
// equal cookies, and the ten-fold connect timeout.
#define BOOST_TEST_MODULE connection_rendezvous
#include <boost/test/unit_test.hpp>

#include "connection_pair.hpp"
#include "link_impairment.hpp"

using namespace websrt;
using namespace websrt::core;
using namespace websrt::test;

namespace {

constexpr std::size_t message_size = 1316;
const SocketAddress address_a = SocketAddress::v4(127, 0, 0, 1, 5000);
const SocketAddress address_b = SocketAddress::v4(127, 0, 0, 2, 5000);

/// Two nodes that rendezvous with each other.
struct RendezvousPair {
    Simulator sim;
    int a;
    int b;
    ConnectionId id_a = 0;
    ConnectionId id_b = 0;

    explicit RendezvousPair(std::uint64_t seed_a = 1, std::uint64_t seed_b = 2) {
        use_plain_test_links(sim);
        a = sim.add_node(address_a, seed_a);
        b = sim.add_node(address_b, seed_b);
    }
    void start_a(const ConnectionConfig& config = {}) {
        id_a = sim.endpoint(a).rendezvous(sim.now(), address_b, config).value();
    }
    void start_b(const ConnectionConfig& config = {}) {
        id_b = sim.endpoint(b).rendezvous(sim.now(), address_a, config).value();
    }
    const Event* event(int node, EventKind kind) const {
        for (const Event& e : sim.events(node))
            if (e.kind == kind) return &e;
        return nullptr;
    }
    bool both_connected() const { return event(a, EventKind::connected) && event(b, EventKind::connected); }
    /// Runs until both sides are connected or `limit` has passed; whether they are.
    bool run_until_connected(Micros limit) {
        const Micros end = sim.now() + limit;
        while (!both_connected() && sim.now() < end) sim.run_for(milliseconds(10));
        return both_connected();
    }
    /// 100 numbered messages each way at once, then time to deliver them: both arrive intact.
    void check_streams_both_ways() {
        std::vector<std::uint8_t> message(message_size);
        for (int i = 0; i < 100; ++i) {
            std::fill(message.begin(), message.end(), static_cast<std::uint8_t>(i));
            for (int k = 0; k < 4; ++k) message[k] = static_cast<std::uint8_t>(i >> (8 * k));
            BOOST_REQUIRE((sim.endpoint(a).send(id_a, sim.local_now(a), message) == SendOutcome::ok));
            BOOST_REQUIRE((sim.endpoint(b).send(id_b, sim.local_now(b), message) == SendOutcome::ok));
            sim.run_for(milliseconds(2));
        }
        sim.run_for(milliseconds(1000));
        for (const auto& [node, id] : {std::pair{a, id_a}, std::pair{b, id_b}}) {
            const auto received = sim.deliveries(node, id);
            BOOST_REQUIRE_EQUAL(received.size(), 100u);
            for (int i = 0; i < 100; ++i)
                BOOST_REQUIRE_EQUAL(index_of(received[static_cast<std::size_t>(i)].message), i);
        }
    }
};

ConnectionConfig with_passphrase(std::string passphrase, int key_size = 0) {
    ConnectionConfig config;
    config.passphrase = std::move(passphrase);
    config.pbkey_len = key_size;
    return config;
}

/// The handshake request type of a datagram, when it is a handshake.
std::optional<std::int32_t> handshake_request(wire::Bytes datagram) {
    const auto packet = wire::decode_packet(datagram);
    if (!packet) return std::nullopt;
    const auto* control = std::get_if<wire::ControlPacket>(&*packet);
    if (!control) return std::nullopt;
    const auto* hs = std::get_if<wire::Handshake>(&control->body);
    if (!hs) return std::nullopt;
    return hs->request_type;
}

}  // namespace

BOOST_AUTO_TEST_CASE(two_sides_started_together_meet_and_carry_a_stream_each_way) {
    RendezvousPair pair;
    pair.start_a();
    pair.start_b();
    BOOST_REQUIRE(pair.run_until_connected(milliseconds(500)));
    // Each side sends from its own ISN and receives from the other's.
    const auto& negotiated_a = pair.sim.endpoint(pair.a).connection(pair.id_a)->negotiated();
    const auto& negotiated_b = pair.sim.endpoint(pair.b).connection(pair.id_b)->negotiated();
    BOOST_TEST(negotiated_a.initial_seq.value() == negotiated_b.peer_initial_seq.value());
    BOOST_TEST(negotiated_b.initial_seq.value() == negotiated_a.peer_initial_seq.value());
    BOOST_TEST(negotiated_a.peer_socket_id == pair.id_b);
    BOOST_TEST(negotiated_b.peer_socket_id == pair.id_a);
    pair.check_streams_both_ways();
}

BOOST_AUTO_TEST_CASE(a_side_started_two_seconds_after_the_other_is_met) {
    for (const bool a_first : {true, false}) {
        BOOST_TEST_CONTEXT((a_first ? "a" : "b") << " first") {
            RendezvousPair pair;
            a_first ? pair.start_a() : pair.start_b();
            pair.sim.run_for(seconds(2));
            BOOST_TEST(!pair.both_connected());
            a_first ? pair.start_b() : pair.start_a();
            BOOST_REQUIRE(pair.run_until_connected(milliseconds(500)));
            pair.check_streams_both_ways();
        }
    }
}

BOOST_AUTO_TEST_CASE(lost_duplicated_and_reordered_handshakes_still_meet_for_every_seed) {
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        BOOST_TEST_CONTEXT("seed " << seed) {
            RendezvousPair pair(seed * 2, seed * 2 + 1);
            native::ImpairmentConfig link;
            link.loss_percent = 30;
            link.duplicate_percent = 20;
            link.reorder_percent = 20;
            link.delay = milliseconds(10);
            link.jitter = milliseconds(30);
            link.seed = seed;
            pair.sim.set_link(pair.a, pair.b, link);
            link.seed = seed + 1000;
            pair.sim.set_link(pair.b, pair.a, link);
            pair.start_a();
            pair.sim.run_for(milliseconds(static_cast<int>(seed % 7) * 100));
            pair.start_b();
            BOOST_REQUIRE(pair.run_until_connected(seconds(20)));
            BOOST_TEST(!pair.event(pair.a, EventKind::closed));
            BOOST_TEST(!pair.event(pair.b, EventKind::closed));
            // Then a clean path: the stream proves both sides agreed on each other's ISN and keys.
            native::ImpairmentConfig clean;
            clean.delay = milliseconds(10);
            pair.sim.set_link(pair.a, pair.b, clean);
            pair.sim.set_link(pair.b, pair.a, clean);
            pair.check_streams_both_ways();
        }
    }
}

BOOST_AUTO_TEST_CASE(a_lost_agreement_is_sent_again_when_the_responder_repeats_its_hsrsp) {
    RendezvousPair pair;
    auto lost = std::make_shared<int>(0);
    const auto lose_first_agreement = [lost](std::uint64_t, wire::Bytes datagram) {
        if (*lost > 0 || handshake_request(datagram) != static_cast<std::int32_t>(wire::HandshakeRequest::agreement))
            return false;
        return ++*lost > 0;
    };
    pair.sim.set_drop_rule(pair.a, pair.b, lose_first_agreement);
    pair.sim.set_drop_rule(pair.b, pair.a, lose_first_agreement);
    pair.start_a();
    pair.start_b();
    BOOST_REQUIRE(pair.run_until_connected(milliseconds(600)));
    BOOST_TEST(*lost == 1);
    pair.check_streams_both_ways();
}

BOOST_AUTO_TEST_CASE(a_responder_that_never_gets_the_agreement_is_connected_by_the_initiators_data) {
    RendezvousPair pair;
    const auto lose_agreements = [](std::uint64_t, wire::Bytes datagram) {
        return handshake_request(datagram) == static_cast<std::int32_t>(wire::HandshakeRequest::agreement);
    };
    pair.sim.set_drop_rule(pair.a, pair.b, lose_agreements);
    pair.sim.set_drop_rule(pair.b, pair.a, lose_agreements);
    pair.start_a();
    pair.start_b();
    pair.sim.run_for(milliseconds(500));
    // Only the initiator is connected (it got the HSRSP); its first data packet "pins" the
    // responder in, as libsrt's does (processConnectResponse).
    BOOST_REQUIRE(!pair.both_connected());
    const bool a_initiated = pair.event(pair.a, EventKind::connected) != nullptr;
    BOOST_REQUIRE(a_initiated != (pair.event(pair.b, EventKind::connected) != nullptr));
    const int initiator = a_initiated ? pair.a : pair.b;
    const std::vector<std::uint8_t> first(message_size, 1);
    BOOST_REQUIRE((pair.sim.endpoint(initiator).send(a_initiated ? pair.id_a : pair.id_b, pair.sim.local_now(initiator),
                                                     first) == SendOutcome::ok));
    BOOST_REQUIRE(pair.run_until_connected(milliseconds(100)));
}

BOOST_AUTO_TEST_CASE(one_passphrase_encrypts_both_directions_for_each_key_length_set_on_either_side) {
    for (const int key_size : {16, 24, 32}) {
        for (const bool on_a : {true, false}) {
            BOOST_TEST_CONTEXT("pbkeylen " << key_size << " set on " << (on_a ? "a" : "b")) {
                RendezvousPair pair;
                pair.start_a(with_passphrase("rendezvous-secret", on_a ? key_size : 0));
                pair.start_b(with_passphrase("rendezvous-secret", on_a ? 0 : key_size));
                BOOST_REQUIRE(pair.run_until_connected(milliseconds(500)));
                const auto* crypto_a = pair.sim.endpoint(pair.a).connection(pair.id_a)->crypto();
                const auto* crypto_b = pair.sim.endpoint(pair.b).connection(pair.id_b)->crypto();
                BOOST_REQUIRE(crypto_a);
                BOOST_REQUIRE(crypto_b);
                BOOST_TEST(crypto_a->encrypting());
                BOOST_TEST(crypto_b->encrypting());
                pair.check_streams_both_ways();
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_wrong_or_missing_passphrase_refuses_both_sides) {
    const std::pair<ConnectionConfig, int> cases[] = {
        {with_passphrase("not-the-same-secret"), static_cast<int>(RejectReason::bad_secret)},
        {ConnectionConfig{}, static_cast<int>(RejectReason::unsecure)}};
    for (const auto& [config_b, code] : cases) {
        BOOST_TEST_CONTEXT("expected reject " << code) {
            RendezvousPair pair;
            pair.start_a(with_passphrase("rendezvous-secret"));
            pair.start_b(config_b);
            pair.sim.run_for(seconds(1));
            for (const int node : {pair.a, pair.b}) {
                const Event* closed = pair.event(node, EventKind::closed);
                BOOST_REQUIRE(closed);
                BOOST_TEST((closed->reason == CloseReason::rejected));
                BOOST_TEST(closed->reject_code == code);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(equal_cookies_are_refused_on_both_sides_with_rdv_cookie) {
    // The same seed on both nodes: the same socket ids, ISNs and cookies.
    RendezvousPair pair(7, 7);
    pair.start_a();
    pair.start_b();
    pair.sim.run_for(seconds(1));
    for (const int node : {pair.a, pair.b}) {
        const Event* closed = pair.event(node, EventKind::closed);
        BOOST_REQUIRE(closed);
        BOOST_TEST(closed->reject_code == static_cast<int>(RejectReason::rdv_cookie));
        BOOST_TEST(!pair.event(node, EventKind::connected));
    }
}

BOOST_AUTO_TEST_CASE(a_side_whose_peer_never_comes_gives_up_after_ten_connect_timeouts) {
    RendezvousPair pair;
    ConnectionConfig config;
    config.connect_timeout = seconds(1);
    pair.start_a(config);
    pair.sim.run_for(milliseconds(9900));
    BOOST_TEST(!pair.event(pair.a, EventKind::closed));
    pair.sim.run_for(milliseconds(200));
    const Event* closed = pair.event(pair.a, EventKind::closed);
    BOOST_REQUIRE(closed);
    BOOST_TEST((closed->reason == CloseReason::connect_timeout));
    // It waved all along, four times a second.
    BOOST_TEST(pair.sim.datagrams_sent_of_kind(pair.a, "handshake") >= 39u);
}
