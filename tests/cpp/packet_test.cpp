// Tests for wire/packet.hpp: dispatch between the data and control codecs, packet kind names,
// encoded_size, and clean failure on datagrams too short to be SRT.
#define BOOST_TEST_MODULE packet
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <string>

#include "test_support.hpp"
#include "wire/packet.hpp"

using namespace websrt::wire;
using namespace websrt::test;

namespace {

constexpr std::uint8_t guard_byte = 0x5A;
constexpr std::size_t guard_size = 32;

/// Any kind of packet: data, or a control packet with a typed or opaque body.
Packet random_packet(Storage& storage) {
    const auto pick = *rc::gen::inRange(0, 9);
    if (pick == 0) {
        DataPacket d;
        d.seq = random_seq();
        d.position = static_cast<PacketPosition>(*rc::gen::inRange(0, 4));
        d.in_order = *rc::gen::arbitrary<bool>();
        d.key = static_cast<EncryptionKey>(*rc::gen::inRange(0, 4));
        d.retransmitted = *rc::gen::arbitrary<bool>();
        d.message_number = MsgNo(random_u32());
        d.timestamp_us = random_u32();
        d.dest_socket_id = random_u32();
        d.payload = keep(storage, random_bytes(0, 1456));
        return d;
    }
    ControlPacket c;
    c.header.type_info = random_u32();
    c.header.timestamp_us = random_u32();
    c.header.dest_socket_id = random_u32();
    switch (pick) {
    case 1: {
        c.header.type = raw(ControlType::ack);
        AckBody ack;
        ack.word_count = *rc::gen::element(AckBody::light_words, AckBody::small_words, AckBody::full_words);
        ack.last_acknowledged = random_seq();
        if (ack.word_count > 1) ack.rtt_us = random_u32();
        c.body = ack;
        break;
    }
    case 2: {
        c.header.type = raw(ControlType::nak);
        NakBody nak;
        const auto count = *rc::gen::inRange(0, 10);
        for (int i = 0; i < count; ++i) {
            const SeqNo first = random_seq();
            nak.losses.push_back({first, first.plus(*rc::gen::inRange(0, 3))});
        }
        c.body = nak;
        break;
    }
    case 3:
        c.header.type = raw(ControlType::drop_request);
        c.body = DropRequestBody{random_seq(), random_seq()};
        break;
    case 4: {
        c.header.type = raw(ControlType::handshake);
        Handshake hs;
        hs.initial_seq = random_seq();
        hs.request_type = *rc::gen::element(-1, 1);
        if (*rc::gen::arbitrary<bool>())
            hs.extensions.push_back({raw(ExtensionType::sid), TextExtension{random_text(40)}});
        c.body = hs;
        break;
    }
    case 5:
        c.header.type = raw(ControlType::user_defined);
        c.header.subtype = *rc::gen::element(raw(ExtensionType::kmreq), raw(ExtensionType::kmrsp));
        c.body = random_km(storage);
        break;
    case 6:
        c.header.type = raw(ControlType::user_defined);
        c.header.subtype = *rc::gen::element(raw(ExtensionType::hsreq), raw(ExtensionType::hsrsp));
        c.body = random_srt_handshake_message(storage);
        break;
    default:
        c.header.type = *rc::gen::element(raw(ControlType::keepalive), raw(ControlType::shutdown),
                                          raw(ControlType::ackack), raw(ControlType::congestion_warning),
                                          raw(ControlType::peer_error), std::uint16_t{0x1234});
        c.body = OpaqueBody{keep(storage, *rc::gen::element(Buffer{}, Buffer(4, 0)))};
        break;
    }
    return c;
}

}  // namespace

BOOST_AUTO_TEST_CASE(first_bit_clear_decodes_as_a_data_packet) {
    const Buffer datagram = concat({words({0x00000010, 0xC0000001, 5, 6}), Buffer(8, 0xEE)});
    const auto p = decode_packet(datagram);
    BOOST_TEST_REQUIRE(p.ok(), describe(p.error()));
    const DataPacket* data = std::get_if<DataPacket>(&*p);
    BOOST_TEST_REQUIRE(data != nullptr);
    BOOST_TEST(data->seq.value() == 0x10u);
    BOOST_TEST(data->payload.size() == 8u);
    BOOST_TEST((data->payload.data() == datagram.data() + header_size));
    BOOST_TEST(std::string(packet_kind(*p)) == "data");
}

BOOST_AUTO_TEST_CASE(first_bit_set_decodes_as_a_control_packet) {
    const Buffer datagram = control_datagram(raw(ControlType::keepalive), 0, 0, 5, 6, words({0}));
    const auto p = decode_packet(datagram);
    BOOST_TEST_REQUIRE(p.ok(), describe(p.error()));
    const ControlPacket* control = std::get_if<ControlPacket>(&*p);
    BOOST_TEST_REQUIRE(control != nullptr);
    BOOST_TEST(control->header.is(ControlType::keepalive));
    BOOST_TEST(control->header.dest_socket_id == 6u);
}

BOOST_AUTO_TEST_CASE(control_decode_errors_pass_through) {
    const auto p = decode_packet(control_datagram(raw(ControlType::ack), 0, 0, 0, 0, {}));
    BOOST_TEST_REQUIRE(!p.ok());
    BOOST_TEST((p.error() == WireError::bad_length));
}

BOOST_AUTO_TEST_CASE(every_control_type_and_extension_subtype_has_its_kind_name) {
    const Buffer km = km_bytes(1, 16);
    const Buffer hsreq = words({0x00010503, 0xBF, 0x00780078});
    struct Case {
        Buffer datagram;
        const char* kind;
    };
    const Case cases[] = {
        {words({1, 0, 0, 0}), "data"},
        {control_datagram(raw(ControlType::handshake), 0, 0, 0, 0,
                          concat({words({4, 2, 1, 1500, 8192, 1, 7, 0}), Buffer(16, 0)})),
         "handshake"},
        {control_datagram(raw(ControlType::keepalive), 0, 0, 0, 0, words({0})), "keepalive"},
        {control_datagram(raw(ControlType::ack), 0, 0, 0, 0, words({1})), "ack"},
        {control_datagram(raw(ControlType::nak), 0, 0, 0, 0, words({1})), "nak"},
        {control_datagram(raw(ControlType::congestion_warning), 0, 0, 0, 0, {}), "congestion_warning"},
        {control_datagram(raw(ControlType::shutdown), 0, 0, 0, 0, words({0})), "shutdown"},
        {control_datagram(raw(ControlType::ackack), 0, 1, 0, 0, words({0})), "ackack"},
        {control_datagram(raw(ControlType::drop_request), 0, 1, 0, 0, words({1, 2})), "drop_request"},
        {control_datagram(raw(ControlType::peer_error), 0, 4000, 0, 0, words({0})), "peer_error"},
        {control_datagram(raw(ControlType::user_defined), 1, 0, 0, 0, hsreq), "user_defined/hsreq"},
        {control_datagram(raw(ControlType::user_defined), 2, 0, 0, 0, hsreq), "user_defined/hsrsp"},
        {control_datagram(raw(ControlType::user_defined), 3, 0, 0, 0, km), "user_defined/kmreq"},
        {control_datagram(raw(ControlType::user_defined), 4, 0, 0, 0, words({3})), "user_defined/kmrsp"},
        {control_datagram(raw(ControlType::user_defined), 0x99, 0, 0, 0, {}), "user_defined"},
        {control_datagram(0x1234, 0, 0, 0, 0, {}), "unknown_control"},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.kind) {
            const auto p = decode_packet(c.datagram);
            BOOST_TEST_REQUIRE(p.ok(), describe(p.error()));
            BOOST_TEST(std::string(packet_kind(*p)) == c.kind);
        }
    }
}

BOOST_AUTO_TEST_CASE(empty_datagram_fails_as_truncated) {
    const auto p = decode_packet(Bytes{});
    BOOST_TEST_REQUIRE(!p.ok());
    BOOST_TEST((p.error() == WireError::truncated));
}

BOOST_AUTO_TEST_CASE(fifteen_byte_datagrams_fail_as_truncated) {
    for (std::uint8_t first : {std::uint8_t{0x00}, std::uint8_t{0x80}, std::uint8_t{0xFF}}) {
        BOOST_TEST_CONTEXT("first byte " << int(first)) {
            Buffer datagram(15, 0);
            datagram[0] = first;
            const auto p = decode_packet(datagram);
            BOOST_TEST_REQUIRE(!p.ok());
            BOOST_TEST((p.error() == WireError::truncated));
        }
    }
}

BOOST_AUTO_TEST_CASE(control_encoding_into_a_too_small_buffer_fails_without_writing_past_it) {
    const Buffer km = km_bytes(3, 32);
    const Buffer datagram = control_datagram(raw(ControlType::user_defined), 3, 0, 0, 0, km);
    const auto p = decode_packet(datagram);
    BOOST_TEST_REQUIRE(p.ok());
    const std::size_t needed = encoded_size(*p);
    BOOST_TEST(needed == header_size + km.size());
    for (std::size_t size = 0; size < needed; ++size) {
        BOOST_TEST_CONTEXT("buffer of " << size << " bytes") {
            Buffer buffer(size + guard_size, guard_byte);
            const auto written = encode_packet(*p, MutableBytes(buffer).first(size));
            BOOST_TEST_REQUIRE(!written.ok());
            BOOST_TEST((written.error() == WireError::buffer_too_small));
            BOOST_TEST(std::all_of(buffer.begin() + static_cast<std::ptrdiff_t>(size), buffer.end(),
                                   [](std::uint8_t b) { return b == guard_byte; }));
        }
    }
}

RC_BOOST_PROP(encoded_size_equals_the_bytes_written, ()) {
    Storage storage;
    const Packet p = random_packet(storage);
    const std::size_t size = encoded_size(p);
    Buffer out(size + guard_size, guard_byte);
    const auto written = encode_packet(p, out);
    RC_ASSERT(written.ok());
    RC_ASSERT(*written == size);
    RC_ASSERT(std::all_of(out.begin() + static_cast<std::ptrdiff_t>(size), out.end(),
                          [](std::uint8_t b) { return b == guard_byte; }));
}

RC_BOOST_PROP(random_packets_round_trip_through_decode_packet, ()) {
    Storage storage;
    const Packet p = random_packet(storage);
    const auto bytes = encode(p);
    RC_ASSERT(bytes.ok());
    const auto decoded = decode_packet(*bytes);
    RC_ASSERT(decoded.ok());
    RC_ASSERT(*decoded == p);
    RC_ASSERT(std::string(packet_kind(*decoded)) == packet_kind(p));
}

RC_BOOST_PROP(decode_packet_never_fails_uncleanly_on_random_bytes, ()) {
    // Random datagrams, mostly control packets of the typed kinds: decoding either fails with a
    // WireError or yields a packet that re-encodes to exactly the input.
    Buffer datagram = random_bytes(0, 120);
    if (datagram.size() >= 4 && *rc::gen::arbitrary<bool>()) {
        datagram[0] = 0x80 | (datagram[0] & 0x01 ? 0x7F : 0x00);
        datagram[1] = *rc::gen::element<std::uint8_t>(0, 1, 2, 3, 5, 6, 7, 8, 0xFF);
        datagram[2] = 0;
        datagram[3] = *rc::gen::inRange<std::uint8_t>(0, 6);  // UMSG_EXT subtypes
    }
    const auto p = decode_packet(datagram);
    RC_CLASSIFY(p.ok());
    if (!p.ok()) return;
    const auto out = encode(*p);
    RC_ASSERT(out.ok());
    RC_LOG() << describe_difference(*out, datagram);
    RC_ASSERT(*out == datagram);
}
