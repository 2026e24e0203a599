// Tests for wire/handshake.hpp: the 48-byte handshake body and its v5 extension blocks
// (draft-sharabayko-srt §3.2.1), checked against byte layouts built by hand the way libsrt 1.5
// puts them on the wire (word-reversed text and peer address, pre-swapped KM message).
#define BOOST_TEST_MODULE handshake
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <string_view>

#include "test_support.hpp"
#include "wire/control_packet.hpp"
#include "wire/handshake.hpp"
#include "wire/packet.hpp"

using namespace websrt::wire;
using namespace websrt::test;
using namespace std::string_view_literals;

namespace {

constexpr std::uint32_t conclusion_word = 0xFFFFFFFF;  // request type -1
constexpr std::array<std::uint8_t, 16> localhost{127, 0, 0, 1};

/// Wraps a handshake body in a HANDSHAKE control packet header (dest id 0, timestamp 0x100).
Buffer handshake_datagram(const Buffer& body) {
    return control_datagram(raw(ControlType::handshake), 0, 0, 0x100, 0, body);
}

/// Extension block header: 16-bit type, 16-bit length in words.
Buffer block(std::uint16_t type, const Buffer& body) {
    return concat({words({(std::uint32_t{type} << 16) | static_cast<std::uint32_t>(body.size() / 4)}), body});
}

/// The 48-byte body: version, encryption<<16|extension, ISN, MSS, flight window, request type,
/// socket id, cookie, then the peer address 127.0.0.1 as a little-endian libsrt sends it.
Buffer body48(std::uint32_t version, std::uint32_t type_word, std::uint32_t request_type, std::uint32_t socket_id,
              std::uint32_t cookie) {
    return concat({words({version, type_word, 0x1A2B3C4D, 1500, 8192, request_type, socket_id, cookie}),
                   Buffer{0x01, 0x00, 0x00, 0x7F}, Buffer(12, 0)});
}

/// Decodes a handshake datagram, requires success, checks exact re-encoding and returns the
/// handshake. The datagram is copied into storage that outlives the test, so views stay valid.
Handshake decode_and_check_reencoding(const Buffer& bytes) {
    static Storage kept_datagrams;
    const Buffer& datagram = kept_datagrams.emplace_back(bytes);
    const auto decoded = decode_control_packet(datagram);
    BOOST_TEST_REQUIRE(decoded.ok(), "decode failed: " << describe(decoded.error()) << " for " << hex(datagram));
    const Handshake* hs = std::get_if<Handshake>(&decoded->body);
    BOOST_TEST_REQUIRE(hs != nullptr);
    const auto reencoded = encode(*decoded);
    BOOST_TEST_REQUIRE(reencoded.ok(), "encode failed: " << describe(reencoded.error()));
    WEBSRT_CHECK_BYTES(*reencoded, datagram);
    return *hs;
}

/// Encodes a handshake body alone.
Result<Buffer> encode_handshake(const Handshake& hs) {
    ByteWriter measure = ByteWriter::measuring();
    write_handshake(hs, measure);
    if (!measure.ok()) return measure.error();
    Buffer out(measure.written());
    ByteWriter writer(out);
    write_handshake(hs, writer);
    if (!writer.ok()) return writer.error();
    return out;
}

WireError handshake_error(const Buffer& body) {
    const auto hs = decode_handshake(body);
    BOOST_TEST_REQUIRE(!hs.ok(), "decoded although malformed: " << hex(body));
    return hs.error();
}

template <class Body>
const Body& extension_as(const Handshake& hs, std::size_t index, std::uint16_t type) {
    BOOST_TEST_REQUIRE(index < hs.extensions.size());
    BOOST_TEST(hs.extensions[index].type == type);
    const Body* body = std::get_if<Body>(&hs.extensions[index].body);
    BOOST_TEST_REQUIRE(body != nullptr,
                       "extension " << index << " holds alternative " << hs.extensions[index].body.index());
    return *body;
}

// The conclusion's extension blocks as libsrt 1.5 writes them.
const Buffer hsreq_block = block(1, words({0x00010503, 0xBF, 0x00780078}));
// "#!::r=live/cam1,m=publish" (25 bytes): each word reversed, the last padded with three NULs.
const Buffer sid_block = block(5, text_bytes("::!#"
                                             "il=r"
                                             "c/ev"
                                             ",1ma"
                                             "up=m"
                                             "silb"
                                             "\0\0\0h"sv));
const Buffer congestion_block = block(6, text_bytes("evil"));
// "fec,cols:10,rows:5" (18 bytes).
const Buffer filter_block = block(7, text_bytes(",cef"
                                                "sloc"
                                                ",01:"
                                                "swor"
                                                "\0\0"
                                                "5:"sv));
const Buffer group_block = block(8, words({0x40000001, 0x01000010}));
const Buffer kmreq_block = block(3, km_bytes(1, 16));

}  // namespace

BOOST_AUTO_TEST_SUITE(known_handshakes)

BOOST_AUTO_TEST_CASE(v4_induction_request_is_48_bytes_with_version_4_type_2_and_no_cookie) {
    const Buffer body = body48(4, 2, 1, 0x11223344, 0);
    BOOST_TEST(body.size() == handshake_body_size);
    const Handshake hs = decode_and_check_reencoding(handshake_datagram(body));
    BOOST_TEST(hs.version == hs_version_udt4);
    BOOST_TEST(hs.encryption_field == 0u);
    BOOST_TEST(hs.extension_field == 2u);
    BOOST_TEST(hs.initial_seq.value() == 0x1A2B3C4Du);
    BOOST_TEST(hs.mss == 1500u);
    BOOST_TEST(hs.flight_window == 8192u);
    BOOST_TEST(hs.request_type == static_cast<std::int32_t>(HandshakeRequest::induction));
    BOOST_TEST(hs.socket_id == 0x11223344u);
    BOOST_TEST(hs.cookie == 0u);
    BOOST_TEST((hs.peer_ip == localhost));
    BOOST_TEST(hs.extensions.empty());
    BOOST_TEST(!hs.is_rejection());
}

BOOST_AUTO_TEST_CASE(v5_induction_response_carries_the_srt_magic_and_key_length) {
    // pbkeylen 16 → encryption field 2; extension field 0x4A17; SocketID echoes the caller's id.
    const Handshake hs =
        decode_and_check_reencoding(handshake_datagram(body48(5, 0x00024A17, 1, 0x11223344, 0xCAFEBABE)));
    BOOST_TEST(hs.version == hs_version_srt5);
    BOOST_TEST(hs.encryption_field == 2u);
    BOOST_TEST(hs.extension_field == srt_magic_code);
    BOOST_TEST(hs.cookie == 0xCAFEBABEu);
    BOOST_TEST(hs.extensions.empty());
}

BOOST_AUTO_TEST_CASE(v5_conclusion_with_every_extension_decodes_in_wire_order) {
    const Buffer body = concat({body48(5, 0x00020007, conclusion_word, 0x2345ABCD, 0x9A8B7C6D), hsreq_block, sid_block,
                                congestion_block, filter_block, group_block, kmreq_block});
    BOOST_TEST(body.size() == 200u);
    const Handshake hs = decode_and_check_reencoding(handshake_datagram(body));
    BOOST_TEST(hs.request_type == static_cast<std::int32_t>(HandshakeRequest::conclusion));
    BOOST_TEST(hs.extension_field == (hs_ext_hsreq | hs_ext_kmreq | hs_ext_config));
    BOOST_TEST_REQUIRE(hs.extensions.size() == 6u);

    const auto& hsreq = extension_as<SrtHandshakeMessage>(hs, 0, raw(ExtensionType::hsreq));
    BOOST_TEST(hsreq.srt_version == 0x00010503u);
    BOOST_TEST(hsreq.flags == 0xBFu);
    BOOST_TEST(hsreq.receiver_latency_ms == 120u);
    BOOST_TEST(hsreq.sender_latency_ms == 120u);
    BOOST_TEST(extension_as<TextExtension>(hs, 1, raw(ExtensionType::sid)).text == "#!::r=live/cam1,m=publish");
    BOOST_TEST(extension_as<TextExtension>(hs, 2, raw(ExtensionType::congestion)).text == "live");
    BOOST_TEST(extension_as<TextExtension>(hs, 3, raw(ExtensionType::filter)).text == "fec,cols:10,rows:5");
    const auto& group = extension_as<GroupExtension>(hs, 4, raw(ExtensionType::group));
    BOOST_TEST(group.group_id == 0x40000001u);
    BOOST_TEST(group.group_type == 1u);
    BOOST_TEST(group.group_flags == 0u);
    BOOST_TEST(group.weight == 0x10u);
    const auto& km = extension_as<KmMessage>(hs, 5, raw(ExtensionType::kmreq));
    BOOST_TEST(km.key_length == 16u);
    BOOST_TEST((km.keys == EncryptionKey::even));
}

BOOST_AUTO_TEST_CASE(v5_conclusion_built_from_fields_encodes_to_libsrt_bytes) {
    const Buffer km_storage = km_bytes(1, 16);
    const auto km = decode_km_message(km_storage);
    BOOST_TEST_REQUIRE(km.ok());

    Handshake hs;
    hs.version = hs_version_srt5;
    hs.encryption_field = 2;
    hs.extension_field = hs_ext_hsreq | hs_ext_kmreq | hs_ext_config;
    hs.initial_seq = SeqNo(0x1A2B3C4D);
    hs.mss = 1500;
    hs.flight_window = 8192;
    hs.request_type = static_cast<std::int32_t>(HandshakeRequest::conclusion);
    hs.socket_id = 0x2345ABCD;
    hs.cookie = 0x9A8B7C6D;
    hs.peer_ip = localhost;
    hs.extensions = {
        {raw(ExtensionType::hsreq), SrtHandshakeMessage{0x00010503, 0xBF, 120, 120, {}}},
        {raw(ExtensionType::sid), TextExtension{"#!::r=live/cam1,m=publish"}},
        {raw(ExtensionType::congestion), TextExtension{"live"}},
        {raw(ExtensionType::filter), TextExtension{"fec,cols:10,rows:5"}},
        {raw(ExtensionType::group), GroupExtension{0x40000001, 1, 0, 0x10}},
        {raw(ExtensionType::kmreq), *km},
    };
    const auto out = encode_handshake(hs);
    BOOST_TEST_REQUIRE(out.ok(), describe(out.error()));
    WEBSRT_CHECK_BYTES(*out, concat({body48(5, 0x00020007, conclusion_word, 0x2345ABCD, 0x9A8B7C6D), hsreq_block,
                                     sid_block, congestion_block, filter_block, group_block, kmreq_block}));
}

BOOST_AUTO_TEST_CASE(rejection_is_1000_plus_the_reason) {
    // SRT_REJ_BADSECRET (10), and an application code 1001 sent as 2001.
    for (std::uint32_t request_type : {1010u, 2001u}) {
        BOOST_TEST_CONTEXT("request type " << request_type) {
            const Handshake hs =
                decode_and_check_reencoding(handshake_datagram(body48(5, 0, request_type, 0x11223344, 0xCAFEBABE)));
            BOOST_TEST(hs.request_type == static_cast<std::int32_t>(request_type));
            BOOST_TEST(hs.is_rejection());
            BOOST_TEST(hs.request_type - hs_rejection_base == static_cast<std::int32_t>(request_type) - 1000);
        }
    }
}

BOOST_AUTO_TEST_CASE(negative_request_types_are_not_rejections) {
    for (std::uint32_t request_type : {0xFFFFFFFFu, 0xFFFFFFFEu, 0xFFFFFFFDu, 0u, 1u, 999u}) {
        BOOST_TEST_CONTEXT("request type " << static_cast<std::int32_t>(request_type)) {
            const Handshake hs = decode_and_check_reencoding(handshake_datagram(body48(5, 0, request_type, 1, 2)));
            BOOST_TEST(!hs.is_rejection());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(byte_order_quirks)

BOOST_AUTO_TEST_CASE(peer_ip_127_0_0_1_travels_as_01_00_00_7f) {
    Handshake hs;
    hs.peer_ip = localhost;
    const auto out = encode_handshake(hs);
    BOOST_TEST_REQUIRE(out.ok());
    BOOST_TEST_REQUIRE(out->size() == handshake_body_size);
    BOOST_TEST(hex(Bytes(*out).subspan(32)) == "0100007f 00000000 00000000 00000000");
}

BOOST_AUTO_TEST_CASE(ipv6_peer_address_has_each_word_reversed) {
    // 2001:db8::1 in network order.
    const std::array<std::uint8_t, 16> address{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    Handshake hs;
    hs.peer_ip = address;
    const auto out = encode_handshake(hs);
    BOOST_TEST_REQUIRE(out.ok());
    BOOST_TEST(hex(Bytes(*out).subspan(32)) == "b80d0120 00000000 00000000 01000000");
    const auto back = decode_handshake(*out);
    BOOST_TEST_REQUIRE(back.ok());
    BOOST_TEST((back->peer_ip == address));
}

BOOST_AUTO_TEST_CASE(text_words_are_byte_reversed_so_live_travels_as_evil) {
    Handshake hs;
    hs.extensions = {{raw(ExtensionType::congestion), TextExtension{"live"}},
                     {raw(ExtensionType::sid), TextExtension{"live"}}};
    const auto out = encode_handshake(hs);
    BOOST_TEST_REQUIRE(out.ok());
    WEBSRT_CHECK_BYTES(Bytes(*out).subspan(handshake_body_size),
                       concat({block(6, text_bytes("evil")), block(5, text_bytes("evil"))}));
}

BOOST_AUTO_TEST_CASE(text_is_nul_padded_to_a_whole_word) {
    const std::pair<std::string, Buffer> cases[] = {
        {"a", text_bytes("\0\0\0a"sv)}, {"ab", text_bytes("\0\0ba"sv)},         {"abc", text_bytes("\0cba"sv)},
        {"abcd", text_bytes("dcba"sv)}, {"abcde", text_bytes("dcba\0\0\0e"sv)}, {"", {}},
    };
    for (const auto& [text, wire_body] : cases) {
        BOOST_TEST_CONTEXT("\"" << text << "\"") {
            Handshake hs;
            hs.extensions = {{raw(ExtensionType::sid), TextExtension{text}}};
            const auto out = encode_handshake(hs);
            BOOST_TEST_REQUIRE(out.ok());
            WEBSRT_CHECK_BYTES(Bytes(*out).subspan(handshake_body_size), block(5, wire_body));
            const auto back = decode_handshake(*out);
            BOOST_TEST_REQUIRE(back.ok());
            BOOST_TEST((back->extensions == hs.extensions));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(extension_blocks)

BOOST_AUTO_TEST_CASE(blocks_parse_in_any_order) {
    const Buffer body = concat({body48(5, 0x00020007, conclusion_word, 1, 2), kmreq_block, congestion_block,
                                group_block, sid_block, hsreq_block});
    const Handshake hs = decode_and_check_reencoding(handshake_datagram(body));
    BOOST_TEST_REQUIRE(hs.extensions.size() == 5u);
    extension_as<KmMessage>(hs, 0, raw(ExtensionType::kmreq));
    extension_as<TextExtension>(hs, 1, raw(ExtensionType::congestion));
    extension_as<GroupExtension>(hs, 2, raw(ExtensionType::group));
    extension_as<TextExtension>(hs, 3, raw(ExtensionType::sid));
    extension_as<SrtHandshakeMessage>(hs, 4, raw(ExtensionType::hsreq));
}

BOOST_AUTO_TEST_CASE(blocks_are_read_whatever_the_extension_flags_say) {
    // libsrt reads blocks by length; an induction-style type word does not hide them.
    const Handshake hs =
        decode_and_check_reencoding(handshake_datagram(concat({body48(5, 0, conclusion_word, 1, 2), hsreq_block})));
    BOOST_TEST(hs.extensions.size() == 1u);
}

BOOST_AUTO_TEST_CASE(unknown_block_types_stay_opaque_and_round_trip) {
    const Buffer unknown_body = words({0xAABBCCDD, 0x11223344});
    const Buffer body = concat({body48(5, 7, conclusion_word, 1, 2), hsreq_block, block(0x0009, unknown_body),
                                block(0xFFFF, {}), congestion_block});
    const Handshake hs = decode_and_check_reencoding(handshake_datagram(body));
    BOOST_TEST_REQUIRE(hs.extensions.size() == 4u);
    WEBSRT_CHECK_BYTES(extension_as<OpaqueExtension>(hs, 1, 0x0009).body, unknown_body);
    BOOST_TEST(extension_as<OpaqueExtension>(hs, 2, 0xFFFF).body.empty());
    BOOST_TEST(extension_as<TextExtension>(hs, 3, raw(ExtensionType::congestion)).text == "live");
}

BOOST_AUTO_TEST_CASE(typed_blocks_whose_size_does_not_fit_stay_opaque_and_round_trip) {
    Buffer short_km = km_bytes(1, 16);
    short_km.resize(52);
    const Buffer body =
        concat({body48(5, 7, conclusion_word, 1, 2), block(1, words({0x00010503, 0xBF})),  // HSREQ of two words
                block(8, words({1, 2, 3})),                                                // GROUP of three words
                block(5, text_bytes("\0cba\0\0\0\0"sv)),                                   // SID padded past a word
                block(3, short_km)});                                                      // KMREQ too short
    const Handshake hs = decode_and_check_reencoding(handshake_datagram(body));
    BOOST_TEST_REQUIRE(hs.extensions.size() == 4u);
    extension_as<OpaqueExtension>(hs, 0, 1);
    extension_as<OpaqueExtension>(hs, 1, 8);
    extension_as<OpaqueExtension>(hs, 2, 5);
    extension_as<OpaqueExtension>(hs, 3, 3);
}

BOOST_AUTO_TEST_CASE(hsrsp_with_extra_words_keeps_them) {
    const Handshake hs = decode_and_check_reencoding(handshake_datagram(
        concat({body48(5, 1, conclusion_word, 1, 2), block(2, words({0x00010503, 0xBF, 0x00780078, 7}))})));
    const auto& m = extension_as<SrtHandshakeMessage>(hs, 0, raw(ExtensionType::hsrsp));
    WEBSRT_CHECK_BYTES(m.extra, words({7}));
}

BOOST_AUTO_TEST_CASE(kmrsp_block_of_one_word_is_a_km_error_report) {
    const Handshake hs = decode_and_check_reencoding(
        handshake_datagram(concat({body48(5, 2, conclusion_word, 1, 2), block(4, words({4}))})));
    BOOST_TEST((extension_as<KmErrorReport>(hs, 0, raw(ExtensionType::kmrsp)).state == KmState::bad_secret));
}

BOOST_AUTO_TEST_CASE(block_whose_length_runs_past_the_end_is_an_error) {
    // Claims 3 words, carries 2.
    const Buffer body = concat({body48(5, 7, conclusion_word, 1, 2), words({0x00010003, 0x00010503, 0xBF})});
    handshake_error(body);
    BOOST_TEST(!decode_control_packet(handshake_datagram(body)).ok());
}

BOOST_AUTO_TEST_CASE(partial_block_header_after_the_body_is_an_error) {
    for (std::size_t extra : {1u, 2u, 3u}) {
        BOOST_TEST_CONTEXT(extra << " trailing bytes") {
            handshake_error(concat({body48(5, 7, conclusion_word, 1, 2), Buffer(extra, 0)}));
        }
    }
}

BOOST_AUTO_TEST_CASE(body_shorter_than_48_bytes_is_truncated) {
    const Buffer body = body48(4, 2, 1, 1, 0);
    for (std::size_t size = 0; size < handshake_body_size; size += 4) {
        BOOST_TEST_CONTEXT("size " << size) {
            const auto hs = decode_handshake(Bytes(body).first(size));
            BOOST_TEST_REQUIRE(!hs.ok());
            BOOST_TEST((hs.error() == WireError::truncated));
        }
    }
}

BOOST_AUTO_TEST_CASE(initial_sequence_number_with_bit_31_is_rejected) {
    Buffer body = body48(5, 0, 1, 1, 0);
    body[8] |= 0x80;
    BOOST_TEST((handshake_error(body) == WireError::bad_value));
}

BOOST_AUTO_TEST_CASE(opaque_block_of_a_partial_word_cannot_be_encoded) {
    const Buffer three(3, 1);
    Handshake hs;
    hs.extensions = {{0x0009, OpaqueExtension{three}}};
    const auto out = encode_handshake(hs);
    BOOST_TEST_REQUIRE(!out.ok());
    BOOST_TEST((out.error() == WireError::bad_length));
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

HandshakeExtension random_extension(Storage& storage) {
    switch (*rc::gen::inRange(0, 7)) {
    case 0:
        return {*rc::gen::element(raw(ExtensionType::hsreq), raw(ExtensionType::hsrsp)),
                random_srt_handshake_message(storage)};
    case 1:
        return {*rc::gen::element(raw(ExtensionType::sid), raw(ExtensionType::congestion), raw(ExtensionType::filter)),
                TextExtension{random_text(512)}};
    case 2:
        return {raw(ExtensionType::group),
                GroupExtension{random_u32(), *rc::gen::arbitrary<std::uint8_t>(), *rc::gen::arbitrary<std::uint8_t>(),
                               *rc::gen::arbitrary<std::uint16_t>()}};
    case 3: return {*rc::gen::element(raw(ExtensionType::kmreq), raw(ExtensionType::kmrsp)), random_km(storage)};
    case 4: return {raw(ExtensionType::kmrsp), KmErrorReport{random_km_state()}};
    default: {
        const auto type =
            *rc::gen::suchThat(rc::gen::arbitrary<std::uint16_t>(), [](std::uint16_t t) { return t == 0 || t > 8; });
        return {type, OpaqueExtension{keep(storage, random_word_bytes(0, 16))}};
    }
    }
}

Handshake random_handshake(Storage& storage) {
    Handshake hs;
    hs.version = *rc::gen::weightedOneOf<std::uint32_t>(
        {{3, rc::gen::element(4u, 5u)}, {1, rc::gen::arbitrary<std::uint32_t>()}});
    hs.encryption_field = *rc::gen::arbitrary<std::uint16_t>();
    hs.extension_field = *rc::gen::arbitrary<std::uint16_t>();
    hs.initial_seq = random_seq();
    hs.mss = random_u32();
    hs.flight_window = random_u32();
    hs.request_type = *rc::gen::weightedOneOf<std::int32_t>({{3, rc::gen::element(-3, -2, -1, 0, 1)},
                                                             {1, rc::gen::inRange(1000, 3000)},
                                                             {1, rc::gen::arbitrary<std::int32_t>()}});
    hs.socket_id = random_u32();
    hs.cookie = random_u32();
    for (auto& b : hs.peer_ip) b = *rc::gen::arbitrary<std::uint8_t>();
    const auto count = *rc::gen::inRange<std::size_t>(0, 8);
    for (std::size_t i = 0; i < count; ++i) hs.extensions.push_back(random_extension(storage));
    return hs;
}

}  // namespace

RC_BOOST_PROP(random_handshakes_round_trip_exactly, ()) {
    Storage storage;
    ControlPacket p;
    p.header.type = raw(ControlType::handshake);
    p.header.timestamp_us = random_u32();
    p.header.dest_socket_id = random_u32();
    p.body = random_handshake(storage);
    const auto bytes = encode(p);
    RC_ASSERT(bytes.ok());
    const auto decoded = decode_control_packet(*bytes);
    RC_ASSERT(decoded.ok());
    RC_ASSERT(*decoded == p);
    const auto again = encode(*decoded);
    RC_ASSERT(again.ok());
    RC_LOG() << describe_difference(*again, *bytes);
    RC_ASSERT(*again == *bytes);
}

RC_BOOST_PROP(any_handshake_body_the_decoder_accepts_reencodes_to_the_same_bytes, ()) {
    // 48 random bytes (ISN bit cleared) then random blocks with honest lengths and random bodies,
    // so typed blocks of every size, valid or not, meet the decoder.
    Buffer body = random_bytes(handshake_body_size, handshake_body_size);
    body[8] &= 0x7F;
    const auto blocks = *rc::gen::inRange(0, 6);
    for (int i = 0; i < blocks; ++i) {
        const auto type = *rc::gen::weightedOneOf<std::uint16_t>(
            {{4, rc::gen::inRange<std::uint16_t>(1, 9)}, {1, rc::gen::arbitrary<std::uint16_t>()}});
        Buffer block_body = random_word_bytes(0, 20);
        if (type == raw(ExtensionType::kmreq) && *rc::gen::arbitrary<bool>()) block_body = km_bytes(3, 24);
        body = concat({body, block(type, block_body)});
    }
    const auto hs = decode_handshake(body);
    RC_ASSERT(hs.ok());
    const auto out = encode_handshake(*hs);
    RC_ASSERT(out.ok());
    RC_LOG() << describe_difference(*out, body);
    RC_ASSERT(*out == body);
}
