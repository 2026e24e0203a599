// Tests for the native build's AES-NI counter mode (AesNiCtr, which AesCtr uses when the CPU has
// AES-NI): SP 800-38A's known answers (tests/vectors/aes-known-answers.json), and differential
// properties against wolfCrypt's own wc_AesCtrEncrypt over random keys, counters that carry,
// lengths and overlapping buffers; each on AES-NI alone and on the widest instructions the CPU
// has (VAES on 512-bit registers where it has them).
#define BOOST_TEST_MODULE aesni_ctr
#include <boost/test/unit_test.hpp>

#include "crypto/aesni_ctr.hpp"

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/aes.h>

#include <nlohmann/json.hpp>
#include <rapidcheck/boost_test.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using websrt::crypto::AesNiCtr;
using Bytes = std::vector<std::uint8_t>;

using websrt::test::from_hex;

Bytes wolfcrypt_ctr(const Bytes& key, const std::array<std::uint8_t, 16>& counter, const Bytes& input) {
    Aes aes;
    Bytes output(input.size());
    if (wc_AesInit(&aes, nullptr, INVALID_DEVID) != 0 ||
        wc_AesSetKey(&aes, key.data(), static_cast<word32>(key.size()), counter.data(), AES_ENCRYPTION) != 0 ||
        (!input.empty() &&
         wc_AesCtrEncrypt(&aes, output.data(), input.data(), static_cast<word32>(input.size())) != 0)) {
        throw std::runtime_error("wolfCrypt CTR failed");
    }
    wc_AesFree(&aes);
    return output;
}

Bytes random_key() {
    const auto size = *rc::gen::element<std::size_t>(16, 24, 32);
    return *rc::gen::container<Bytes>(size, rc::gen::arbitrary<std::uint8_t>());
}

AesNiCtr::Instructions any_instructions() {
    return *rc::gen::element(AesNiCtr::Instructions::widest, AesNiCtr::Instructions::aes_ni);
}

std::array<std::uint8_t, 16> random_counter() {
    auto counter = *rc::gen::arbitrary<std::array<std::uint8_t, 16>>();
    const auto ones = *rc::gen::inRange<std::size_t>(0, 17);  // so that the increments carry
    std::fill(counter.end() - static_cast<std::ptrdiff_t>(ones), counter.end(), std::uint8_t{0xff});
    return counter;
}

}  // namespace

BOOST_AUTO_TEST_CASE(this_machine_has_aes_ni_so_the_native_build_uses_it) {
    // Not a requirement of the product (AesCtr falls back to wolfCrypt), but of these tests: on a
    // CPU without AES-NI they would test nothing.
    BOOST_TEST_REQUIRE(AesNiCtr::supported());
    BOOST_TEST_MESSAGE("VAES on 512-bit registers: " << (AesNiCtr::vaes_supported() ? "yes" : "no"));
}

BOOST_AUTO_TEST_CASE(matches_sp_800_38a_for_every_key_size) {
    std::ifstream file(WEBSRT_VECTORS_DIR "/aes-known-answers.json");
    BOOST_TEST_REQUIRE(file.good());
    const auto vectors = nlohmann::json::parse(file);  // kept: the loop below walks a part of it
    for (const auto& vector : vectors.at("ctr")) {
        for (const auto instructions : {AesNiCtr::Instructions::widest, AesNiCtr::Instructions::aes_ni}) {
            BOOST_TEST_CONTEXT(vector.at("name").get<std::string>()
                               << (instructions == AesNiCtr::Instructions::aes_ni ? ", AES-NI" : ", widest")) {
                AesNiCtr ctr(instructions);
                BOOST_TEST_REQUIRE(ctr.set_key(from_hex(vector.at("key").get<std::string>())));
                const Bytes counter_bytes = from_hex(vector.at("counter").get<std::string>());
                std::array<std::uint8_t, 16> counter{};
                std::copy(counter_bytes.begin(), counter_bytes.end(), counter.begin());
                Bytes data = from_hex(vector.at("plaintext").get<std::string>());
                ctr.ctr_xor(counter, data.data(), data.data(), data.size());
                BOOST_TEST(data == from_hex(vector.at("ciphertext").get<std::string>()),
                           boost::test_tools::per_element());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(refuses_other_key_sizes) {
    AesNiCtr ctr;
    BOOST_TEST(!ctr.set_key(Bytes(20, 1)));
    BOOST_TEST(!ctr.has_key());
}

RC_BOOST_PROP(equals_wolfcrypts_counter_mode_for_any_key_counter_and_length, ()) {
    const Bytes key = random_key();
    const auto counter = random_counter();
    const auto size = *rc::gen::inRange<std::size_t>(0, 3000);
    const Bytes input = *rc::gen::container<Bytes>(size, rc::gen::arbitrary<std::uint8_t>());
    AesNiCtr ctr(any_instructions());
    RC_ASSERT(ctr.set_key(key));
    Bytes output(input.size());
    ctr.ctr_xor(counter, input.data(), output.data(), input.size());
    RC_ASSERT(output == wolfcrypt_ctr(key, counter, input));
}

RC_BOOST_PROP(overlapping_buffers_give_the_disjoint_result, ()) {
    const Bytes key = random_key();
    const auto counter = random_counter();
    const auto size = *rc::gen::inRange<std::size_t>(0, 600);
    const Bytes input = *rc::gen::container<Bytes>(size, rc::gen::arbitrary<std::uint8_t>());
    const auto shift = *rc::gen::inRange<std::size_t>(0, 40);
    const bool output_later = *rc::gen::arbitrary<bool>();
    Bytes buffer(input.size() + shift);
    const std::size_t in_offset = output_later ? 0 : shift;
    const std::size_t out_offset = output_later ? shift : 0;
    std::copy(input.begin(), input.end(), buffer.begin() + static_cast<std::ptrdiff_t>(in_offset));
    AesNiCtr ctr(any_instructions());
    RC_ASSERT(ctr.set_key(key));
    ctr.ctr_xor(counter, buffer.data() + in_offset, buffer.data() + out_offset, input.size());
    RC_ASSERT(Bytes(buffer.begin() + static_cast<std::ptrdiff_t>(out_offset),
                    buffer.begin() + static_cast<std::ptrdiff_t>(out_offset + input.size())) ==
              wolfcrypt_ctr(key, counter, input));
}
