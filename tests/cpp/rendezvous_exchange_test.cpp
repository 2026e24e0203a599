// rendezvous_exchange: the cookie contest decides as libsrt 1.5.5's, and the handshakes without
// extensions carry what a libsrt rendezvous peer reads.
#define BOOST_TEST_MODULE rendezvous_exchange
#include <boost/test/unit_test.hpp>

#include <climits>

#include "core/rendezvous_exchange.hpp"

using namespace websrt;
using namespace websrt::core;

namespace {
std::uint32_t u32(std::int64_t value) { return static_cast<std::uint32_t>(value); }
}  // namespace

BOOST_AUTO_TEST_CASE(the_cookie_contest_decides_libsrts_pairs_the_same_way_from_both_sides) {
    // libsrt test/test_common.cpp Common.CookieContest: the first cookie of each pair initiates.
    const std::pair<std::int64_t, std::int64_t> pairs[] = {
        {100, 50}, {-1, -1000}, {10055, -10000}, {-1480577720, 811599203}, {INT_MIN, INT_MAX}, {1, 0x80000001}};
    for (const auto& [first, second] : pairs) {
        BOOST_TEST_CONTEXT(first << " against " << second) {
            BOOST_TEST((cookie_contest(u32(first), u32(second)) == RendezvousRole::initiator));
            BOOST_TEST((cookie_contest(u32(second), u32(first)) == RendezvousRole::responder));
        }
    }
}

BOOST_AUTO_TEST_CASE(equal_cookies_are_a_draw) {
    BOOST_TEST((cookie_contest(0x12345678, 0x12345678) == RendezvousRole::draw));
}

BOOST_AUTO_TEST_CASE(a_waveahand_is_version_5_without_extensions_and_advertises_a_set_key_length) {
    ConnectionConfig config;
    config.passphrase = "rendezvous-secret";
    config.pbkey_len = 32;
    const auto peer = SocketAddress::v4(192, 0, 2, 7, 5000);
    const auto out =
        rendezvous_handshake(wire::HandshakeRequest::wave_a_hand, 0x1234, wire::SeqNo(77), 0xcafe, config, peer, 0);
    BOOST_TEST(out.dest_socket_id == 0u);  // the peer is not known yet
    BOOST_TEST(out.body.version == wire::hs_version_srt5);
    BOOST_TEST(out.body.extension_field == 0);
    BOOST_TEST(out.body.encryption_field == 4);  // 32 bytes / 8
    BOOST_TEST(out.body.request_type == 0);
    BOOST_TEST(out.body.socket_id == 0x1234u);
    BOOST_TEST(out.body.cookie == 0xcafeu);
    BOOST_TEST(out.body.initial_seq.value() == 77u);
    BOOST_TEST(out.body.extensions.empty());
    BOOST_TEST((out.body.peer_ip == handshake_peer_ip(peer)));
    // Without a passphrase nothing is advertised.
    BOOST_TEST(rendezvous_handshake(wire::HandshakeRequest::agreement, 1, wire::SeqNo(1), 1, {}, peer, 9)
                   .body.encryption_field == 0);
}

BOOST_AUTO_TEST_CASE(the_initiator_sends_an_hsreq_and_the_responder_answers_from_its_own_isn) {
    ConnectionConfig config;
    config.stream_id = "cam1";
    const auto a = SocketAddress::v4(127, 0, 0, 1, 5000);
    const auto b = SocketAddress::v4(127, 0, 0, 2, 5000);
    const auto conclusion = rendezvous_initiator_conclusion(0xa, wire::SeqNo(1000), 0x111, config, b, 0xb, nullptr);
    BOOST_TEST(conclusion.dest_socket_id == 0xbu);
    BOOST_TEST(conclusion.body.cookie == 0x111u);
    BOOST_TEST((conclusion.body.extension_field & wire::hs_ext_hsreq) != 0);

    const auto request = std::get<ConclusionRequest>(read_conclusion_request(conclusion.body, {}));
    BOOST_TEST(request.stream_id == "cam1");
    Negotiated negotiated = listener_negotiate(request, {});
    negotiated.initial_seq = wire::SeqNo(5000);
    const auto response =
        rendezvous_responder_conclusion(request, negotiated, 0xb, wire::SeqNo(5000), 0x222, {}, a, std::nullopt);
    BOOST_TEST(response.dest_socket_id == 0xau);
    BOOST_TEST(response.body.initial_seq.value() == 5000u);  // the responder's own, not the initiator's 1000
    BOOST_TEST(response.body.cookie == 0x222u);
    const auto settled = read_conclusion_response(response.body, wire::SeqNo(1000), {});
    BOOST_TEST(std::holds_alternative<Negotiated>(settled));
}
