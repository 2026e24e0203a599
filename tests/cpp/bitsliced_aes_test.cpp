// Tests for the wasm build's constant-time AES (BitslicedAes, Ghash, BitslicedGcm), run natively
// on the portable lanes: the published known answers (tests/vectors/aes-known-answers.json, which
// the wasm build is checked against too, in tests/js/wasm_aes.test.js), and differential
// properties against wolfCrypt's AesCtr and AesGcm (AES-NI here) over random keys, counters,
// lengths and buffer overlaps.
#define BOOST_TEST_MODULE bitsliced_aes
#include <boost/test/unit_test.hpp>

#include "crypto/aes_ctr.hpp"
#include "crypto/aes_gcm.hpp"
#include "crypto/bitsliced_aes.hpp"
#include "crypto/bitsliced_gcm.hpp"

#include <nlohmann/json.hpp>
#include <rapidcheck/boost_test.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using websrt::crypto::AesCtr;
using websrt::crypto::AesGcm;
using websrt::crypto::BitslicedAes;
using websrt::crypto::BitslicedGcm;
using Bytes = std::vector<std::uint8_t>;

using websrt::test::from_hex;

Bytes hex_field(const nlohmann::json& vector, const char* name) { return from_hex(vector.at(name).get<std::string>()); }

const nlohmann::json& known_answers() {
    static const nlohmann::json vectors = [] {
        std::ifstream file(WEBSRT_VECTORS_DIR "/aes-known-answers.json");
        if (!file) throw std::runtime_error("tests/vectors/aes-known-answers.json is missing");
        return nlohmann::json::parse(file);
    }();
    return vectors;
}

template <std::size_t N>
std::array<std::uint8_t, N> to_array(const Bytes& bytes) {
    if (bytes.size() != N) throw std::invalid_argument("wrong size");
    std::array<std::uint8_t, N> out{};
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return out;
}

Bytes bitsliced_ctr(const Bytes& key, const std::array<std::uint8_t, 16>& counter, const Bytes& input) {
    BitslicedAes aes;
    if (!aes.set_key(key)) throw std::invalid_argument("key");
    Bytes output(input.size());
    aes.ctr_xor(counter, BitslicedAes::CounterWidth::bits128, input.data(), output.data(), input.size());
    return output;
}

Bytes wolfcrypt_ctr(const Bytes& key, const std::array<std::uint8_t, 16>& counter, const Bytes& input) {
    AesCtr ctr;
    if (!ctr.set_key(key).ok()) throw std::invalid_argument("key");
    Bytes output(input.size());
    if (!ctr.apply(counter, input, output).ok()) throw std::runtime_error("wolfCrypt CTR failed");
    return output;
}

/// Keys of each AES size, counters anywhere (including just before a carry or the wrap).
rc::Gen<Bytes> any_key() {
    return rc::gen::mapcat(rc::gen::element<std::size_t>(16, 24, 32), [](std::size_t size) {
        return rc::gen::container<Bytes>(size, rc::gen::arbitrary<std::uint8_t>());
    });
}

std::array<std::uint8_t, 16> any_counter() {
    auto counter = *rc::gen::arbitrary<std::array<std::uint8_t, 16>>();
    // Often all ones in the low bytes, so that the batch's increments carry.
    const auto ones = *rc::gen::inRange<std::size_t>(0, 17);
    std::fill(counter.end() - static_cast<std::ptrdiff_t>(ones), counter.end(), std::uint8_t{0xff});
    return counter;
}

Bytes any_bytes(std::size_t max_size) {
    const auto size = *rc::gen::inRange<std::size_t>(0, max_size + 1);
    return *rc::gen::container<Bytes>(size, rc::gen::arbitrary<std::uint8_t>());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(known_answers_suite)

BOOST_AUTO_TEST_CASE(encrypts_the_fips_197_blocks_in_every_lane_of_a_batch) {
    for (const auto& vector : known_answers().at("block")) {
        BOOST_TEST_CONTEXT(vector.at("name").get<std::string>()) {
            BitslicedAes aes;
            BOOST_TEST_REQUIRE(aes.set_key(hex_field(vector, "key")));
            const Bytes plaintext = hex_field(vector, "plaintext");
            const Bytes expected = hex_field(vector, "ciphertext");
            std::array<std::uint8_t, BitslicedAes::batch_size> batch{};
            for (std::size_t b = 0; b < BitslicedAes::blocks_per_batch; ++b) {
                std::copy(plaintext.begin(), plaintext.end(), batch.begin() + static_cast<std::ptrdiff_t>(16 * b));
            }
            aes.encrypt_batch(batch.data(), batch.data());
            for (std::size_t b = 0; b < BitslicedAes::blocks_per_batch; ++b) {
                BOOST_TEST(Bytes(batch.begin() + static_cast<std::ptrdiff_t>(16 * b),
                                 batch.begin() + static_cast<std::ptrdiff_t>(16 * b + 16)) == expected,
                           boost::test_tools::per_element());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(counter_mode_matches_sp_800_38a_for_every_key_size_in_place_and_out) {
    for (const auto& vector : known_answers().at("ctr")) {
        BOOST_TEST_CONTEXT(vector.at("name").get<std::string>()) {
            const Bytes key = hex_field(vector, "key");
            const auto counter = to_array<16>(hex_field(vector, "counter"));
            const Bytes plaintext = hex_field(vector, "plaintext");
            const Bytes expected = hex_field(vector, "ciphertext");
            BOOST_TEST(bitsliced_ctr(key, counter, plaintext) == expected, boost::test_tools::per_element());
            BitslicedAes aes;
            BOOST_TEST_REQUIRE(aes.set_key(key));
            Bytes in_place = plaintext;
            aes.ctr_xor(counter, BitslicedAes::CounterWidth::bits128, in_place.data(), in_place.data(),
                        in_place.size());
            BOOST_TEST(in_place == expected, boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(gcm_matches_the_published_test_cases_and_opens_them) {
    for (const auto& vector : known_answers().at("gcm")) {
        BOOST_TEST_CONTEXT(vector.at("name").get<std::string>()) {
            BitslicedGcm gcm;
            BOOST_TEST_REQUIRE(gcm.set_key(hex_field(vector, "key")));
            const auto iv = to_array<12>(hex_field(vector, "iv"));
            const Bytes aad = hex_field(vector, "aad");
            const Bytes plaintext = hex_field(vector, "plaintext");
            Bytes ciphertext(plaintext.size());
            std::array<std::uint8_t, 16> tag{};
            gcm.seal(iv, aad, plaintext, ciphertext, tag);
            BOOST_TEST(ciphertext == hex_field(vector, "ciphertext"), boost::test_tools::per_element());
            BOOST_TEST(Bytes(tag.begin(), tag.end()) == hex_field(vector, "tag"), boost::test_tools::per_element());
            Bytes opened(ciphertext.size());
            BOOST_TEST(gcm.open(iv, aad, ciphertext, tag, opened));
            BOOST_TEST(opened == plaintext, boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(refuses_key_sizes_other_than_16_24_and_32) {
    BitslicedAes aes;
    for (std::size_t size : {0, 8, 15, 17, 31, 33, 64}) {
        BOOST_TEST(!aes.set_key(Bytes(size, 1)));
        BOOST_TEST(!aes.has_key());
    }
    BOOST_TEST(aes.set_key(Bytes(16, 1)));
    BOOST_TEST(!aes.set_key(Bytes(20, 1)), "a bad key must also drop the key held before");
    BOOST_TEST(!aes.has_key());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(against_wolfcrypt)

RC_BOOST_PROP(counter_mode_equals_wolfcrypts_for_any_key_counter_and_length, ()) {
    const Bytes key = *any_key();
    const auto counter = any_counter();
    const Bytes input = any_bytes(3000);
    RC_ASSERT(bitsliced_ctr(key, counter, input) == wolfcrypt_ctr(key, counter, input));
}

BOOST_AUTO_TEST_CASE(counter_mode_equals_wolfcrypts_where_runs_of_byte_15_begin_and_end_inside_a_batch) {
    // ctr_xor reuses round 1 across blocks whose counters differ in byte 15 only; here those runs
    // start at every offset within a batch of eight, and 600 blocks span three of them.
    for (const std::size_t key_size : {std::size_t{16}, std::size_t{24}, std::size_t{32}}) {
        Bytes key(key_size);
        for (std::size_t i = 0; i < key_size; ++i) key[i] = static_cast<std::uint8_t>(0x5a ^ (i * 29));
        Bytes input(600 * 16);
        for (std::size_t i = 0; i < input.size(); ++i) input[i] = static_cast<std::uint8_t>(i * 13);
        for (unsigned first_byte15 = 0xf0; first_byte15 <= 0x100; ++first_byte15) {
            std::array<std::uint8_t, 16> counter{};
            std::fill(counter.begin(), counter.end(), std::uint8_t{0x3c});
            counter[15] = static_cast<std::uint8_t>(first_byte15);
            BOOST_TEST_CONTEXT("key bits " << key_size * 8 << ", counter byte 15 " << first_byte15) {
                BOOST_TEST(bitsliced_ctr(key, counter, input) == wolfcrypt_ctr(key, counter, input));
            }
        }
    }
}

RC_BOOST_PROP(counter_mode_in_overlapping_buffers_equals_the_disjoint_result, ()) {
    const Bytes key = *any_key();
    const auto counter = any_counter();
    const Bytes input = any_bytes(600);
    const auto shift = *rc::gen::inRange<std::size_t>(0, 40);
    const bool output_later = *rc::gen::arbitrary<bool>();
    const Bytes expected = wolfcrypt_ctr(key, counter, input);

    // One buffer holding the input at one offset and receiving the output at another.
    Bytes buffer(input.size() + shift);
    const std::size_t in_offset = output_later ? 0 : shift;
    const std::size_t out_offset = output_later ? shift : 0;
    std::copy(input.begin(), input.end(), buffer.begin() + static_cast<std::ptrdiff_t>(in_offset));
    BitslicedAes aes;
    RC_ASSERT(aes.set_key(key));
    aes.ctr_xor(counter, BitslicedAes::CounterWidth::bits128, buffer.data() + in_offset, buffer.data() + out_offset,
                input.size());
    RC_ASSERT(Bytes(buffer.begin() + static_cast<std::ptrdiff_t>(out_offset),
                    buffer.begin() + static_cast<std::ptrdiff_t>(out_offset + input.size())) == expected);
}

RC_BOOST_PROP(gcm_seal_equals_wolfcrypts_and_each_opens_the_others, ()) {
    const Bytes key = *any_key();
    const auto iv = *rc::gen::arbitrary<std::array<std::uint8_t, 12>>();
    const Bytes aad = any_bytes(64);
    const Bytes plaintext = any_bytes(2000);

    BitslicedGcm bitsliced;
    RC_ASSERT(bitsliced.set_key(key));
    Bytes ciphertext(plaintext.size());
    std::array<std::uint8_t, 16> tag{};
    bitsliced.seal(iv, aad, plaintext, ciphertext, tag);

    AesGcm wolfcrypt;
    RC_ASSERT(wolfcrypt.set_key(key).ok());
    Bytes expected_ciphertext(plaintext.size());
    std::array<std::uint8_t, 16> expected_tag{};
    RC_ASSERT(wolfcrypt.seal(iv, aad, plaintext, expected_ciphertext, expected_tag).ok());
    RC_ASSERT(ciphertext == expected_ciphertext);
    RC_ASSERT(tag == expected_tag);

    // In place, as the payload cipher opens packets.
    Bytes opened = ciphertext;
    RC_ASSERT(bitsliced.open(iv, aad, opened, tag, opened));
    RC_ASSERT(opened == plaintext);
}

RC_BOOST_PROP(gcm_open_refuses_any_single_bit_change_and_wipes_the_output, ()) {
    const Bytes key = *any_key();
    const auto iv = *rc::gen::arbitrary<std::array<std::uint8_t, 12>>();
    const Bytes aad = any_bytes(32);
    const Bytes plaintext = any_bytes(300);
    BitslicedGcm gcm;
    RC_ASSERT(gcm.set_key(key));
    Bytes ciphertext(plaintext.size());
    std::array<std::uint8_t, 16> tag{};
    gcm.seal(iv, aad, plaintext, ciphertext, tag);

    Bytes damaged_aad = aad;
    Bytes damaged_ciphertext = ciphertext;
    auto damaged_tag = tag;
    const auto where = *rc::gen::inRange<std::size_t>(0, aad.size() + ciphertext.size() + tag.size());
    const auto bit = static_cast<std::uint8_t>(1u << *rc::gen::inRange(0, 8));
    if (where < aad.size()) {
        damaged_aad[where] ^= bit;
    } else if (where < aad.size() + ciphertext.size()) {
        damaged_ciphertext[where - aad.size()] ^= bit;
    } else {
        damaged_tag[where - aad.size() - ciphertext.size()] ^= bit;
    }
    Bytes opened(ciphertext.size(), 0xaa);
    RC_ASSERT(!gcm.open(iv, damaged_aad, damaged_ciphertext, damaged_tag, opened));
    RC_ASSERT(std::all_of(opened.begin(), opened.end(), [](std::uint8_t b) { return b == 0; }));
}

BOOST_AUTO_TEST_SUITE_END()
