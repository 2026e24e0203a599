// Key material against libsrt's own traffic: the keys srt-live-transmit wrapped under passphrase
// 'websrt-golden-secret' (tests/vectors/slt-crypt16.txt, slt-crypt32.txt) unwrap with our KEK
// derivation, and its AES-CTR packets decrypt with our counter block to the fed MPEG-TS filler.
#define BOOST_TEST_MODULE key_material
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "core/key_material.hpp"
#include "crypto/aes_ctr.hpp"
#include "test_support.hpp"
#include "core/random_source.hpp"
#include "wire/km_message.hpp"
#include "wire/packet.hpp"

using namespace websrt;
using namespace websrt::core;
using websrt::test::Buffer;

namespace {

constexpr std::string_view golden_passphrase = "websrt-golden-secret";

/// The caller-to-listener datagrams of a capture, in order.
std::vector<Buffer> caller_datagrams(const std::string& file) {
    std::ifstream in(std::string(WEBSRT_VECTORS_DIR) + "/" + file);
    BOOST_TEST_REQUIRE(in.good(), "cannot open " << file);
    std::vector<Buffer> out;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("c>l ", 0) != 0) continue;
        auto bytes = websrt::test::parse_hex(std::string_view(line).substr(4));
        BOOST_TEST_REQUIRE(bytes.has_value());
        out.push_back(std::move(*bytes));
    }
    return out;
}

/// Every KM message the caller sent: in its conclusion handshake (KMREQ) and in-band. They view
/// the bytes of `datagrams`, which must outlive them.
std::vector<wire::KmMessage> km_messages(const std::vector<Buffer>& datagrams) {
    std::vector<wire::KmMessage> out;
    for (const Buffer& d : datagrams) {
        auto packet = wire::decode_packet(d);
        BOOST_TEST_REQUIRE(packet.ok());
        const auto* control = std::get_if<wire::ControlPacket>(&*packet);
        if (!control) continue;
        if (const auto* km = std::get_if<wire::KmMessage>(&control->body)) out.push_back(*km);
        if (const auto* hs = std::get_if<wire::Handshake>(&control->body))
            for (const auto& ext : hs->extensions)
                if (const auto* km = std::get_if<wire::KmMessage>(&ext.body)) out.push_back(*km);
    }
    return out;
}

/// The capture's feeder wrote chunks of 7 TS-like packets: 0x47 then 187 copies of one byte,
/// that byte counting up from one packet to the next.
bool looks_like_the_fed_filler(const Buffer& payload) {
    if (payload.size() != 1316) return false;
    for (std::size_t ts = 0; ts < 7; ++ts) {
        const std::uint8_t* p = payload.data() + ts * 188;
        if (p[0] != 0x47) return false;
        for (std::size_t i = 2; i < 188; ++i)
            if (p[i] != p[1]) return false;
        if (ts > 0 && p[1] != static_cast<std::uint8_t>(payload[(ts - 1) * 188 + 1] + 1)) return false;
    }
    return true;
}

/// Decrypts every data packet of the capture with the keys the KM messages carried; returns how
/// many decrypted (each must), per key.
std::pair<int, int> decrypt_all(const std::string& file, std::size_t expected_key_size) {
    const auto datagrams = caller_datagrams(file);
    const auto kms = km_messages(datagrams);
    BOOST_TEST_REQUIRE(!kms.empty());
    StreamKeys keys;
    int even = 0;
    int odd = 0;
    std::size_t km_index = 0;
    for (const Buffer& d : datagrams) {
        auto packet = wire::decode_packet(d);
        if (const auto* control = std::get_if<wire::ControlPacket>(&*packet)) {
            const bool carries_km = std::holds_alternative<wire::KmMessage>(control->body) ||
                                    std::holds_alternative<wire::Handshake>(control->body);
            if (carries_km && km_index < kms.size()) {
                auto unwrapped = unwrap_key_material(kms[km_index++], golden_passphrase);
                BOOST_TEST_REQUIRE(unwrapped.ok(), describe(unwrapped.error()));
                BOOST_TEST(unwrapped->key_size == expected_key_size);
                // A refresh announces both keys; keep what a receiver already has.
                if (unwrapped->has_even) keys.even = unwrapped->even, keys.has_even = true;
                if (unwrapped->has_odd) keys.odd = unwrapped->odd, keys.has_odd = true;
                keys.salt = unwrapped->salt;
                keys.key_size = unwrapped->key_size;
            }
            continue;
        }
        const auto& data = std::get<wire::DataPacket>(*packet);
        if (data.key == wire::EncryptionKey::none) continue;
        const bool use_odd = data.key == wire::EncryptionKey::odd;
        BOOST_TEST_REQUIRE((use_odd ? keys.has_odd : keys.has_even));
        crypto::AesCtr cipher;
        BOOST_TEST_REQUIRE(cipher.set_key(use_odd ? keys.odd_key() : keys.even_key()).ok());
        Buffer plain(data.payload.size());
        const auto iv = ctr_iv(keys.salt, data.seq);
        BOOST_TEST_REQUIRE(cipher.apply(iv, data.payload, plain).ok());
        BOOST_TEST(looks_like_the_fed_filler(plain), "packet " << data.seq.value() << " did not decrypt");
        ++(use_odd ? odd : even);
    }
    return {even, odd};
}

}  // namespace

BOOST_AUTO_TEST_CASE(libsrt_aes128_packets_decrypt_with_the_unwrapped_even_and_odd_keys) {
    const auto [even, odd] = decrypt_all("slt-crypt16.txt", 16);
    BOOST_TEST(even > 0);
    BOOST_TEST(odd > 0);  // kmrefreshrate=200 switched keys during the capture
}

BOOST_AUTO_TEST_CASE(libsrt_aes256_packets_decrypt_with_the_unwrapped_keys) {
    const auto [even, odd] = decrypt_all("slt-crypt32.txt", 32);
    BOOST_TEST(even + odd > 0);
}

BOOST_AUTO_TEST_CASE(a_wrong_passphrase_is_a_bad_secret) {
    const auto datagrams = caller_datagrams("slt-crypt16.txt");  // the KM messages view these bytes
    const auto kms = km_messages(datagrams);
    BOOST_TEST_REQUIRE(!kms.empty());
    const auto unwrapped = unwrap_key_material(kms.front(), "not-the-golden-secret");
    BOOST_TEST_REQUIRE(!unwrapped.ok());
    BOOST_TEST((unwrapped.error() == KeyMaterialError::bad_secret));
}

BOOST_AUTO_TEST_CASE(malformed_key_material_is_refused) {
    const auto datagrams = caller_datagrams("slt-crypt16.txt");
    auto km = km_messages(datagrams).front();
    km.key_length = 20;
    BOOST_TEST((unwrap_key_material(km, golden_passphrase).error() == KeyMaterialError::malformed));
    km.key_length = 16;
    km.cipher = 3;
    BOOST_TEST((unwrap_key_material(km, golden_passphrase).error() == KeyMaterialError::unsupported_cipher));
}

BOOST_AUTO_TEST_CASE(auth_and_stream_encapsulation_fields_must_go_with_the_cipher) {
    // libsrt hcryptCtx_Rx_ParseKM: AES-CTR has no auth, AES-GCM the GCM tag, SE is always SRT.
    const auto datagrams = caller_datagrams("slt-crypt16.txt");
    auto km = km_messages(datagrams).front();
    BOOST_REQUIRE(unwrap_key_material(km, golden_passphrase));
    km.auth = km_auth_aes_gcm;
    BOOST_TEST((unwrap_key_material(km, golden_passphrase).error() == KeyMaterialError::malformed));
    km.auth = km_auth_none;
    km.stream_encapsulation = 1;  // MPEG-TS/UDP
    BOOST_TEST((unwrap_key_material(km, golden_passphrase).error() == KeyMaterialError::malformed));
    km.stream_encapsulation = km_se_srt;
    km.cipher = km_cipher_aes_gcm;  // GCM without its tag
    BOOST_TEST((unwrap_key_material(km, golden_passphrase).error() == KeyMaterialError::malformed));
}

BOOST_AUTO_TEST_CASE(rebuilding_libsrt_key_material_from_its_keys_gives_the_same_bytes) {
    // RFC 3394 wrapping is deterministic: the same keys, salt and passphrase must reproduce every
    // KM message srt-live-transmit sent, byte for byte, handshake KMREQ and in-band refreshes.
    for (const char* file : {"slt-crypt16.txt", "slt-crypt32.txt"}) {
        const auto datagrams = caller_datagrams(file);
        for (const auto& km : km_messages(datagrams)) {
            auto measuring = wire::ByteWriter::measuring();
            wire::write_km_message(km, measuring);
            Buffer original(measuring.written());
            wire::ByteWriter writer(original);
            wire::write_km_message(km, writer);
            const auto keys = unwrap_key_material(km, golden_passphrase);
            BOOST_TEST_REQUIRE(keys.ok());
            const auto rebuilt = build_key_material(*keys, km.keys, golden_passphrase);
            BOOST_TEST_REQUIRE(rebuilt.ok());
            BOOST_TEST(*rebuilt == original, file << ": " << websrt::test::describe_difference(*rebuilt, original));
        }
    }
}

BOOST_AUTO_TEST_CASE(generated_keys_survive_build_decode_and_unwrap_for_every_key_size) {
    core::SeededRandom random(7);
    for (const std::size_t size : {16u, 24u, 32u}) {
        for (const auto which : {wire::EncryptionKey::even, wire::EncryptionKey::odd, wire::EncryptionKey::both}) {
            const StreamKeys keys = generate_stream_keys(random, size, which);
            const auto encoded = build_key_material(keys, which, "a passphrase of some length");
            BOOST_TEST_REQUIRE(encoded.ok());
            const auto decoded = wire::decode_km_message(*encoded);
            BOOST_TEST_REQUIRE(decoded.ok());
            const auto unwrapped = unwrap_key_material(*decoded, "a passphrase of some length");
            BOOST_TEST_REQUIRE(unwrapped.ok());
            BOOST_TEST(unwrapped->salt == keys.salt);
            BOOST_TEST(unwrapped->has_even == keys.has_even);
            BOOST_TEST(unwrapped->has_odd == keys.has_odd);
            if (keys.has_even) BOOST_TEST(unwrapped->even == keys.even);
            if (keys.has_odd) BOOST_TEST(unwrapped->odd == keys.odd);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_counter_block_is_the_salt_with_the_packet_index_in_bytes_10_to_13) {
    std::array<std::uint8_t, 16> salt{};
    for (std::size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<std::uint8_t>(0xA0 + i);
    const auto iv = ctr_iv(salt, wire::SeqNo(0x01020304));
    const std::array<std::uint8_t, 16> expected{0xA0,        0xA1,        0xA2, 0xA3, 0xA4,        0xA5,
                                                0xA6,        0xA7,        0xA8, 0xA9, 0xAA ^ 0x01, 0xAB ^ 0x02,
                                                0xAC ^ 0x03, 0xAD ^ 0x04, 0x00, 0x00};
    BOOST_TEST(iv == expected);
}
