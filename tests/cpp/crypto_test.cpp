// Tests for websrt::crypto: published known-answer vectors, error paths, round-trip properties,
// and the cross-build smoke vector shared with the wasm tests (tests/vectors/crypto-smoke.json).
#define BOOST_TEST_MODULE crypto
#include <boost/test/unit_test.hpp>

#include "crypto/aes_ctr.hpp"
#include "crypto/aes_gcm.hpp"
#include "crypto/crypto_error.hpp"
#include "crypto/key_wrap.hpp"
#include "crypto/pbkdf2.hpp"
#include "crypto/random.hpp"
#include "crypto/sha.hpp"

#include <nlohmann/json.hpp>
#include <rapidcheck/boost_test.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "test_support.hpp"

namespace {

using websrt::crypto::AesCtr;
using websrt::crypto::AesGcm;
using websrt::crypto::CryptoError;
using Bytes = std::vector<std::uint8_t>;

using websrt::test::from_hex;

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    for (std::uint8_t byte : bytes) {
        hex += digits[byte >> 4];
        hex += digits[byte & 0xf];
    }
    return hex;
}

template <std::size_t N>
std::array<std::uint8_t, N> array_from_hex(std::string_view hex) {
    const Bytes bytes = from_hex(hex);
    BOOST_REQUIRE_EQUAL(bytes.size(), N);
    std::array<std::uint8_t, N> out{};
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return out;
}

std::span<const std::uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(pbkdf2)

struct Pbkdf2Vector {
    std::string_view passphrase;
    std::string_view salt;
    int iterations;
    std::string_view expected_hex;
};

// RFC 6070 section 2 (the 16777216-iteration case is left out: minutes of CPU, no new path).
BOOST_AUTO_TEST_CASE(matches_rfc6070_vectors) {
    using namespace std::string_view_literals;
    const Pbkdf2Vector vectors[] = {
        {"password"sv, "salt"sv, 1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"sv},
        {"password"sv, "salt"sv, 2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"sv},
        {"password"sv, "salt"sv, 4096, "4b007901b765489abead49d926f721d065a429c1"sv},
        {"passwordPASSWORDpassword"sv, "saltSALTsaltSALTsaltSALTsaltSALTsalt"sv, 4096,
         "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"sv},
        {"pass\0word"sv, "sa\0lt"sv, 4096, "56fa6aa75548099dcc37d7f03425e0c3"sv},
    };
    for (const auto& vector : vectors) {
        Bytes output(vector.expected_hex.size() / 2);
        const auto status =
            websrt::crypto::pbkdf2_hmac_sha1(vector.passphrase, as_bytes(vector.salt), vector.iterations, output);
        BOOST_TEST_REQUIRE(status.ok());
        BOOST_TEST(to_hex(output) == vector.expected_hex);
    }
}

BOOST_AUTO_TEST_CASE(rejects_nonpositive_iterations_and_empty_output) {
    Bytes output(16);
    const Bytes salt(8, 0);
    BOOST_TEST((websrt::crypto::pbkdf2_hmac_sha1("passphrase", salt, 0, output).error() == CryptoError::bad_argument));
    BOOST_TEST((websrt::crypto::pbkdf2_hmac_sha1("passphrase", salt, 2048, {}).error() == CryptoError::bad_argument));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(key_wrap)

struct KeyWrapVector {
    std::size_t kek_size;
    std::size_t key_size;
    std::string_view wrapped_hex;
};

// RFC 3394 section 4: KEK = 00 01 02 ..., key data = 00112233445566778899AABBCCDDEEFF 0001...
constexpr std::string_view rfc3394_kek = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr std::string_view rfc3394_key = "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f";
constexpr KeyWrapVector rfc3394_vectors[] = {
    {16, 16, "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5"},                                  // 4.1
    {24, 16, "96778b25ae6ca435f92b5b97c050aed2468ab8a17ad84e5d"},                                  // 4.2
    {32, 16, "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7"},                                  // 4.3
    {24, 24, "031d33264e15d33268f24ec260743edce1c6c7ddee725a936ba814915c6762d2"},                  // 4.4
    {32, 24, "a8f9bc1612c68b3ff6e6f4fbe30e71e4769c8b80a32cb8958cd5d17d6b254da1"},                  // 4.5
    {32, 32, "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21"},  // 4.6
};

BOOST_AUTO_TEST_CASE(wraps_and_unwraps_rfc3394_vectors) {
    const Bytes all_kek = from_hex(rfc3394_kek);
    const Bytes all_key = from_hex(rfc3394_key);
    for (const auto& vector : rfc3394_vectors) {
        const std::span<const std::uint8_t> kek(all_kek.data(), vector.kek_size);
        const std::span<const std::uint8_t> key(all_key.data(), vector.key_size);
        Bytes wrapped(key.size() + websrt::crypto::key_wrap_overhead);
        BOOST_TEST_REQUIRE(websrt::crypto::aes_key_wrap(kek, key, wrapped).ok());
        BOOST_TEST(to_hex(wrapped) == vector.wrapped_hex);

        Bytes unwrapped(key.size());
        BOOST_TEST_REQUIRE(websrt::crypto::aes_key_unwrap(kek, wrapped, unwrapped).ok());
        BOOST_TEST(unwrapped == Bytes(key.begin(), key.end()), boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(unwrap_of_tampered_input_fails_integrity_and_wipes_output) {
    const Bytes kek = from_hex(rfc3394_kek.substr(0, 32));
    Bytes wrapped = from_hex(rfc3394_vectors[0].wrapped_hex);
    wrapped[10] ^= 0x01;
    Bytes unwrapped(16, 0xee);
    const auto status = websrt::crypto::aes_key_unwrap(kek, wrapped, unwrapped);
    BOOST_TEST((status.error() == CryptoError::unwrap_integrity_failed));
    BOOST_TEST(unwrapped == Bytes(16, 0), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unwrap_with_wrong_kek_fails_integrity) {
    Bytes kek = from_hex(rfc3394_kek.substr(0, 32));
    kek[0] ^= 0x80;  // what a peer with another passphrase looks like
    const Bytes wrapped = from_hex(rfc3394_vectors[0].wrapped_hex);
    Bytes unwrapped(16);
    BOOST_TEST(
        (websrt::crypto::aes_key_unwrap(kek, wrapped, unwrapped).error() == CryptoError::unwrap_integrity_failed));
}

BOOST_AUTO_TEST_CASE(rejects_bad_kek_and_buffer_sizes) {
    const Bytes kek(16, 1);
    const Bytes key(16, 2);
    Bytes wrapped(24);
    BOOST_TEST((websrt::crypto::aes_key_wrap(Bytes(15, 1), key, wrapped).error() == CryptoError::bad_key_length));
    Bytes short_output(23);
    BOOST_TEST((websrt::crypto::aes_key_wrap(kek, key, short_output).error() == CryptoError::bad_argument));
    Bytes odd_key_output(20);
    BOOST_TEST((websrt::crypto::aes_key_wrap(kek, Bytes(12, 2), odd_key_output).error() == CryptoError::bad_argument));
    Bytes unwrapped(15);
    BOOST_TEST((websrt::crypto::aes_key_unwrap(kek, wrapped, unwrapped).error() == CryptoError::bad_argument));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(aes_ctr)

// NIST SP 800-38A appendix F.5.1, CTR-AES128.Encrypt.
constexpr std::string_view sp800_38a_key = "2b7e151628aed2a6abf7158809cf4f3c";
constexpr std::string_view sp800_38a_counter = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
constexpr std::string_view sp800_38a_plaintext =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
constexpr std::string_view sp800_38a_ciphertext =
    "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
    "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee";

BOOST_AUTO_TEST_CASE(matches_sp800_38a_f51_out_of_place_and_in_place) {
    AesCtr ctr;
    BOOST_TEST_REQUIRE(ctr.set_key(from_hex(sp800_38a_key)).ok());
    const auto iv = array_from_hex<16>(sp800_38a_counter);
    const Bytes plaintext = from_hex(sp800_38a_plaintext);

    Bytes ciphertext(plaintext.size());
    BOOST_TEST_REQUIRE(ctr.apply(iv, plaintext, ciphertext).ok());
    BOOST_TEST(to_hex(ciphertext) == sp800_38a_ciphertext);

    Bytes in_place = plaintext;
    BOOST_TEST_REQUIRE(ctr.apply(iv, in_place, in_place).ok());
    BOOST_TEST(to_hex(in_place) == sp800_38a_ciphertext);
}

BOOST_AUTO_TEST_CASE(handles_unaligned_buffers_and_partial_blocks) {
    AesCtr ctr;
    BOOST_TEST_REQUIRE(ctr.set_key(from_hex(sp800_38a_key)).ok());
    const auto iv = array_from_hex<16>(sp800_38a_counter);
    const Bytes plaintext = from_hex(sp800_38a_plaintext);
    // Odd offsets defeat 16-byte alignment; 37 bytes ends mid-block.
    Bytes input(plaintext.size() + 3);
    Bytes output(plaintext.size() + 5);
    std::copy(plaintext.begin(), plaintext.end(), input.begin() + 3);
    BOOST_TEST_REQUIRE(ctr.apply(iv, std::span(input).subspan(3, 37), std::span(output).subspan(5, 37)).ok());
    BOOST_TEST(to_hex(std::span(output).subspan(5, 37)) == sp800_38a_ciphertext.substr(0, 74));
}

BOOST_AUTO_TEST_CASE(counter_carries_across_all_128_bits) {
    // Expected: AES-128(key 000102..0f) of blocks ff..ff, 00..00, 00..01 (computed with Python's
    // cryptography package), so the counter wraps from all-ones to zero like OpenSSL's CTR.
    AesCtr ctr;
    BOOST_TEST_REQUIRE(ctr.set_key(from_hex("000102030405060708090a0b0c0d0e0f")).ok());
    std::array<std::uint8_t, 16> iv{};
    iv.fill(0xff);
    Bytes data(48, 0);
    BOOST_TEST_REQUIRE(ctr.apply(iv, data, data).ok());
    BOOST_TEST(to_hex(data) ==
               "3c441f32ce07822364d7a2990e50bb13c6a13b37878f5b826f4f8162a1c8d879"
               "7346139595c0b41e497bbde365f42d0a");
}

BOOST_AUTO_TEST_CASE(reports_missing_key_bad_key_length_and_size_mismatch) {
    AesCtr ctr;
    const std::array<std::uint8_t, 16> iv{};
    Bytes data(16);
    BOOST_TEST(!ctr.has_key());
    BOOST_TEST((ctr.apply(iv, data, data).error() == CryptoError::bad_argument));
    BOOST_TEST((ctr.set_key(Bytes(20, 0)).error() == CryptoError::bad_key_length));
    BOOST_TEST_REQUIRE(ctr.set_key(Bytes(32, 0)).ok());
    BOOST_TEST(ctr.has_key());
    Bytes shorter(15);
    BOOST_TEST((ctr.apply(iv, data, shorter).error() == CryptoError::bad_argument));
    BOOST_TEST(ctr.apply(iv, {}, {}).ok());

    AesCtr moved = std::move(ctr);
    BOOST_TEST(moved.has_key());
    BOOST_TEST(moved.apply(iv, data, data).ok());
}

RC_BOOST_PROP(applying_twice_is_identity, (const std::vector<std::uint8_t>& payload)) {
    const auto key_size = *rc::gen::element<std::size_t>(16, 24, 32);
    const auto key = *rc::gen::container<Bytes>(key_size, rc::gen::arbitrary<std::uint8_t>());
    const auto iv = *rc::gen::arbitrary<std::array<std::uint8_t, 16>>();
    AesCtr ctr;
    RC_ASSERT(ctr.set_key(key).ok());
    Bytes once(payload.size());
    RC_ASSERT(ctr.apply(iv, payload, once).ok());
    Bytes twice = once;
    RC_ASSERT(ctr.apply(iv, twice, twice).ok());
    RC_ASSERT(twice == payload);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(aes_gcm)

// McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 3 and 4 (AES-128).
constexpr std::string_view gcm_key = "feffe9928665731c6d6a8f9467308308";
constexpr std::string_view gcm_iv = "cafebabefacedbaddecaf888";
constexpr std::string_view gcm_plaintext =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
constexpr std::string_view gcm_ciphertext =
    "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
    "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985";
constexpr std::string_view gcm_tc4_aad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

struct GcmCase {
    std::size_t plaintext_size;
    std::string_view aad_hex;
    std::string_view tag_hex;
};
constexpr GcmCase gcm_cases[] = {
    {64, "", "4d5c2af327cd64a62cf35abd2ba6fab4"},           // test case 3
    {60, gcm_tc4_aad, "5bc94fbc3221a5db94fae95ae7121a47"},  // test case 4
};

BOOST_AUTO_TEST_CASE(seals_and_opens_gcm_spec_test_cases_3_and_4) {
    AesGcm gcm;
    BOOST_TEST_REQUIRE(gcm.set_key(from_hex(gcm_key)).ok());
    const auto iv = array_from_hex<12>(gcm_iv);
    for (const auto& test_case : gcm_cases) {
        Bytes plaintext = from_hex(gcm_plaintext);
        plaintext.resize(test_case.plaintext_size);
        const Bytes aad = from_hex(test_case.aad_hex);
        Bytes ciphertext(plaintext.size());
        std::array<std::uint8_t, 16> tag{};
        BOOST_TEST_REQUIRE(gcm.seal(iv, aad, plaintext, ciphertext, tag).ok());
        BOOST_TEST(to_hex(ciphertext) == gcm_ciphertext.substr(0, 2 * test_case.plaintext_size));
        BOOST_TEST(to_hex(tag) == test_case.tag_hex);

        Bytes opened(ciphertext.size());
        BOOST_TEST_REQUIRE(gcm.open(iv, aad, ciphertext, tag, opened).ok());
        BOOST_TEST(opened == plaintext, boost::test_tools::per_element());

        Bytes in_place = ciphertext;
        BOOST_TEST_REQUIRE(gcm.open(iv, aad, in_place, tag, in_place).ok());
        BOOST_TEST(in_place == plaintext, boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(open_fails_authentication_on_any_tampering_and_wipes_output) {
    AesGcm gcm;
    BOOST_TEST_REQUIRE(gcm.set_key(from_hex(gcm_key)).ok());
    const auto iv = array_from_hex<12>(gcm_iv);
    const Bytes aad = from_hex(gcm_tc4_aad);
    Bytes ciphertext = from_hex(gcm_ciphertext.substr(0, 120));
    auto tag = array_from_hex<16>("5bc94fbc3221a5db94fae95ae7121a47");
    Bytes opened(ciphertext.size(), 0xee);

    auto bad_tag = tag;
    bad_tag[15] ^= 0x01;
    BOOST_TEST((gcm.open(iv, aad, ciphertext, bad_tag, opened).error() == CryptoError::authentication_failed));
    BOOST_TEST(opened == Bytes(opened.size(), 0), boost::test_tools::per_element());

    Bytes bad_aad = aad;
    bad_aad[0] ^= 0x01;
    BOOST_TEST((gcm.open(iv, bad_aad, ciphertext, tag, opened).error() == CryptoError::authentication_failed));

    ciphertext[30] ^= 0x01;
    BOOST_TEST((gcm.open(iv, aad, ciphertext, tag, opened).error() == CryptoError::authentication_failed));
}

BOOST_AUTO_TEST_CASE(reports_missing_key_and_bad_sizes) {
    AesGcm gcm;
    const std::array<std::uint8_t, 12> iv{};
    std::array<std::uint8_t, 16> tag{};
    Bytes data(32);
    BOOST_TEST((gcm.seal(iv, {}, data, data, tag).error() == CryptoError::bad_argument));
    BOOST_TEST((gcm.set_key(Bytes(17, 0)).error() == CryptoError::bad_key_length));
    BOOST_TEST_REQUIRE(gcm.set_key(Bytes(16, 0)).ok());
    Bytes shorter(31);
    BOOST_TEST((gcm.seal(iv, {}, data, shorter, tag).error() == CryptoError::bad_argument));
    // Partial overlap would let GHASH read bytes already overwritten.
    Bytes buffer(64);
    BOOST_TEST((gcm.seal(iv, {}, std::span(buffer).subspan(0, 32), std::span(buffer).subspan(8, 32), tag).error() ==
                CryptoError::bad_argument));
    // An empty payload still authenticates the AAD (a GMAC).
    const Bytes aad(16, 7);
    BOOST_TEST_REQUIRE(gcm.seal(iv, aad, {}, {}, tag).ok());
    BOOST_TEST(gcm.open(iv, aad, {}, tag, {}).ok());
}

RC_BOOST_PROP(seal_then_open_round_trips,
              (const std::vector<std::uint8_t>& payload, const std::vector<std::uint8_t>& aad)) {
    const auto key_size = *rc::gen::element<std::size_t>(16, 24, 32);
    const auto key = *rc::gen::container<Bytes>(key_size, rc::gen::arbitrary<std::uint8_t>());
    const auto iv = *rc::gen::arbitrary<std::array<std::uint8_t, 12>>();
    AesGcm gcm;
    RC_ASSERT(gcm.set_key(key).ok());
    Bytes sealed(payload.size());
    std::array<std::uint8_t, 16> tag{};
    RC_ASSERT(gcm.seal(iv, aad, payload, sealed, tag).ok());
    Bytes opened(sealed.size());
    RC_ASSERT(gcm.open(iv, aad, sealed, tag, opened).ok());
    RC_ASSERT(opened == payload);

    tag[*rc::gen::inRange<std::size_t>(0, tag.size())] ^= 0x01;
    RC_ASSERT(gcm.open(iv, aad, sealed, tag, opened).error() == CryptoError::authentication_failed);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(sha)

// FIPS 180-2 appendix examples for the one-block message "abc".
BOOST_AUTO_TEST_CASE(digests_abc) {
    const auto digest1 = websrt::crypto::sha1(as_bytes("abc"));
    BOOST_TEST_REQUIRE(digest1.ok());
    BOOST_TEST(to_hex(digest1.value()) == "a9993e364706816aba3e25717850c26c9cd0d89d");
    const auto digest256 = websrt::crypto::sha256(as_bytes("abc"));
    BOOST_TEST_REQUIRE(digest256.ok());
    BOOST_TEST(to_hex(digest256.value()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_CASE(digests_empty_input) {
    BOOST_TEST(to_hex(websrt::crypto::sha1({}).value()) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    BOOST_TEST(to_hex(websrt::crypto::sha256({}).value()) ==
               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
BOOST_AUTO_TEST_CASE(hmac_sha256_rfc4231_case_2) {
    const auto mac = websrt::crypto::hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"));
    BOOST_TEST_REQUIRE(mac.ok());
    BOOST_TEST(to_hex(mac.value()) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(secure_random)

BOOST_AUTO_TEST_CASE(fills_buffers_with_fresh_bytes) {
    websrt::crypto::SecureRandom random;
    std::array<std::uint8_t, 32> first{};
    std::array<std::uint8_t, 32> second{};
    BOOST_TEST_REQUIRE(random.fill(first).ok());
    BOOST_TEST_REQUIRE(random.fill(second).ok());
    // 2^-256 chance of a false failure.
    const std::array<std::uint8_t, 32> zeros{};
    BOOST_TEST((first != second));
    BOOST_TEST((first != zeros));
}

BOOST_AUTO_TEST_CASE(fills_more_than_one_drbg_request) {
    websrt::crypto::SecureRandom random;
    Bytes large(200'000, 0);
    BOOST_TEST_REQUIRE(random.fill(large).ok());
    // The last 64 KiB block must be filled too: 64 zero bytes there would be a 2^-512 event.
    BOOST_TEST((Bytes(large.end() - 64, large.end()) != Bytes(64, 0)));
    BOOST_TEST(random.fill({}).ok());
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// The same inputs and expected bytes are checked by the JS tests against the wasm build, so a
// difference between the AES-NI and the portable C paths of wolfCrypt shows up as a failure.
BOOST_AUTO_TEST_SUITE(cross_build_smoke_vector)

BOOST_AUTO_TEST_CASE(matches_tests_vectors_crypto_smoke_json) {
    std::ifstream file(WEBSRT_VECTORS_DIR "/crypto-smoke.json");
    BOOST_TEST_REQUIRE(file.good());
    const auto vectors = nlohmann::json::parse(file);

    const auto& pbkdf2 = vectors.at("pbkdf2");
    Bytes kek(pbkdf2.at("key_length").get<std::size_t>());
    BOOST_TEST_REQUIRE(websrt::crypto::pbkdf2_hmac_sha1(pbkdf2.at("passphrase").get<std::string>(),
                                                        from_hex(pbkdf2.at("salt_hex").get<std::string>()),
                                                        pbkdf2.at("iterations").get<int>(), kek)
                           .ok());
    BOOST_TEST(to_hex(kek) == pbkdf2.at("expected_hex").get<std::string>());

    const auto& aes_ctr = vectors.at("aes_ctr");
    BOOST_TEST(aes_ctr.at("key_hex").get<std::string>() == to_hex(kek));
    AesCtr ctr;
    BOOST_TEST_REQUIRE(ctr.set_key(kek).ok());
    const auto iv = array_from_hex<16>(aes_ctr.at("iv_hex").get<std::string>());
    const Bytes plaintext = from_hex(aes_ctr.at("plaintext_hex").get<std::string>());
    Bytes ciphertext(plaintext.size());
    BOOST_TEST_REQUIRE(ctr.apply(iv, plaintext, ciphertext).ok());
    BOOST_TEST(to_hex(ciphertext) == aes_ctr.at("expected_hex").get<std::string>());
}

BOOST_AUTO_TEST_SUITE_END()
