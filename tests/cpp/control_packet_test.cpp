// Tests for wire/control_packet.hpp: every control type's body (draft-sharabayko-srt §3.2) as
// libsrt 1.5 sends it, the UMSG_EXT subtypes, opaque fallbacks and malformed payloads.
#define BOOST_TEST_MODULE control_packet
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include "test_support.hpp"
#include "wire/control_packet.hpp"
#include "wire/packet.hpp"

using namespace websrt::wire;
using namespace websrt::test;

namespace {

/// Decodes a copy of `bytes` as a control packet, requires success, and checks that encoding the
/// result gives back exactly those bytes. The copy lives until the end of the test program, so
/// the returned packet's views stay valid even when `bytes` was a temporary.
ControlPacket decode_and_check_reencoding(const Buffer& bytes) {
    static Storage kept_datagrams;
    const Buffer& datagram = kept_datagrams.emplace_back(bytes);
    const auto decoded = decode_control_packet(datagram);
    BOOST_TEST_REQUIRE(decoded.ok(), "decode failed: " << describe(decoded.error()) << " for " << hex(datagram));
    const auto reencoded = encode(*decoded);
    BOOST_TEST_REQUIRE(reencoded.ok(), "encode failed: " << describe(reencoded.error()));
    WEBSRT_CHECK_BYTES(*reencoded, datagram);
    return *decoded;
}

template <class Body>
const Body& body_as(const ControlPacket& p) {
    const Body* body = std::get_if<Body>(&p.body);
    BOOST_TEST_REQUIRE(body != nullptr, "body holds alternative " << p.body.index());
    return *body;
}

WireError decode_error(const Buffer& datagram) {
    const auto decoded = decode_control_packet(datagram);
    BOOST_TEST_REQUIRE(!decoded.ok(), "decoded although malformed: " << hex(datagram));
    return decoded.error();
}

/// Random control packet of `type` with a random header and `body`; encodes, decodes, compares.
void check_round_trip(std::uint16_t type, std::uint16_t subtype, ControlBody body) {
    ControlPacket p;
    p.header.type = type;
    p.header.subtype = subtype;
    p.header.type_info = random_u32();
    p.header.timestamp_us = random_u32();
    p.header.dest_socket_id = random_u32();
    p.body = std::move(body);
    const auto bytes = encode(p);
    RC_ASSERT(bytes.ok());
    const auto decoded = decode_control_packet(*bytes);
    RC_ASSERT(decoded.ok());
    RC_ASSERT(*decoded == p);
    const auto again = encode(*decoded);
    RC_ASSERT(again.ok());
    RC_ASSERT(*again == *bytes);
}

AckBody random_ack() {
    AckBody ack;
    ack.word_count = *rc::gen::inRange<std::uint8_t>(AckBody::light_words, AckBody::max_words + 1);
    ack.last_acknowledged = random_seq();
    std::uint32_t* const optional_fields[] = {
        &ack.rtt_us,         &ack.rtt_var_us,         &ack.available_buffer_pkts, &ack.receive_speed_pkts,
        &ack.bandwidth_pkts, &ack.receive_rate_bytes, &ack.send_rate_pkts};
    // Fields past word_count are not on the wire and decode as zero.
    for (std::size_t i = 1; i < ack.word_count; ++i) *optional_fields[i - 1] = random_u32();
    return ack;
}

constexpr std::uint16_t user_defined = static_cast<std::uint16_t>(ControlType::user_defined);

}  // namespace

BOOST_AUTO_TEST_SUITE(header)

BOOST_AUTO_TEST_CASE(header_words_carry_type_subtype_info_timestamp_and_destination) {
    const Buffer datagram = control_datagram(0x1234, 0xABCD, 0x11223344, 0x55667788, 0x0199AABB, {});
    BOOST_TEST(hex(datagram) == "9234abcd 11223344 55667788 0199aabb");
    const ControlPacket p = decode_and_check_reencoding(datagram);
    BOOST_TEST(p.header.type == 0x1234);
    BOOST_TEST(p.header.subtype == 0xABCD);
    BOOST_TEST(p.header.type_info == 0x11223344u);
    BOOST_TEST(p.header.timestamp_us == 0x55667788u);
    BOOST_TEST(p.header.dest_socket_id == 0x0199AABBu);
}

BOOST_AUTO_TEST_CASE(datagrams_shorter_than_the_header_fail_as_truncated) {
    const Buffer full = control_datagram(raw(ControlType::keepalive), 0, 0, 0, 0, {});
    for (std::size_t size = 0; size < header_size; ++size) {
        BOOST_TEST_CONTEXT("size " << size) {
            const auto p = decode_control_packet(Bytes(full).first(size));
            BOOST_TEST_REQUIRE(!p.ok());
            BOOST_TEST((p.error() == WireError::truncated));
        }
    }
}

BOOST_AUTO_TEST_CASE(data_flag_is_rejected_by_the_control_decoder) {
    BOOST_TEST((decode_error(words({0x00010000, 0, 0, 0})) == WireError::bad_value));
}

BOOST_AUTO_TEST_CASE(type_wider_than_15_bits_cannot_be_encoded) {
    ControlPacket p;
    p.header.type = 0x8000;
    const auto out = encode(p);
    BOOST_TEST_REQUIRE(!out.ok());
    BOOST_TEST((out.error() == WireError::bad_value));
}

BOOST_AUTO_TEST_CASE(unknown_control_type_keeps_its_payload_opaque_and_round_trips) {
    const Buffer payload = words({0xDEADBEEF, 0x01020304});
    const Buffer datagram = control_datagram(0x1234, 0x0042, 7, 8, 9, payload);
    const ControlPacket p = decode_and_check_reencoding(datagram);
    WEBSRT_CHECK_BYTES(body_as<OpaqueBody>(p).bytes, payload);
    // An odd-sized payload is kept as sent too.
    decode_and_check_reencoding(control_datagram(0x1234, 0, 0, 0, 0, {1, 2, 3}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bodiless_types)

BOOST_AUTO_TEST_CASE(four_zero_bytes_and_empty_payloads_are_both_accepted_and_reencode_identically) {
    const ControlType types[] = {ControlType::keepalive, ControlType::shutdown, ControlType::ackack,
                                 ControlType::congestion_warning, ControlType::peer_error};
    for (ControlType type : types) {
        BOOST_TEST_CONTEXT("type " << raw(type)) {
            // ACKACK carries the ACK number and PEERERROR the error code in type_info.
            const Buffer with_zero_word = control_datagram(raw(type), 0, 4000, 123456, 0x0ABCDEF0, words({0}));
            const ControlPacket a = decode_and_check_reencoding(with_zero_word);
            BOOST_TEST(a.header.type_info == 4000u);
            WEBSRT_CHECK_BYTES(body_as<OpaqueBody>(a).bytes, words({0}));

            const Buffer empty = control_datagram(raw(type), 0, 4000, 123456, 0x0ABCDEF0, {});
            const ControlPacket b = decode_and_check_reencoding(empty);
            BOOST_TEST(body_as<OpaqueBody>(b).bytes.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(zero_word_body_encodes_as_libsrt_sends_it) {
    ControlPacket p;
    p.header.type = raw(ControlType::keepalive);
    p.header.dest_socket_id = 0x12345678;
    p.body = OpaqueBody{Bytes(zero_word)};
    const auto out = encode(p);
    BOOST_TEST_REQUIRE(out.ok());
    WEBSRT_CHECK_BYTES(*out, words({0x80010000, 0, 0, 0x12345678, 0}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ack)

BOOST_AUTO_TEST_CASE(light_ack_is_four_bytes_and_round_trips) {
    const Buffer datagram = control_datagram(raw(ControlType::ack), 0, 0, 1000, 0x2000, words({0x7FFFFFFF}));
    BOOST_TEST(datagram.size() == header_size + 4);
    const ControlPacket p = decode_and_check_reencoding(datagram);
    const AckBody& ack = body_as<AckBody>(p);
    BOOST_TEST(ack.is_light());
    BOOST_TEST(ack.word_count == AckBody::light_words);
    BOOST_TEST(ack.last_acknowledged.value() == 0x7FFFFFFFu);
    BOOST_TEST(ack.rtt_us == 0u);
    BOOST_TEST(p.header.type_info == 0u);  // light ACKs carry ACK number 0
}

BOOST_AUTO_TEST_CASE(small_ack_is_sixteen_bytes_with_rtt_and_buffer) {
    const Buffer datagram =
        control_datagram(raw(ControlType::ack), 0, 17, 1000, 0x2000, words({0x100, 20000, 10000, 8000}));
    const ControlPacket p = decode_and_check_reencoding(datagram);
    const AckBody& ack = body_as<AckBody>(p);
    BOOST_TEST(!ack.is_light());
    BOOST_TEST(ack.word_count == AckBody::small_words);
    BOOST_TEST(p.header.type_info == 17u);  // libsrt numbers small ACKs
    BOOST_TEST(ack.last_acknowledged.value() == 0x100u);
    BOOST_TEST(ack.rtt_us == 20000u);
    BOOST_TEST(ack.rtt_var_us == 10000u);
    BOOST_TEST(ack.available_buffer_pkts == 8000u);
    BOOST_TEST(ack.receive_speed_pkts == 0u);
}

BOOST_AUTO_TEST_CASE(full_ack_is_twenty_eight_bytes_with_rates) {
    const Buffer datagram = control_datagram(raw(ControlType::ack), 0, 0x7FFFFFFF, 1000, 0x2000,
                                             words({0x100, 20000, 10000, 8000, 1200, 50000, 1500000}));
    const ControlPacket p = decode_and_check_reencoding(datagram);
    const AckBody& ack = body_as<AckBody>(p);
    BOOST_TEST(ack.word_count == AckBody::full_words);
    BOOST_TEST(ack.receive_speed_pkts == 1200u);
    BOOST_TEST(ack.bandwidth_pkts == 50000u);
    BOOST_TEST(ack.receive_rate_bytes == 1500000u);
    BOOST_TEST(ack.send_rate_pkts == 0u);
}

BOOST_AUTO_TEST_CASE(eight_word_ack_keeps_the_legacy_send_rate) {
    const Buffer datagram = control_datagram(raw(ControlType::ack), 0, 5, 0, 0, words({1, 2, 3, 4, 5, 6, 7, 8}));
    const ControlPacket p = decode_and_check_reencoding(datagram);
    const AckBody& ack = body_as<AckBody>(p);
    BOOST_TEST(ack.word_count == AckBody::max_words);
    BOOST_TEST(ack.send_rate_pkts == 8u);
}

BOOST_AUTO_TEST_CASE(two_three_and_five_word_acks_are_kept_as_sent) {
    // The codec accepts any 1..8 words and records the count; missing fields read as zero.
    for (std::uint32_t count : {2u, 3u, 5u, 6u}) {
        BOOST_TEST_CONTEXT(count << " words") {
            Buffer payload;
            for (std::uint32_t i = 0; i < count; ++i) payload = concat({payload, words({100 + i})});
            const ControlPacket p =
                decode_and_check_reencoding(control_datagram(raw(ControlType::ack), 0, 9, 0, 0, payload));
            const AckBody& ack = body_as<AckBody>(p);
            BOOST_TEST(ack.word_count == count);
            BOOST_TEST(ack.last_acknowledged.value() == 100u);
            BOOST_TEST(ack.rtt_us == 101u);
            BOOST_TEST(ack.rtt_var_us == (count >= 3 ? 102u : 0u));
            BOOST_TEST(ack.available_buffer_pkts == (count >= 4 ? 103u : 0u));
            BOOST_TEST(ack.receive_speed_pkts == (count >= 5 ? 104u : 0u));
            BOOST_TEST(ack.bandwidth_pkts == (count >= 6 ? 105u : 0u));
            BOOST_TEST(ack.receive_rate_bytes == 0u);
        }
    }
}

BOOST_AUTO_TEST_CASE(ack_without_words_with_nine_words_or_a_partial_word_is_a_length_error) {
    BOOST_TEST((decode_error(control_datagram(raw(ControlType::ack), 0, 1, 0, 0, {})) == WireError::bad_length));
    BOOST_TEST((decode_error(control_datagram(raw(ControlType::ack), 0, 1, 0, 0, words({1, 2, 3, 4, 5, 6, 7, 8, 9}))) ==
                WireError::bad_length));
    BOOST_TEST((decode_error(control_datagram(raw(ControlType::ack), 0, 1, 0, 0, {0, 0, 0, 1, 0, 0})) ==
                WireError::bad_length));
}

BOOST_AUTO_TEST_CASE(ack_sequence_number_with_bit_31_set_is_rejected) {
    BOOST_TEST((decode_error(control_datagram(raw(ControlType::ack), 0, 1, 0, 0, words({0x80000001}))) ==
                WireError::bad_value));
}

BOOST_AUTO_TEST_CASE(ack_with_a_word_count_outside_one_to_eight_cannot_be_encoded) {
    for (std::uint8_t count : {std::uint8_t{0}, std::uint8_t{9}}) {
        ControlPacket p;
        p.header.type = raw(ControlType::ack);
        AckBody ack;
        ack.word_count = count;
        p.body = ack;
        const auto out = encode(p);
        BOOST_TEST_REQUIRE(!out.ok());
        BOOST_TEST((out.error() == WireError::bad_length));
    }
}

RC_BOOST_PROP(random_ack_bodies_round_trip, ()) { check_round_trip(raw(ControlType::ack), 0, random_ack()); }

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(nak)

BOOST_AUTO_TEST_CASE(single_losses_are_one_word_each) {
    const ControlPacket p =
        decode_and_check_reencoding(control_datagram(raw(ControlType::nak), 0, 0, 0, 0, words({5, 7, 0x7FFFFFFF})));
    const NakBody& nak = body_as<NakBody>(p);
    BOOST_TEST_REQUIRE(nak.losses.size() == 3u);
    BOOST_TEST((nak.losses[0] == LossRange{SeqNo(5), SeqNo(5)}));
    BOOST_TEST((nak.losses[1] == LossRange{SeqNo(7), SeqNo(7)}));
    BOOST_TEST((nak.losses[2] == LossRange{SeqNo(0x7FFFFFFF), SeqNo(0x7FFFFFFF)}));
}

BOOST_AUTO_TEST_CASE(a_run_is_two_words_with_bit_31_on_the_first) {
    const ControlPacket p = decode_and_check_reencoding(
        control_datagram(raw(ControlType::nak), 0, 0, 0, 0, words({3, 0x80000010, 0x14, 0x7FFFFFFE | 0x80000000, 1})));
    const NakBody& nak = body_as<NakBody>(p);
    BOOST_TEST_REQUIRE(nak.losses.size() == 3u);
    BOOST_TEST((nak.losses[0] == LossRange{SeqNo(3), SeqNo(3)}));
    BOOST_TEST((nak.losses[1] == LossRange{SeqNo(0x10), SeqNo(0x14)}));
    BOOST_TEST((nak.losses[2] == LossRange{SeqNo(0x7FFFFFFE), SeqNo(1)}));  // a run across the wrap
}

BOOST_AUTO_TEST_CASE(encoder_compresses_singles_to_one_word_and_runs_to_two) {
    ControlPacket p;
    p.header.type = raw(ControlType::nak);
    p.header.dest_socket_id = 0x77;
    p.body = NakBody{{{SeqNo(9), SeqNo(9)}, {SeqNo(20), SeqNo(21)}, {SeqNo(0x7FFFFFFF), SeqNo(0)}}};
    const auto out = encode(p);
    BOOST_TEST_REQUIRE(out.ok());
    WEBSRT_CHECK_BYTES(*out, words({0x80030000, 0, 0, 0x77, 9, 0x80000014, 21, 0xFFFFFFFF, 0}));
}

BOOST_AUTO_TEST_CASE(dangling_range_start_is_an_error) {
    decode_error(control_datagram(raw(ControlType::nak), 0, 0, 0, 0, words({0x80000010})));
    decode_error(control_datagram(raw(ControlType::nak), 0, 0, 0, 0, words({4, 0x80000010})));
}

BOOST_AUTO_TEST_CASE(range_start_followed_by_another_range_start_is_an_error) {
    decode_error(control_datagram(raw(ControlType::nak), 0, 0, 0, 0, words({0x80000010, 0x80000014, 0x18})));
}

BOOST_AUTO_TEST_CASE(nak_payload_of_a_partial_word_is_an_error) {
    decode_error(control_datagram(raw(ControlType::nak), 0, 0, 0, 0, {0, 0, 0, 5, 0}));
}

BOOST_AUTO_TEST_CASE(range_with_equal_ends_decodes_to_a_single_loss) {
    // libsrt never sends one (CRcvLossList keeps single losses without an end); the codec accepts
    // it, and re-encodes it compressed, as one word.
    const auto p = decode_control_packet(control_datagram(raw(ControlType::nak), 0, 0, 0, 0, words({0x80000005, 5})));
    BOOST_TEST_REQUIRE(p.ok());
    const NakBody& nak = body_as<NakBody>(*p);
    BOOST_TEST_REQUIRE(nak.losses.size() == 1u);
    BOOST_TEST((nak.losses[0] == LossRange{SeqNo(5), SeqNo(5)}));
}

BOOST_AUTO_TEST_CASE(empty_nak_decodes_to_no_losses) {
    const ControlPacket p = decode_and_check_reencoding(control_datagram(raw(ControlType::nak), 0, 0, 0, 0, {}));
    BOOST_TEST(body_as<NakBody>(p).losses.empty());
}

RC_BOOST_PROP(random_loss_lists_round_trip, ()) {
    const auto count = *rc::gen::inRange<std::size_t>(0, 40);
    NakBody nak;
    for (std::size_t i = 0; i < count; ++i) {
        const SeqNo first = random_seq();
        const bool single = *rc::gen::arbitrary<bool>();
        nak.losses.push_back({first, single ? first : first.plus(*rc::gen::inRange<std::int64_t>(1, 10000))});
    }
    check_round_trip(raw(ControlType::nak), 0, nak);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(drop_request)

BOOST_AUTO_TEST_CASE(drop_request_carries_message_number_and_sequence_range) {
    const ControlPacket p = decode_and_check_reencoding(
        control_datagram(raw(ControlType::drop_request), 0, 0x3FFFFFF, 5, 6, words({0x7FFFFFF0, 0x10})));
    BOOST_TEST(p.header.type_info == 0x3FFFFFFu);
    const DropRequestBody& drop = body_as<DropRequestBody>(p);
    BOOST_TEST(drop.first.value() == 0x7FFFFFF0u);
    BOOST_TEST(drop.last.value() == 0x10u);
}

BOOST_AUTO_TEST_CASE(drop_request_of_other_than_two_words_is_a_length_error) {
    BOOST_TEST((decode_error(control_datagram(raw(ControlType::drop_request), 0, 1, 0, 0, words({1}))) ==
                WireError::bad_length));
    BOOST_TEST((decode_error(control_datagram(raw(ControlType::drop_request), 0, 1, 0, 0, words({1, 2, 3}))) ==
                WireError::bad_length));
    BOOST_TEST(
        (decode_error(control_datagram(raw(ControlType::drop_request), 0, 1, 0, 0, {})) == WireError::bad_length));
}

BOOST_AUTO_TEST_CASE(drop_request_sequence_with_bit_31_is_rejected) {
    BOOST_TEST((decode_error(control_datagram(raw(ControlType::drop_request), 0, 1, 0, 0, words({0x80000001, 2}))) ==
                WireError::bad_value));
}

RC_BOOST_PROP(random_drop_requests_round_trip, ()) {
    check_round_trip(raw(ControlType::drop_request), 0, DropRequestBody{random_seq(), random_seq()});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(user_defined_messages)

BOOST_AUTO_TEST_CASE(hsreq_and_hsrsp_decode_to_srt_handshake_messages) {
    for (ExtensionType subtype : {ExtensionType::hsreq, ExtensionType::hsrsp}) {
        BOOST_TEST_CONTEXT("subtype " << raw(subtype)) {
            const ControlPacket p = decode_and_check_reencoding(
                control_datagram(user_defined, raw(subtype), 0, 0, 0, words({0x00010503, 0xBF, 0x00780050})));
            const auto& m = body_as<SrtHandshakeMessage>(p);
            BOOST_TEST(m.srt_version == 0x00010503u);
            BOOST_TEST(m.flags == 0xBFu);
            BOOST_TEST(m.receiver_latency_ms == 120u);
            BOOST_TEST(m.sender_latency_ms == 80u);
            BOOST_TEST(m.extra.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(hsreq_shorter_than_three_words_stays_opaque) {
    const ControlPacket p = decode_and_check_reencoding(
        control_datagram(user_defined, raw(ExtensionType::hsreq), 0, 0, 0, words({0x00010503, 0xBF})));
    body_as<OpaqueBody>(p);
}

BOOST_AUTO_TEST_CASE(kmreq_and_kmrsp_decode_to_km_messages) {
    const Buffer km = km_bytes(1, 16);
    for (ExtensionType subtype : {ExtensionType::kmreq, ExtensionType::kmrsp}) {
        BOOST_TEST_CONTEXT("subtype " << raw(subtype)) {
            const ControlPacket p =
                decode_and_check_reencoding(control_datagram(user_defined, raw(subtype), 0, 0, 0, km));
            const auto& m = body_as<KmMessage>(p);
            BOOST_TEST((m.keys == EncryptionKey::even));
            BOOST_TEST(m.key_length == 16u);
            BOOST_TEST(m.salt.size() == 16u);
            BOOST_TEST(m.wrapped_keys.size() == 24u);
        }
    }
}

BOOST_AUTO_TEST_CASE(kmrsp_of_one_word_is_a_km_error_report) {
    const ControlPacket p =
        decode_and_check_reencoding(control_datagram(user_defined, raw(ExtensionType::kmrsp), 0, 0, 0, words({3})));
    BOOST_TEST((body_as<KmErrorReport>(p).state == KmState::no_secret));
}

BOOST_AUTO_TEST_CASE(malformed_km_message_stays_opaque) {
    Buffer km = km_bytes(1, 16);
    km.pop_back();
    const ControlPacket p =
        decode_and_check_reencoding(control_datagram(user_defined, raw(ExtensionType::kmreq), 0, 0, 0, km));
    WEBSRT_CHECK_BYTES(body_as<OpaqueBody>(p).bytes, km);
}

BOOST_AUTO_TEST_CASE(unknown_and_handshake_only_subtypes_stay_opaque) {
    for (std::uint16_t subtype : {std::uint16_t{0}, raw(ExtensionType::sid), raw(ExtensionType::group),
                                  std::uint16_t{9}, std::uint16_t{0xFFFF}}) {
        BOOST_TEST_CONTEXT("subtype " << subtype) {
            const Buffer payload = words({0x01020304, 0x05060708});
            const ControlPacket p =
                decode_and_check_reencoding(control_datagram(user_defined, subtype, 0, 0, 0, payload));
            WEBSRT_CHECK_BYTES(body_as<OpaqueBody>(p).bytes, payload);
        }
    }
}

RC_BOOST_PROP(random_srt_handshake_messages_round_trip, ()) {
    Storage storage;
    const auto subtype = *rc::gen::element(raw(ExtensionType::hsreq), raw(ExtensionType::hsrsp));
    check_round_trip(user_defined, subtype, random_srt_handshake_message(storage));
}

RC_BOOST_PROP(random_km_messages_round_trip, ()) {
    Storage storage;
    const auto subtype = *rc::gen::element(raw(ExtensionType::kmreq), raw(ExtensionType::kmrsp));
    check_round_trip(user_defined, subtype, random_km(storage));
}

RC_BOOST_PROP(random_km_error_reports_round_trip, ()) {
    check_round_trip(user_defined, raw(ExtensionType::kmrsp), KmErrorReport{random_km_state()});
}

RC_BOOST_PROP(random_opaque_bodies_of_untyped_types_round_trip, ()) {
    Storage storage;
    // Types whose body the codec does not interpret, and UMSG_EXT subtypes it does not know.
    const bool extension = *rc::gen::arbitrary<bool>();
    const std::uint16_t type =
        extension ? user_defined : *rc::gen::suchThat(rc::gen::inRange<std::uint16_t>(0, 0x8000), [](std::uint16_t t) {
            return t != raw(ControlType::handshake) && t != raw(ControlType::ack) && t != raw(ControlType::nak) &&
                   t != raw(ControlType::drop_request) && t != raw(ControlType::user_defined);
        });
    const std::uint16_t subtype = extension ? *rc::gen::suchThat(rc::gen::arbitrary<std::uint16_t>(),
                                                                 [](std::uint16_t s) { return s < 1 || s > 4; })
                                            : *rc::gen::arbitrary<std::uint16_t>();
    check_round_trip(type, subtype, OpaqueBody{keep(storage, random_bytes(0, 64))});
}

BOOST_AUTO_TEST_SUITE_END()
