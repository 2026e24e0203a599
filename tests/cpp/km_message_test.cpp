// Tests for wire/km_message.hpp: the Key Material message layout (draft-sharabayko-srt §3.2.2,
// libsrt haicrypt/hcrypt_msg.h), its sizes for every key length, and rejection of bad headers.
#define BOOST_TEST_MODULE km_message
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include "test_support.hpp"
#include "wire/km_message.hpp"

using namespace websrt::wire;
using namespace websrt::test;

namespace {

Result<Buffer> encode_km(const KmMessage& km) {
    ByteWriter measure = ByteWriter::measuring();
    write_km_message(km, measure);
    if (!measure.ok()) return measure.error();
    Buffer out(measure.written());
    ByteWriter writer(out);
    write_km_message(km, writer);
    if (!writer.ok()) return writer.error();
    return out;
}

/// A message built field by field, viewing `salt` and `wrap`.
KmMessage make_km(EncryptionKey keys, std::uint8_t key_length, const Buffer& salt, const Buffer& wrap) {
    KmMessage km;
    km.keys = keys;
    km.key_length = key_length;
    km.salt = salt;
    km.wrapped_keys = wrap;
    return km;
}

WireError decode_error(const Buffer& bytes) {
    const auto km = decode_km_message(bytes);
    BOOST_TEST_REQUIRE(!km.ok(), "decoded although malformed: " << hex(bytes));
    return km.error();
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_aes128_key_is_56_bytes_in_the_documented_layout) {
    const Buffer bytes = km_bytes(1, 16);
    BOOST_TEST_REQUIRE(bytes.size() == 56u);
    BOOST_TEST(hex(Bytes(bytes).first(16)) == "12202901 00000000 02000200 00000404");
    const auto km = decode_km_message(bytes);
    BOOST_TEST_REQUIRE(km.ok(), describe(km.error()));
    BOOST_TEST(km->version == 1u);
    BOOST_TEST(km->packet_type == 2u);
    BOOST_TEST(km->signature == 0x2029u);
    BOOST_TEST(km->reserved_flags == 0u);
    BOOST_TEST((km->keys == EncryptionKey::even));
    BOOST_TEST(km->keki == 0u);
    BOOST_TEST(km->cipher == 2u);
    BOOST_TEST(km->auth == 0u);
    BOOST_TEST(km->stream_encapsulation == 2u);
    BOOST_TEST(km->key_length == 16u);
    WEBSRT_CHECK_BYTES(km->salt, Bytes(bytes).subspan(16, 16));
    WEBSRT_CHECK_BYTES(km->wrapped_keys, Bytes(bytes).subspan(32));
    BOOST_TEST((km->salt.data() == bytes.data() + 16));  // views, not copies

    const auto out = encode_km(*km);
    BOOST_TEST_REQUIRE(out.ok());
    WEBSRT_CHECK_BYTES(*out, bytes);
}

BOOST_AUTO_TEST_CASE(sizes_are_56_64_72_for_one_key_and_72_88_104_for_both) {
    struct Case {
        EncryptionKey keys;
        std::uint8_t key_length;
        std::size_t size;
    };
    const Case cases[] = {
        {EncryptionKey::even, 16, 56}, {EncryptionKey::odd, 24, 64},  {EncryptionKey::even, 32, 72},
        {EncryptionKey::both, 16, 72}, {EncryptionKey::both, 24, 88}, {EncryptionKey::both, 32, 104},
    };
    const Buffer salt(16, 0x33);
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT("KK " << int(c.keys) << ", KLen " << int(c.key_length)) {
            // Built from fields: the encoder puts KK, SLen/4 and KLen/4 where libsrt does.
            const Buffer wrap(key_wrap_icv_size + c.key_length * key_count(c.keys), 0x99);
            const KmMessage km = make_km(c.keys, c.key_length, salt, wrap);
            const auto out = encode_km(km);
            BOOST_TEST_REQUIRE(out.ok());
            BOOST_TEST(out->size() == c.size);
            BOOST_TEST((*out)[0] == 0x12u);
            BOOST_TEST((*out)[3] == static_cast<std::uint8_t>(c.keys));
            BOOST_TEST((*out)[14] == 4u);
            BOOST_TEST((*out)[15] == c.key_length / 4u);
            const auto decoded = decode_km_message(*out);
            BOOST_TEST_REQUIRE(decoded.ok());
            BOOST_TEST((*decoded == km));

            // Built from bytes: libsrt's layout decodes and re-encodes identically.
            const Buffer bytes = km_bytes(static_cast<std::uint8_t>(c.keys), c.key_length);
            BOOST_TEST(bytes.size() == c.size);
            const auto from_bytes = decode_km_message(bytes);
            BOOST_TEST_REQUIRE(from_bytes.ok(), describe(from_bytes.error()));
            BOOST_TEST((from_bytes->keys == c.keys));
            BOOST_TEST(from_bytes->key_length == c.key_length);
            const auto again = encode_km(*from_bytes);
            BOOST_TEST_REQUIRE(again.ok());
            WEBSRT_CHECK_BYTES(*again, bytes);
        }
    }
}

BOOST_AUTO_TEST_CASE(gcm_message_carries_cipher_four_and_auth_one) {
    const Buffer bytes = km_bytes(3, 32, 4, 1);
    const auto km = decode_km_message(bytes);
    BOOST_TEST_REQUIRE(km.ok());
    BOOST_TEST(km->cipher == 4u);
    BOOST_TEST(km->auth == 1u);
    BOOST_TEST((km->keys == EncryptionKey::both));
    BOOST_TEST(km->wrapped_keys.size() == 72u);
    const auto out = encode_km(*km);
    BOOST_TEST_REQUIRE(out.ok());
    WEBSRT_CHECK_BYTES(*out, bytes);
}

BOOST_AUTO_TEST_CASE(wrong_version_packet_type_or_signature_is_rejected) {
    Buffer bytes = km_bytes(1, 16);
    bytes[0] = 0x22;  // version 2
    BOOST_TEST((decode_error(bytes) == WireError::bad_value));
    bytes[0] = 0x13;  // packet type 3
    BOOST_TEST((decode_error(bytes) == WireError::bad_value));
    bytes[0] = 0x12;
    bytes[2] = 0x28;  // signature 0x2028
    BOOST_TEST((decode_error(bytes) == WireError::bad_value));
}

BOOST_AUTO_TEST_CASE(message_announcing_no_key_is_rejected) {
    Buffer bytes = km_bytes(0, 16);
    BOOST_TEST((decode_error(bytes) == WireError::bad_value));
}

BOOST_AUTO_TEST_CASE(size_that_disagrees_with_slen_klen_and_kk_is_a_length_error) {
    Buffer one_short = km_bytes(1, 16);
    one_short.pop_back();
    BOOST_TEST((decode_error(one_short) == WireError::bad_length));

    Buffer one_extra = km_bytes(1, 16);
    one_extra.push_back(0);
    BOOST_TEST((decode_error(one_extra) == WireError::bad_length));

    Buffer both_keys_announced_one_sent = km_bytes(1, 16);
    both_keys_announced_one_sent[3] = 3;
    BOOST_TEST((decode_error(both_keys_announced_one_sent) == WireError::bad_length));

    Buffer wrong_klen = km_bytes(1, 16);
    wrong_klen[15] = 8;  // claims 32-byte keys, carries 16
    BOOST_TEST((decode_error(wrong_klen) == WireError::bad_length));
}

BOOST_AUTO_TEST_CASE(message_shorter_than_its_fixed_header_is_truncated) {
    const Buffer bytes = km_bytes(1, 16);
    for (std::size_t size = 0; size < km_fixed_size; ++size) {
        BOOST_TEST_CONTEXT("size " << size) {
            const auto km = decode_km_message(Bytes(bytes).first(size));
            BOOST_TEST_REQUIRE(!km.ok());
            BOOST_TEST((km.error() == WireError::truncated));
        }
    }
}

BOOST_AUTO_TEST_CASE(klen_beyond_what_key_length_can_hold_is_not_silently_truncated) {
    // byte 15 = 65 announces 260-byte keys, which KmMessage::key_length (one byte) cannot hold.
    // Whatever the decoder does, it must not accept the message as something that re-encodes to
    // different bytes (e.g. as 4-byte keys, 65*4 mod 256).
    Buffer bytes = km_bytes(1, 4);
    bytes[15] = 65;
    const auto km = decode_km_message(bytes);
    if (km.ok()) {
        const auto out = encode_km(*km);
        BOOST_TEST_REQUIRE(out.ok());
        WEBSRT_CHECK_BYTES(*out, bytes);
    }
    // The same header with an honest 8 + 260 byte wrap must not decode to a 4-byte key either.
    const Buffer honest = concat({Buffer(bytes.begin(), bytes.begin() + 32), Buffer(8 + 260, 0xC0)});
    const auto km_honest = decode_km_message(honest);
    if (km_honest.ok()) {
        const auto out = encode_km(*km_honest);
        BOOST_TEST_REQUIRE(out.ok());
        WEBSRT_CHECK_BYTES(*out, honest);
    }
}

BOOST_AUTO_TEST_CASE(salt_or_key_length_not_a_whole_number_of_words_cannot_be_encoded) {
    const Buffer salt15(15, 1), salt16(16, 1), wrap(24, 2);
    const auto bad_salt = encode_km(make_km(EncryptionKey::even, 16, salt15, wrap));
    BOOST_TEST_REQUIRE(!bad_salt.ok());
    BOOST_TEST((bad_salt.error() == WireError::bad_length));
    const auto bad_klen = encode_km(make_km(EncryptionKey::even, 15, salt16, wrap));
    BOOST_TEST_REQUIRE(!bad_klen.ok());
    BOOST_TEST((bad_klen.error() == WireError::bad_length));
}

RC_BOOST_PROP(random_messages_round_trip_exactly, ()) {
    Storage storage;
    const KmMessage km = random_km(storage);
    const auto out = encode_km(km);
    RC_ASSERT(out.ok());
    RC_ASSERT(out->size() == km_fixed_size + km.salt.size() + km.wrapped_keys.size());
    const auto decoded = decode_km_message(*out);
    RC_ASSERT(decoded.ok());
    RC_ASSERT(*decoded == km);
    const auto again = encode_km(*decoded);
    RC_ASSERT(again.ok());
    RC_ASSERT(*again == *out);
}

RC_BOOST_PROP(any_message_the_decoder_accepts_reencodes_to_the_same_bytes, ()) {
    // A valid prefix (0x12, signature) and random everything else, with a tail length either
    // derived from the header or random, so that some of the inputs decode.
    Buffer bytes = concat({Buffer{0x12, 0x20, 0x29}, random_bytes(13, 13)});
    bytes[14] = *rc::gen::inRange<std::uint8_t>(0, 9);
    const std::size_t keys = (bytes[3] & 1u) + ((bytes[3] >> 1) & 1u);
    const std::size_t derived = bytes[14] * 4u + 8u + bytes[15] * 4u * keys;
    const std::size_t tail =
        *rc::gen::weightedOneOf<std::size_t>({{3, rc::gen::just(derived)}, {1, rc::gen::inRange<std::size_t>(0, 600)}});
    bytes = concat({bytes, random_bytes(tail, tail)});
    const auto km = decode_km_message(bytes);
    RC_CLASSIFY(km.ok());
    if (!km.ok()) return;
    const auto out = encode_km(*km);
    RC_ASSERT(out.ok());
    RC_LOG() << describe_difference(*out, bytes);
    RC_ASSERT(*out == bytes);
}
