// core/handshake_exchange.hpp: what an HSv5 caller and listener send, what each settles on (the
// larger latency per direction, the smaller MSS, the caller's ISN), and the reject codes for
// handshakes that are rejections, rogue, too old or at odds with our settings.
#include "core/handshake_exchange.hpp"

#define BOOST_TEST_MODULE handshake_exchange
#include <boost/test/unit_test.hpp>

#include <array>
#include <deque>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "wire/control_packet.hpp"
#include "wire/packet.hpp"

using namespace websrt::core;
namespace wire = websrt::wire;
using websrt::test::Buffer;

namespace {

const SocketAddress caller_address = SocketAddress::v4(192, 0, 2, 1, 40000);
const SocketAddress listener_address = SocketAddress::v4(198, 51, 100, 7, 9000);
constexpr std::uint32_t caller_socket_id = 0x1111;
constexpr std::uint32_t listener_socket_id = 0x2222;
const wire::SeqNo caller_isn(0x7FFFFFF0);  // near the wrap

int code(RejectReason reason) { return static_cast<int>(reason); }

template <class T>
int rejection_code(const std::variant<T, Rejection>& result) {
    const auto* rejection = std::get_if<Rejection>(&result);
    return rejection ? rejection->code : -1;
}

/// Carries a handshake through the codec, as the network would: what the peer decodes.
/// `storage` keeps the datagrams the decoded views point into.
wire::Handshake over_the_wire(const OutgoingHandshake& out, std::deque<Buffer>& storage) {
    wire::ControlPacket packet;
    packet.header.type = static_cast<std::uint16_t>(wire::ControlType::handshake);
    packet.header.dest_socket_id = out.dest_socket_id;
    packet.body = out.body;
    auto bytes = websrt::test::encode(packet);
    BOOST_REQUIRE(bytes);
    storage.push_back(std::move(bytes.value()));
    const auto decoded = wire::decode_packet(storage.back());
    BOOST_REQUIRE(decoded);
    const auto& control = std::get<wire::ControlPacket>(*decoded);
    BOOST_TEST(control.header.dest_socket_id == out.dest_socket_id);
    return std::get<wire::Handshake>(control.body);
}

/// A well-formed CONCLUSION request as a websrt caller with `config` sends it.
wire::Handshake conclusion_request(const ConnectionConfig& config = {}) {
    return caller_conclusion(caller_socket_id, caller_isn, 0xC00C1E, config, listener_address).body;
}

wire::SrtHandshakeMessage& hsreq_of(wire::Handshake& hs) {
    return std::get<wire::SrtHandshakeMessage>(hs.extensions.front().body);
}

/// A well-formed CONCLUSION response from a listener with `config` to a caller with defaults.
wire::Handshake conclusion_response(const ConnectionConfig& config = {}) {
    const auto request = std::get<ConclusionRequest>(read_conclusion_request(conclusion_request(), config));
    return listener_conclusion_response(request, listener_negotiate(request, config), listener_socket_id, config,
                                        caller_address)
        .body;
}

std::uint16_t raw(wire::ExtensionType type) { return static_cast<std::uint16_t>(type); }

}  // namespace

BOOST_AUTO_TEST_CASE(caller_and_listener_settle_on_the_larger_latency_each_way_the_smaller_mss_and_the_callers_isn) {
    ConnectionConfig caller_config;
    caller_config.receiver_latency_ms = 200;
    caller_config.peer_latency_ms = 0;
    caller_config.stream_id = "#!::r=live/feed,m=request";
    ConnectionConfig listener_config;
    listener_config.receiver_latency_ms = 120;
    listener_config.peer_latency_ms = 300;
    listener_config.mss = 1300;
    listener_config.flight_window_pkts = 1000;
    std::deque<Buffer> storage;

    const auto induction = caller_induction(caller_socket_id, caller_isn, caller_config, listener_address);
    BOOST_TEST(induction.dest_socket_id == 0u);
    BOOST_TEST(induction.body.version == wire::hs_version_udt4);
    BOOST_TEST(induction.body.extension_field == 2u);  // UDT_DGRAM
    BOOST_TEST(induction.body.cookie == 0u);
    BOOST_TEST(induction.body.request_type == static_cast<std::int32_t>(wire::HandshakeRequest::induction));
    BOOST_TEST(induction.body.peer_ip == listener_address.ip);

    const auto induction_response =
        listener_induction_response(over_the_wire(induction, storage), 0xC00C1E, listener_config);
    BOOST_TEST(induction_response.dest_socket_id == caller_socket_id);
    const auto cookie = read_induction_response(over_the_wire(induction_response, storage));
    BOOST_REQUIRE(std::holds_alternative<std::uint32_t>(cookie));
    BOOST_TEST(std::get<std::uint32_t>(cookie) == 0xC00C1Eu);

    const auto conclusion = caller_conclusion(caller_socket_id, caller_isn, std::get<std::uint32_t>(cookie),
                                              caller_config, listener_address);
    BOOST_TEST(conclusion.dest_socket_id == 0u);
    BOOST_TEST(conclusion.body.cookie == 0xC00C1Eu);
    const auto request = read_conclusion_request(over_the_wire(conclusion, storage), listener_config);
    BOOST_REQUIRE(std::holds_alternative<ConclusionRequest>(request));
    const auto& accepted = std::get<ConclusionRequest>(request);
    BOOST_TEST(accepted.caller_socket_id == caller_socket_id);
    BOOST_TEST(accepted.stream_id == caller_config.stream_id);
    BOOST_TEST(accepted.congestion == "live");
    const Negotiated at_listener = listener_negotiate(accepted, listener_config);

    const auto response =
        listener_conclusion_response(accepted, at_listener, listener_socket_id, listener_config, caller_address);
    BOOST_TEST(response.dest_socket_id == caller_socket_id);
    BOOST_TEST(response.body.peer_ip == caller_address.ip);
    BOOST_TEST(!find_key_material(response.body, wire::ExtensionType::kmrsp));
    const auto read = read_conclusion_response(over_the_wire(response, storage), caller_isn, caller_config);
    BOOST_REQUIRE(std::holds_alternative<Negotiated>(read));
    const Negotiated& at_caller = std::get<Negotiated>(read);

    // Caller → listener: the listener's 120 ms beats the caller's 0; listener → caller: 300 beats 200.
    BOOST_TEST(at_listener.receiver_latency_ms == 120);
    BOOST_TEST(at_caller.sender_latency_ms == 120);
    BOOST_TEST(at_caller.receiver_latency_ms == 300);
    BOOST_TEST(at_listener.sender_latency_ms == 300);
    BOOST_TEST(at_listener.mss == 1300);
    BOOST_TEST(at_caller.mss == 1300);
    BOOST_TEST((at_listener.initial_seq == caller_isn));
    BOOST_TEST((at_caller.initial_seq == caller_isn));
    BOOST_TEST(at_listener.peer_socket_id == caller_socket_id);
    BOOST_TEST(at_caller.peer_socket_id == listener_socket_id);
    BOOST_TEST(at_listener.peer_flight_window == 8192);  // min(SRTO_FC 25600, SRTO_RCVBUF 8192)
    BOOST_TEST(at_caller.peer_flight_window == 1000);
    BOOST_TEST(at_listener.stream_id == caller_config.stream_id);
    BOOST_TEST(at_caller.stream_id == caller_config.stream_id);
    BOOST_TEST(at_listener.peer_srt_version == websrt_srt_version);
    BOOST_TEST(at_caller.peer_srt_version == websrt_srt_version);
    for (const Negotiated* side : {&at_listener, &at_caller}) {
        BOOST_TEST(side->peer_tlpktdrop);
        BOOST_TEST(side->peer_nak_report);
        BOOST_TEST(side->peer_rexmit_flag);
    }
}

BOOST_AUTO_TEST_CASE(the_conclusion_carries_libsrts_blocks_in_libsrts_order_with_their_flags) {
    const auto plain = conclusion_request();
    BOOST_REQUIRE_EQUAL(plain.extensions.size(), 1u);  // "live" congestion is not announced
    BOOST_TEST(plain.extension_field == wire::hs_ext_hsreq);
    BOOST_TEST(plain.encryption_field == 0u);
    const auto& hsreq = std::get<wire::SrtHandshakeMessage>(plain.extensions.front().body);
    BOOST_TEST(hsreq.srt_version == websrt_srt_version);
    BOOST_TEST(hsreq.flags == 0xBFu);  // libsrt's live-mode caller: all but STREAM
    BOOST_TEST(hsreq.receiver_latency_ms == 120u);
    BOOST_TEST(hsreq.sender_latency_ms == 0u);

    ConnectionConfig config;
    config.stream_id = "feed";
    config.congestion = "file";
    config.packet_filter = "fec,cols:10";
    config.crypto_mode = CryptoMode::aes_gcm;
    const Buffer salt(16, 0x50);
    const Buffer wrapped(8 + 24, 0xC0);
    wire::KmMessage km;
    km.cipher = 4;
    km.salt = salt;
    km.key_length = 24;
    km.wrapped_keys = wrapped;
    const auto full = caller_conclusion(caller_socket_id, caller_isn, 1, config, listener_address, &km).body;
    BOOST_TEST(full.extension_field == (wire::hs_ext_hsreq | wire::hs_ext_config | wire::hs_ext_kmreq));
    BOOST_TEST(full.encryption_field == 3u);  // 24-byte keys
    std::vector<std::uint16_t> order;
    for (const auto& ext : full.extensions) order.push_back(ext.type);
    const std::vector<std::uint16_t> expected = {raw(wire::ExtensionType::hsreq), raw(wire::ExtensionType::sid),
                                                 raw(wire::ExtensionType::congestion), raw(wire::ExtensionType::filter),
                                                 raw(wire::ExtensionType::kmreq)};
    BOOST_TEST(order == expected, boost::test_tools::per_element());
    BOOST_TEST(std::get<wire::SrtHandshakeMessage>(full.extensions[0].body).srt_version == websrt_srt_version);
    BOOST_TEST(std::get<wire::TextExtension>(full.extensions[2].body).text == "file");
    BOOST_TEST(find_key_material(full, wire::ExtensionType::kmreq) == &full.extensions[4].body);
    BOOST_TEST(!find_key_material(full, wire::ExtensionType::kmrsp));

    ConnectionConfig stream_no_tsbpd;
    stream_no_tsbpd.message_api = false;
    stream_no_tsbpd.tsbpd = false;
    stream_no_tsbpd.nak_report = false;
    const auto bare = conclusion_request(stream_no_tsbpd);
    const auto& bare_hsreq = std::get<wire::SrtHandshakeMessage>(bare.extensions.front().body);
    BOOST_TEST(bare_hsreq.flags ==
               (wire::srt_flag_haicrypt | wire::srt_flag_filtercap | wire::srt_flag_rexmitflg | wire::srt_flag_stream));
    BOOST_TEST(bare_hsreq.receiver_latency_ms == 0u);
}

BOOST_AUTO_TEST_CASE(the_induction_response_advertises_the_key_length_only_with_a_passphrase) {
    auto request = caller_induction(caller_socket_id, caller_isn, {}, listener_address).body;
    // A hostile induction carrying blocks: none of them is echoed.
    request.extensions.push_back({raw(wire::ExtensionType::sid), wire::TextExtension{"junk"}});
    ConnectionConfig config;
    config.pbkey_len = 24;
    const auto clear = listener_induction_response(request, 7, config).body;
    BOOST_TEST(clear.encryption_field == 0u);
    BOOST_TEST(clear.extensions.empty());
    BOOST_TEST(clear.version == wire::hs_version_srt5);
    BOOST_TEST(clear.extension_field == wire::srt_magic_code);
    BOOST_TEST((clear.initial_seq == caller_isn));
    BOOST_TEST(clear.socket_id == caller_socket_id);
    config.passphrase = "a passphrase of some length";
    BOOST_TEST(listener_induction_response(request, 7, config).body.encryption_field == 3u);
}

BOOST_AUTO_TEST_CASE(an_induction_response_that_is_a_rejection_not_hsv5_or_not_an_induction_is_refused) {
    const auto good =
        listener_induction_response(caller_induction(caller_socket_id, caller_isn, {}, listener_address).body, 99, {});
    BOOST_TEST(std::get<std::uint32_t>(read_induction_response(good.body)) == 99u);

    auto rejected = good.body;
    rejected.request_type = rejection_request_type(code(RejectReason::backlog));
    BOOST_TEST(rejection_code(read_induction_response(rejected)) == code(RejectReason::backlog));
    rejected.request_type = rejection_request_type(reject_forbidden);
    BOOST_TEST(rejection_code(read_induction_response(rejected)) == reject_forbidden);

    auto udt4 = good.body;
    udt4.version = wire::hs_version_udt4;
    BOOST_TEST(rejection_code(read_induction_response(udt4)) == code(RejectReason::version));
    auto no_magic = good.body;
    no_magic.extension_field = 2;
    BOOST_TEST(rejection_code(read_induction_response(no_magic)) == code(RejectReason::version));
    auto not_induction = good.body;
    not_induction.request_type = static_cast<std::int32_t>(wire::HandshakeRequest::conclusion);
    BOOST_TEST(rejection_code(read_induction_response(not_induction)) == code(RejectReason::rogue));
}

BOOST_AUTO_TEST_CASE(a_conclusion_request_is_refused_with_the_code_libsrt_uses_for_each_fault) {
    const ConnectionConfig listener;
    BOOST_REQUIRE(std::holds_alternative<ConclusionRequest>(read_conclusion_request(conclusion_request(), listener)));
    struct Case {
        const char* name;
        void (*spoil)(wire::Handshake&);
        RejectReason expected;
    };
    const Case cases[] = {
        {"an induction", [](wire::Handshake& hs) { hs.request_type = 1; }, RejectReason::rogue},
        {"an HSv4 conclusion", [](wire::Handshake& hs) { hs.version = wire::hs_version_udt4; }, RejectReason::version},
        {"no HSREQ", [](wire::Handshake& hs) { hs.extensions.clear(); }, RejectReason::rogue},
        {"an HSREQ too short to decode",
         [](wire::Handshake& hs) { hs.extensions.front().body = wire::OpaqueExtension{}; }, RejectReason::rogue},
        {"an HSRSP instead of an HSREQ",
         [](wire::Handshake& hs) { hs.extensions.front().type = raw(wire::ExtensionType::hsrsp); },
         RejectReason::rogue},
        {"libsrt 1.2", [](wire::Handshake& hs) { hsreq_of(hs).srt_version = 0x01'02'00; }, RejectReason::version},
        {"the buffer API", [](wire::Handshake& hs) { hsreq_of(hs).flags |= wire::srt_flag_stream; },
         RejectReason::message_api},
        {"file congestion",
         [](wire::Handshake& hs) {
             hs.extensions.push_back({raw(wire::ExtensionType::congestion), wire::TextExtension{"file"}});
         },
         RejectReason::congestion},
        {"an empty congestion block",
         [](wire::Handshake& hs) {
             hs.extensions.push_back({raw(wire::ExtensionType::congestion), wire::TextExtension{""}});
         },
         RejectReason::congestion},
        {"MSS 75", [](wire::Handshake& hs) { hs.mss = 75; }, RejectReason::rogue},
        {"MSS 0", [](wire::Handshake& hs) { hs.mss = 0; }, RejectReason::rogue},
        {"flight window 31", [](wire::Handshake& hs) { hs.flight_window = 31; }, RejectReason::rogue},
        {"a 513-byte stream id",
         [](wire::Handshake& hs) {
             hs.extensions.push_back({raw(wire::ExtensionType::sid), wire::TextExtension{std::string(513, 'x')}});
         },
         RejectReason::rogue},
    };
    for (const Case& c : cases) {
        auto hs = conclusion_request();
        c.spoil(hs);
        BOOST_TEST(rejection_code(read_conclusion_request(hs, listener)) == code(c.expected), c.name);
    }

    // The limits themselves are accepted: MSS 76, window 32, a 512-byte stream id.
    auto at_limits = conclusion_request();
    at_limits.mss = limits::min_mss;
    at_limits.flight_window = limits::min_flight_window;
    at_limits.extensions.push_back({raw(wire::ExtensionType::sid), wire::TextExtension{std::string(512, 'x')}});
    BOOST_TEST(std::holds_alternative<ConclusionRequest>(read_conclusion_request(at_limits, listener)));
    // A buffer-API listener takes a buffer-API caller, and a file listener a file caller.
    ConnectionConfig file_listener;
    file_listener.message_api = false;
    file_listener.congestion = "file";
    ConnectionConfig file_caller = file_listener;
    BOOST_TEST(std::holds_alternative<ConclusionRequest>(
        read_conclusion_request(conclusion_request(file_caller), file_listener)));
}

BOOST_AUTO_TEST_CASE(a_peers_huge_mss_and_flight_window_are_clamped_never_wrapped_negative) {
    auto request = conclusion_request();
    request.mss = 0xFFFFFFFF;
    request.flight_window = 0xFFFFFFFF;
    const auto read = read_conclusion_request(request, {});
    BOOST_REQUIRE(std::holds_alternative<ConclusionRequest>(read));
    BOOST_TEST(std::get<ConclusionRequest>(read).mss == 1500);
    BOOST_TEST(std::get<ConclusionRequest>(read).flight_window == 1 << 30);
    BOOST_TEST(listener_negotiate(std::get<ConclusionRequest>(read), {}).mss == 1500);

    auto response = conclusion_response();
    response.mss = 0x80000000;
    response.flight_window = 0x80000000;
    ConnectionConfig small_mss;
    small_mss.mss = 1200;
    const auto negotiated = read_conclusion_response(response, caller_isn, small_mss);
    BOOST_REQUIRE(std::holds_alternative<Negotiated>(negotiated));
    BOOST_TEST(std::get<Negotiated>(negotiated).mss == 1200);
    BOOST_TEST(std::get<Negotiated>(negotiated).peer_flight_window == 1 << 30);
}

BOOST_AUTO_TEST_CASE(a_conclusion_response_is_refused_when_it_is_a_rejection_rogue_or_too_old) {
    const ConnectionConfig caller;
    BOOST_REQUIRE(
        std::holds_alternative<Negotiated>(read_conclusion_response(conclusion_response(), caller_isn, caller)));
    struct Case {
        const char* name;
        void (*spoil)(wire::Handshake&);
        int expected;
    };
    const Case cases[] = {
        {"a rejection", [](wire::Handshake& hs) { hs.request_type = rejection_request_type(reject_not_found); },
         reject_not_found},
        {"bad secret", [](wire::Handshake& hs) { hs.request_type = rejection_request_type(10); },
         code(RejectReason::bad_secret)},
        {"an induction", [](wire::Handshake& hs) { hs.request_type = 1; }, code(RejectReason::rogue)},
        {"version 4", [](wire::Handshake& hs) { hs.version = wire::hs_version_udt4; }, code(RejectReason::rogue)},
        {"no HSRSP", [](wire::Handshake& hs) { hs.extensions.clear(); }, code(RejectReason::rogue)},
        {"an HSREQ instead of an HSRSP",
         [](wire::Handshake& hs) { hs.extensions.front().type = raw(wire::ExtensionType::hsreq); },
         code(RejectReason::rogue)},
        {"libsrt 1.2",
         [](wire::Handshake& hs) {
             std::get<wire::SrtHandshakeMessage>(hs.extensions.front().body).srt_version = 0x01'02'FF;
         },
         code(RejectReason::version)},
        {"MSS 75", [](wire::Handshake& hs) { hs.mss = 75; }, code(RejectReason::rogue)},
        {"flight window 0", [](wire::Handshake& hs) { hs.flight_window = 0; }, code(RejectReason::rogue)},
    };
    for (const Case& c : cases) {
        auto hs = conclusion_response();
        c.spoil(hs);
        BOOST_TEST(rejection_code(read_conclusion_response(hs, caller_isn, caller)) == c.expected, c.name);
    }
}

BOOST_AUTO_TEST_CASE(a_side_without_tsbpd_gets_no_sender_delay_and_keeps_its_own_receiver_delay) {
    // A caller that asks for no TSBPD in either direction (HSREQ without TSBPDSND/TSBPDRCV).
    ConnectionConfig listener_config;
    listener_config.receiver_latency_ms = 250;
    listener_config.peer_latency_ms = 400;
    auto hs = conclusion_request();
    hsreq_of(hs).flags &= ~(wire::srt_flag_tsbpd_snd | wire::srt_flag_tsbpd_rcv);
    hsreq_of(hs).receiver_latency_ms = 1000;
    hsreq_of(hs).sender_latency_ms = 1000;
    const auto request = std::get<ConclusionRequest>(read_conclusion_request(hs, listener_config));
    const Negotiated n = listener_negotiate(request, listener_config);
    BOOST_TEST(n.receiver_latency_ms == 250);  // the caller's 1000 is not a wish without TSBPDSND
    BOOST_TEST(n.sender_latency_ms == 0);      // the caller does not play out by TSBPD
    const auto response =
        listener_conclusion_response(request, n, listener_socket_id, listener_config, caller_address).body;
    const auto& hsrsp = std::get<wire::SrtHandshakeMessage>(response.extensions.front().body);
    BOOST_TEST((hsrsp.flags & wire::srt_flag_tsbpd_rcv) != 0u);
    BOOST_TEST((hsrsp.flags & wire::srt_flag_tsbpd_snd) == 0u);
    BOOST_TEST(hsrsp.receiver_latency_ms == 250u);
    BOOST_TEST(hsrsp.sender_latency_ms == 0u);

    // A listener without TSBPD: the caller sends without a drop threshold and keeps its own delay.
    ConnectionConfig no_tsbpd_listener;
    no_tsbpd_listener.tsbpd = false;
    ConnectionConfig caller_config;
    caller_config.receiver_latency_ms = 180;
    auto plain_request = conclusion_request(caller_config);
    hsreq_of(plain_request).flags &= ~wire::srt_flag_tsbpd_rcv;  // so the HSRSP has no TSBPDSND either
    const auto accepted = std::get<ConclusionRequest>(read_conclusion_request(plain_request, no_tsbpd_listener));
    const auto no_tsbpd_response =
        listener_conclusion_response(accepted, listener_negotiate(accepted, no_tsbpd_listener), listener_socket_id,
                                     no_tsbpd_listener, caller_address)
            .body;
    const auto at_caller = std::get<Negotiated>(read_conclusion_response(no_tsbpd_response, caller_isn, caller_config));
    BOOST_TEST(at_caller.sender_latency_ms == 0);
    BOOST_TEST(at_caller.receiver_latency_ms == 180);
    BOOST_TEST(!at_caller.peer_tlpktdrop);
}

BOOST_AUTO_TEST_CASE(the_listener_sends_its_kmrsp_under_the_kmreq_flag_and_a_rejection_carries_its_code) {
    const auto request = std::get<ConclusionRequest>(read_conclusion_request(conclusion_request(), {}));
    const auto response =
        listener_conclusion_response(request, listener_negotiate(request, {}), listener_socket_id, {}, caller_address,
                                     wire::ExtensionBody{wire::KmErrorReport{wire::KmState::no_secret}})
            .body;
    BOOST_TEST(response.extension_field == (wire::hs_ext_hsreq | wire::hs_ext_kmreq));
    BOOST_REQUIRE_EQUAL(response.extensions.size(), 2u);
    BOOST_TEST(response.extensions[0].type == raw(wire::ExtensionType::hsrsp));
    const auto* kmrsp = find_key_material(response, wire::ExtensionType::kmrsp);
    BOOST_REQUIRE(kmrsp);
    BOOST_TEST((std::get<wire::KmErrorReport>(*kmrsp).state == wire::KmState::no_secret));
    BOOST_TEST(!find_key_material(response, wire::ExtensionType::kmreq));

    const auto conclusion = conclusion_request();
    const auto rejection = rejection_response(conclusion, code(RejectReason::unsecure));
    BOOST_TEST(rejection.dest_socket_id == caller_socket_id);
    BOOST_TEST(rejection.body.is_rejection());
    BOOST_TEST(rejection.body.extensions.empty());  // nothing of the request is echoed but its header
    BOOST_TEST(reject_code_of(rejection.body.request_type) == code(RejectReason::unsecure));
    BOOST_TEST(rejection_code(read_conclusion_response(rejection.body, caller_isn, {})) ==
               code(RejectReason::unsecure));
}
