// Shared helpers for the wire codec tests: building datagrams from words and hex, hex dumps that
// point at the first differing byte, encoding into owned buffers, and RapidCheck generators for
// codec values whose byte views need storage that outlives the property body.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <rapidcheck.h>

#include "wire/packet.hpp"

namespace websrt::test {

using Buffer = std::vector<std::uint8_t>;
using wire::Bytes;

/// Big-endian 32-bit words, as every SRT header and control field travels.
inline Buffer words(std::initializer_list<std::uint32_t> values) {
    Buffer out;
    out.reserve(values.size() * 4);
    for (std::uint32_t v : values) {
        out.push_back(static_cast<std::uint8_t>(v >> 24));
        out.push_back(static_cast<std::uint8_t>(v >> 16));
        out.push_back(static_cast<std::uint8_t>(v >> 8));
        out.push_back(static_cast<std::uint8_t>(v));
    }
    return out;
}

/// The bytes of a string literal, embedded NULs included (pass a `""sv` literal).
inline Buffer text_bytes(std::string_view text) { return Buffer(text.begin(), text.end()); }

/// Concatenation of byte sequences.
inline Buffer concat(std::initializer_list<Buffer> parts) {
    Buffer out;
    for (const Buffer& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

/// Parses hex digits, ignoring whitespace. Returns nothing on an odd digit count or a non-hex
/// character.
inline std::optional<Buffer> parse_hex(std::string_view text) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    Buffer out;
    int high = -1;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        const int n = nibble(c);
        if (n < 0) return std::nullopt;
        if (high < 0) {
            high = n;
        } else {
            out.push_back(static_cast<std::uint8_t>((high << 4) | n));
            high = -1;
        }
    }
    if (high >= 0) return std::nullopt;
    return out;
}

/// The bytes `hex` spells (a test's own constant: a bad digit fails the test).
inline Buffer from_hex(std::string_view hex) {
    auto bytes = parse_hex(hex);
    BOOST_REQUIRE_MESSAGE(bytes, "bad hex: " << hex);
    return std::move(*bytes);
}

/// "12345678 9abcdef0 …": one group per 32-bit word, cut after `max_bytes`.
inline std::string hex(Bytes bytes, std::size_t max_bytes = 128) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    const std::size_t shown = std::min(bytes.size(), max_bytes);
    for (std::size_t i = 0; i < shown; ++i) {
        if (i > 0 && i % 4 == 0) out.push_back(' ');
        out.push_back(digits[bytes[i] >> 4]);
        out.push_back(digits[bytes[i] & 0xF]);
    }
    if (shown < bytes.size()) out += " … (" + std::to_string(bytes.size()) + " bytes)";
    return out;
}

/// Offset of the first byte where `a` and `b` differ (the shorter length if one is a prefix).
inline std::optional<std::size_t> first_difference(Bytes a, Bytes b) {
    const auto [ia, ib] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
    if (ia == a.end() && ib == b.end()) return std::nullopt;
    return static_cast<std::size_t>(ia - a.begin());
}

/// Empty when equal; otherwise where they first differ and both sides in hex from the word
/// holding that byte.
inline std::string describe_difference(Bytes actual, Bytes expected) {
    const auto at = first_difference(actual, expected);
    if (!at) return {};
    const std::size_t from = *at / 4 * 4;
    std::ostringstream s;
    s << "first difference at byte " << *at << " (actual " << actual.size() << " bytes, expected " << expected.size()
      << " bytes)\n  actual   @" << from << ": " << hex(actual.subspan(std::min(from, actual.size())), 48)
      << "\n  expected @" << from << ": " << hex(expected.subspan(std::min(from, expected.size())), 48);
    return s.str();
}

/// Checks byte equality and, on failure, reports the first differing offset with hex context.
#define WEBSRT_CHECK_BYTES(actual, expected)                                                                     \
    do {                                                                                                         \
        const std::string websrt_difference_ =                                                                   \
            ::websrt::test::describe_difference(::websrt::wire::Bytes(actual), ::websrt::wire::Bytes(expected)); \
        BOOST_TEST(websrt_difference_.empty(), websrt_difference_);                                              \
    } while (false)

/// Encodes a packet into a buffer of exactly `encoded_size` bytes.
inline wire::Result<Buffer> encode(const wire::Packet& packet) {
    Buffer out(wire::encoded_size(packet));
    auto written = wire::encode_packet(packet, out);
    if (!written) return written.error();
    out.resize(*written);
    return out;
}

/// Encodes a control packet (see encode).
inline wire::Result<Buffer> encode(const wire::ControlPacket& packet) { return encode(wire::Packet{packet}); }
inline wire::Result<Buffer> encode(const wire::DataPacket& packet) { return encode(wire::Packet{packet}); }

/// A control datagram: header words then payload.
inline Buffer control_datagram(std::uint16_t type, std::uint16_t subtype, std::uint32_t type_info,
                               std::uint32_t timestamp_us, std::uint32_t dest_socket_id, const Buffer& payload) {
    return concat(
        {words({wire::control_flag | (std::uint32_t{type} << 16) | subtype, type_info, timestamp_us, dest_socket_id}),
         payload});
}

/// A libsrt-shaped KM message (SRT-WIRE-NOTES "Encryption"): 0x12, sign 0x2029, KK, KEKI 0,
/// cipher, auth, SE 2, SLen/4 = 4, KLen/4, a 16-byte salt of 0x50.. and a wrap of 0xC0.. bytes.
inline Buffer km_bytes(std::uint8_t kk, std::size_t key_length, std::uint8_t cipher = 2, std::uint8_t auth = 0) {
    Buffer out = {0x12,   0x20, 0x29, kk, 0, 0, 0, 0,
                  cipher, auth, 2,    0,  0, 0, 4, static_cast<std::uint8_t>(key_length / 4)};
    for (std::uint8_t i = 0; i < 16; ++i) out.push_back(static_cast<std::uint8_t>(0x50 + i));
    const std::size_t keys = (kk & 1u) + ((kk >> 1) & 1u);
    const std::size_t wrap = 8 + key_length * keys;
    for (std::size_t i = 0; i < wrap; ++i) out.push_back(static_cast<std::uint8_t>(0xC0 + i));
    return out;
}

inline std::uint16_t raw(wire::ControlType t) { return static_cast<std::uint16_t>(t); }
inline std::uint16_t raw(wire::ExtensionType t) { return static_cast<std::uint16_t>(t); }

// ---- RapidCheck generators --------------------------------------------------------------------
// Codec values hold spans; `Storage` keeps the bytes they view alive for one property run
// (a deque never moves its elements).
using Storage = std::deque<Buffer>;

inline Bytes keep(Storage& storage, Buffer bytes) {
    storage.push_back(std::move(bytes));
    return storage.back();
}

inline Buffer random_bytes(std::size_t min_size, std::size_t max_size) {
    const auto size = *rc::gen::inRange<std::size_t>(min_size, max_size + 1);
    return *rc::gen::container<Buffer>(size, rc::gen::arbitrary<std::uint8_t>());
}

/// A whole number of 32-bit words, between min_words and max_words of them.
inline Buffer random_word_bytes(std::size_t min_words, std::size_t max_words) {
    const auto count = *rc::gen::inRange<std::size_t>(min_words, max_words + 1);
    return *rc::gen::container<Buffer>(count * 4, rc::gen::arbitrary<std::uint8_t>());
}

/// A 32-bit value biased towards the edges (0, all ones, the wrap points of 31 and 26 bits).
inline std::uint32_t random_u32() {
    return *rc::gen::weightedOneOf<std::uint32_t>(
        {{6, rc::gen::arbitrary<std::uint32_t>()},
         {1, rc::gen::element<std::uint32_t>(0u, 1u, 0x3FFFFFFu, 0x4000000u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu)}});
}

/// A 31-bit sequence number, often close to the wrap.
inline wire::SeqNo random_seq() {
    return wire::SeqNo(
        *rc::gen::weightedOneOf<std::uint32_t>({{4, rc::gen::inRange<std::uint32_t>(0, 0x80000000u)},
                                                {1, rc::gen::inRange<std::uint32_t>(0x7FFFFF00u, 0x80000000u)},
                                                {1, rc::gen::inRange<std::uint32_t>(0, 0x100u)}}));
}

/// A KM message whose sizes agree with its header, so it decodes: random KK (1..3), cipher,
/// salt of 0..8 words (libsrt: 4), KLen of 1..63 words (libsrt: 4/6/8), and random key bytes.
inline wire::KmMessage random_km(Storage& storage) {
    wire::KmMessage km;
    km.reserved_flags = *rc::gen::inRange<std::uint8_t>(0, 64);
    km.keys = static_cast<wire::EncryptionKey>(*rc::gen::inRange<std::uint8_t>(1, 4));
    km.keki = *rc::gen::arbitrary<std::uint32_t>();
    km.cipher = *rc::gen::arbitrary<std::uint8_t>();
    km.auth = *rc::gen::arbitrary<std::uint8_t>();
    km.stream_encapsulation = *rc::gen::arbitrary<std::uint8_t>();
    km.reserved1 = *rc::gen::arbitrary<std::uint8_t>();
    km.reserved2 = *rc::gen::arbitrary<std::uint16_t>();
    km.salt = keep(storage, random_word_bytes(0, 8));
    km.key_length = static_cast<std::uint8_t>(
        4 * *rc::gen::weightedOneOf<unsigned>({{3, rc::gen::element(4u, 6u, 8u)}, {1, rc::gen::inRange(1u, 64u)}}));
    const std::size_t wrap = wire::key_wrap_icv_size + std::size_t{km.key_length} * wire::key_count(km.keys);
    km.wrapped_keys = keep(storage, random_bytes(wrap, wrap));
    return km;
}

/// An HSREQ/HSRSP body, sometimes with extra words past the three defined ones.
inline wire::SrtHandshakeMessage random_srt_handshake_message(Storage& storage) {
    wire::SrtHandshakeMessage m;
    m.srt_version = random_u32();
    m.flags = random_u32();
    m.receiver_latency_ms = *rc::gen::arbitrary<std::uint16_t>();
    m.sender_latency_ms = *rc::gen::arbitrary<std::uint16_t>();
    m.extra =
        keep(storage, *rc::gen::weightedOneOf<Buffer>(
                          {{4, rc::gen::just(Buffer{})}, {1, rc::gen::exec([] { return random_word_bytes(1, 4); })}}));
    return m;
}

/// Text without NUL bytes (a NUL would be indistinguishable from the padding).
inline std::string random_text(std::size_t max_size) {
    const auto size = *rc::gen::inRange<std::size_t>(0, max_size + 1);
    return *rc::gen::container<std::string>(size, rc::gen::map(rc::gen::inRange<int>(1, 256), [](int c) {
                                                return static_cast<char>(static_cast<unsigned char>(c));
                                            }));
}

inline wire::KmState random_km_state() {
    return static_cast<wire::KmState>(*rc::gen::weightedOneOf<std::uint32_t>(
        {{3, rc::gen::element<std::uint32_t>(0, 1, 2, 3, 4, 5)}, {1, rc::gen::arbitrary<std::uint32_t>()}}));
}

}  // namespace websrt::test
