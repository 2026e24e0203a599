// Tests for wire/data_packet.hpp: the data packet header bit layout (draft-sharabayko-srt §3.1),
// truncation, exact re-encoding and bounded writes.
#define BOOST_TEST_MODULE data_packet
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <algorithm>

#include "test_support.hpp"
#include "wire/data_packet.hpp"
#include "wire/packet.hpp"

using namespace websrt::wire;
using namespace websrt::test;

namespace {

/// A data packet with every header field random and a payload of 0..1500 bytes kept in `storage`.
DataPacket random_data_packet(Storage& storage) {
    DataPacket p;
    p.seq = random_seq();
    p.position = static_cast<PacketPosition>(*rc::gen::inRange<int>(0, 4));
    p.in_order = *rc::gen::arbitrary<bool>();
    p.key = static_cast<EncryptionKey>(*rc::gen::inRange<int>(0, 4));
    p.retransmitted = *rc::gen::arbitrary<bool>();
    p.message_number = MsgNo(random_u32());
    p.timestamp_us = random_u32();
    p.dest_socket_id = random_u32();
    p.payload = keep(storage, random_bytes(0, 1500));
    return p;
}

constexpr std::uint8_t guard_byte = 0xA5;
constexpr std::size_t guard_size = 64;

}  // namespace

BOOST_AUTO_TEST_CASE(known_header_decodes_to_every_field_and_reencodes_identically) {
    // seq 0x12345678; w1 = PP first (10) | O | KK odd (10) | R | msgno 0x2ABCDEF = 0xB6ABCDEF.
    const Buffer datagram = concat({words({0x12345678, 0xB6ABCDEF, 0xDEADBEEF, 0x0BADF00D}), text_bytes("hello")});
    const auto p = decode_data_packet(datagram);
    BOOST_TEST_REQUIRE(p.ok(), describe(p.error()));
    BOOST_TEST(p->seq.value() == 0x12345678u);
    BOOST_TEST((p->position == PacketPosition::first));
    BOOST_TEST(p->in_order);
    BOOST_TEST((p->key == EncryptionKey::odd));
    BOOST_TEST(p->retransmitted);
    BOOST_TEST(p->message_number.value() == 0x2ABCDEFu);
    BOOST_TEST(p->timestamp_us == 0xDEADBEEFu);
    BOOST_TEST(p->dest_socket_id == 0x0BADF00Du);
    BOOST_TEST(std::string(p->payload.begin(), p->payload.end()) == "hello");

    Buffer out(datagram.size());
    const auto written = encode_data_packet(*p, out);
    BOOST_TEST_REQUIRE(written.ok(), describe(written.error()));
    BOOST_TEST(*written == datagram.size());
    WEBSRT_CHECK_BYTES(out, datagram);
}

BOOST_AUTO_TEST_CASE(fields_built_by_hand_encode_to_the_draft_layout) {
    DataPacket p;
    p.seq = SeqNo(0x7FFFFFFFu);
    p.position = PacketPosition::solo;
    p.key = EncryptionKey::none;
    p.message_number = MsgNo(1);
    p.timestamp_us = 0x01020304;
    p.dest_socket_id = 0x2A2A2A2A;
    const auto out = encode(p);
    BOOST_TEST_REQUIRE(out.ok());
    WEBSRT_CHECK_BYTES(*out, words({0x7FFFFFFF, 0xC0000001, 0x01020304, 0x2A2A2A2A}));
}

BOOST_AUTO_TEST_CASE(each_flag_occupies_its_documented_bits_of_word_one) {
    struct Case {
        const char* name;
        std::uint32_t word1;
        PacketPosition position;
        bool in_order;
        EncryptionKey key;
        bool retransmitted;
    };
    const Case cases[] = {
        {"middle", 0x00000000, PacketPosition::middle, false, EncryptionKey::none, false},
        {"last", 0x40000000, PacketPosition::last, false, EncryptionKey::none, false},
        {"first", 0x80000000, PacketPosition::first, false, EncryptionKey::none, false},
        {"solo", 0xC0000000, PacketPosition::solo, false, EncryptionKey::none, false},
        {"in order", 0x20000000, PacketPosition::middle, true, EncryptionKey::none, false},
        {"even key", 0x08000000, PacketPosition::middle, false, EncryptionKey::even, false},
        {"odd key", 0x10000000, PacketPosition::middle, false, EncryptionKey::odd, false},
        {"retransmitted", 0x04000000, PacketPosition::middle, false, EncryptionKey::none, true},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            const Buffer datagram = words({1, c.word1, 0, 0});
            const auto p = decode_data_packet(datagram);
            BOOST_TEST_REQUIRE(p.ok());
            BOOST_TEST((p->position == c.position));
            BOOST_TEST(p->in_order == c.in_order);
            BOOST_TEST((p->key == c.key));
            BOOST_TEST(p->retransmitted == c.retransmitted);
            BOOST_TEST(p->message_number.value() == 0u);
            const auto out = encode(*p);
            BOOST_TEST_REQUIRE(out.ok());
            WEBSRT_CHECK_BYTES(*out, datagram);
        }
    }
}

BOOST_AUTO_TEST_CASE(message_number_uses_all_26_low_bits_without_touching_flags) {
    const Buffer datagram = words({0, 0x03FFFFFF, 0, 0});
    const auto p = decode_data_packet(datagram);
    BOOST_TEST_REQUIRE(p.ok());
    BOOST_TEST(p->message_number.value() == 0x3FFFFFFu);
    BOOST_TEST(!p->retransmitted);
    BOOST_TEST((p->key == EncryptionKey::none));
    BOOST_TEST((p->position == PacketPosition::middle));
}

BOOST_AUTO_TEST_CASE(header_only_datagram_has_an_empty_payload) {
    const Buffer datagram = words({7, 0xC0000001, 0, 0});
    const auto p = decode_data_packet(datagram);
    BOOST_TEST_REQUIRE(p.ok());
    BOOST_TEST(p->payload.empty());
}

BOOST_AUTO_TEST_CASE(payload_is_a_view_into_the_datagram) {
    const Buffer datagram = concat({words({7, 0xC0000001, 0, 0}), Buffer(1316, 0x47)});
    const auto p = decode_data_packet(datagram);
    BOOST_TEST_REQUIRE(p.ok());
    BOOST_TEST(p->payload.size() == 1316u);
    BOOST_TEST((p->payload.data() == datagram.data() + header_size));
}

BOOST_AUTO_TEST_CASE(datagrams_shorter_than_the_header_fail_as_truncated) {
    const Buffer full = words({1, 0xC0000001, 2, 3});
    for (std::size_t size = 0; size < header_size; ++size) {
        BOOST_TEST_CONTEXT("size " << size) {
            const auto p = decode_data_packet(Bytes(full).first(size));
            BOOST_TEST(!p.ok());
            BOOST_TEST((p.error() == WireError::truncated));
        }
    }
}

BOOST_AUTO_TEST_CASE(control_flag_is_rejected_by_the_data_decoder) {
    const auto p = decode_data_packet(words({0x80000001, 0xC0000001, 0, 0}));
    BOOST_TEST(!p.ok());
    BOOST_TEST((p.error() == WireError::bad_value));
}

BOOST_AUTO_TEST_CASE(encoding_into_every_too_small_buffer_fails_without_writing_past_it) {
    const Buffer payload(100, 0x11);
    DataPacket p;
    p.seq = SeqNo(42);
    p.message_number = MsgNo(3);
    p.payload = payload;
    const std::size_t needed = header_size + payload.size();
    for (std::size_t size = 0; size < needed; ++size) {
        BOOST_TEST_CONTEXT("buffer of " << size << " bytes") {
            Buffer buffer(size + guard_size, guard_byte);
            const auto written = encode_data_packet(p, MutableBytes(buffer).first(size));
            BOOST_TEST(!written.ok());
            BOOST_TEST((written.error() == WireError::buffer_too_small));
            BOOST_TEST(std::all_of(buffer.begin() + static_cast<std::ptrdiff_t>(size), buffer.end(),
                                   [](std::uint8_t b) { return b == guard_byte; }));
        }
    }
    Buffer exact(needed);
    const auto written = encode_data_packet(p, exact);
    BOOST_TEST_REQUIRE(written.ok());
    BOOST_TEST(*written == needed);
}

RC_BOOST_PROP(random_packets_round_trip_through_encode_and_decode, ()) {
    Storage storage;
    const DataPacket p = random_data_packet(storage);
    Buffer out(header_size + p.payload.size());
    const auto written = encode_data_packet(p, out);
    RC_ASSERT(written.ok());
    RC_ASSERT(*written == out.size());
    const auto decoded = decode_data_packet(out);
    RC_ASSERT(decoded.ok());
    RC_ASSERT(*decoded == p);
}

RC_BOOST_PROP(decoded_bytes_reencode_to_identical_bytes, ()) {
    Buffer datagram = random_bytes(header_size, header_size + 1500);
    datagram[0] &= 0x7F;  // a data packet
    const auto decoded = decode_data_packet(datagram);
    RC_ASSERT(decoded.ok());
    Buffer out(datagram.size() + guard_size, guard_byte);
    const auto written = encode_data_packet(*decoded, out);
    RC_ASSERT(written.ok());
    RC_ASSERT(*written == datagram.size());
    out.resize(*written);
    RC_LOG() << describe_difference(out, datagram);
    RC_ASSERT(out == datagram);
}

RC_BOOST_PROP(encoded_size_is_header_plus_payload_and_matches_bytes_written, ()) {
    Storage storage;
    const DataPacket p = random_data_packet(storage);
    const std::size_t size = encoded_size(Packet{p});
    RC_ASSERT(size == header_size + p.payload.size());
    Buffer out(size + guard_size, guard_byte);
    const auto written = encode_data_packet(p, out);
    RC_ASSERT(written.ok());
    RC_ASSERT(*written == size);
    RC_ASSERT(std::all_of(out.begin() + static_cast<std::ptrdiff_t>(size), out.end(),
                          [](std::uint8_t b) { return b == guard_byte; }));
}

RC_BOOST_PROP(too_small_buffer_is_reported_and_guard_region_stays_intact, ()) {
    Storage storage;
    const DataPacket p = random_data_packet(storage);
    const std::size_t needed = header_size + p.payload.size();
    const auto size = *rc::gen::inRange<std::size_t>(0, needed);
    Buffer buffer(size + guard_size, guard_byte);
    const auto written = encode_data_packet(p, MutableBytes(buffer).first(size));
    RC_ASSERT(!written.ok());
    RC_ASSERT(written.error() == WireError::buffer_too_small);
    RC_ASSERT(std::all_of(buffer.begin() + static_cast<std::ptrdiff_t>(size), buffer.end(),
                          [](std::uint8_t b) { return b == guard_byte; }));
}
