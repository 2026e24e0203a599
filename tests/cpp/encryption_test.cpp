// Encryption between two Endpoints on the simulator: the key exchange in the handshake, the
// reject codes of a passphrase mismatch, encrypted payloads on the wire, retransmissions, the
// in-band key refresh, AES-GCM, and the payload cipher's round trip as a property.
#define BOOST_TEST_MODULE encryption
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <memory>
#include <set>

#include "connection_pair.hpp"
#include "core/payload_cipher.hpp"

using namespace websrt;
using namespace websrt::core;
using namespace websrt::test;

namespace {

constexpr std::size_t message_size = 1316;

ConnectionConfig with_passphrase(std::string passphrase, int key_size = 0) {
    ConnectionConfig config;
    config.passphrase = std::move(passphrase);
    config.pbkey_len = key_size;
    return config;
}

/// What the wire carried from one node to the other: data packets' key flags, payloads, and
/// in-band KM messages. Installed as a drop rule that loses nothing (or what `lose` says).
struct WireTap {
    std::set<wire::EncryptionKey> data_keys;
    std::vector<std::vector<std::uint8_t>> payloads;
    int kmreq = 0;
    int kmrsp = 0;

    DropRule rule(DropRule lose = {}) {
        return [this, lose](std::uint64_t index, wire::Bytes datagram) {
            if (auto packet = wire::decode_packet(datagram)) {
                if (const auto* data = std::get_if<wire::DataPacket>(&*packet)) {
                    data_keys.insert(data->key);
                    payloads.emplace_back(data->payload.begin(), data->payload.end());
                } else {
                    const std::string kind = wire::packet_kind(*packet);
                    kmreq += kind == "user_defined/kmreq";
                    kmrsp += kind == "user_defined/kmrsp";
                }
            }
            return lose ? lose(index, datagram) : false;
        };
    }
};

/// Messages 0..count-1 arrived intact and in order (the numbered stream's pattern).
void check_stream_intact(const std::vector<Delivery>& received, int count) {
    BOOST_REQUIRE_EQUAL(received.size(), static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        const std::vector<std::uint8_t>& message = received[static_cast<std::size_t>(i)].message;
        BOOST_REQUIRE_EQUAL(index_of(message), i);
        BOOST_REQUIRE(std::all_of(message.begin() + 4, message.end(),
                                  [i](std::uint8_t b) { return b == static_cast<std::uint8_t>(i); }));
    }
}

const Event* closed_with(ConnectionPair& pair, int node) { return pair.event(node, EventKind::closed); }

}  // namespace

BOOST_AUTO_TEST_CASE(one_passphrase_on_both_sides_carries_the_stream_encrypted_for_each_key_length) {
    for (const int key_size : {16, 24, 32}) {
        BOOST_TEST_CONTEXT("pbkeylen " << key_size) {
            ConnectionPair pair(with_passphrase("websrt-test-secret", key_size));
            WireTap tap;
            pair.sim.set_drop_rule(pair.caller, pair.listener, tap.rule());
            pair.connect(with_passphrase("websrt-test-secret", key_size));
            pair.sim.run_for(milliseconds(100));
            BOOST_REQUIRE(pair.event(pair.listener, EventKind::accepted));
            BOOST_TEST((pair.sim.endpoint(pair.caller).connection(pair.caller_id)->crypto()->rx_state() ==
                        wire::KmState::secured));

            pair.stream(pair.caller, pair.caller_id, 100, message_size, milliseconds(2));
            pair.sim.run_for(milliseconds(500));
            check_stream_intact(pair.received_by_listener(), 100);
            // On the wire: the even key's flag, and no payload equal to the message it carries.
            BOOST_TEST((tap.data_keys == std::set<wire::EncryptionKey>{wire::EncryptionKey::even}));
            for (std::size_t i = 0; i < tap.payloads.size(); ++i)
                BOOST_TEST(std::count(tap.payloads[i].begin() + 4, tap.payloads[i].end(), tap.payloads[i][4]) < 100);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_listener_encrypts_what_it_sends_with_the_callers_key) {
    ConnectionPair pair(with_passphrase("websrt-test-secret"));
    pair.connect(with_passphrase("websrt-test-secret", 32));
    pair.sim.run_for(milliseconds(100));
    const ConnectionId accepted = pair.accepted_id();
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection(accepted)->crypto()->encrypting());
    pair.stream(pair.listener, accepted, 50, message_size, milliseconds(2));
    pair.sim.run_for(milliseconds(500));
    check_stream_intact(pair.received_by_caller(), 50);
}

BOOST_AUTO_TEST_CASE(a_wrong_passphrase_is_refused_with_bad_secret_on_both_sides) {
    ConnectionPair pair(with_passphrase("the-listeners-secret"));
    pair.connect(with_passphrase("not-the-same-secret"));
    pair.sim.run_for(milliseconds(500));
    const Event* closed = closed_with(pair, pair.caller);
    BOOST_REQUIRE(closed);
    BOOST_TEST(closed->reject_code == static_cast<int>(RejectReason::bad_secret));
    BOOST_TEST(closed->detail.find("incorrect passphrase") != std::string::npos);
    const Event* refused = pair.event(pair.listener, EventKind::refused);
    BOOST_REQUIRE(refused);
    BOOST_TEST(refused->reject_code == static_cast<int>(RejectReason::bad_secret));
    BOOST_TEST(!pair.event(pair.listener, EventKind::accepted));
}

BOOST_AUTO_TEST_CASE(a_passphrase_on_one_side_only_is_refused_as_unsecure) {
    {
        ConnectionPair pair;  // the listener has none
        pair.connect(with_passphrase("websrt-test-secret"));
        pair.sim.run_for(milliseconds(500));
        BOOST_REQUIRE(closed_with(pair, pair.caller));
        BOOST_TEST(closed_with(pair, pair.caller)->reject_code == static_cast<int>(RejectReason::unsecure));
        BOOST_REQUIRE(pair.event(pair.listener, EventKind::refused));
    }
    {
        ConnectionPair pair(with_passphrase("websrt-test-secret"));  // the caller has none
        pair.connect();
        pair.sim.run_for(milliseconds(500));
        BOOST_REQUIRE(closed_with(pair, pair.caller));
        BOOST_TEST(closed_with(pair, pair.caller)->reject_code == static_cast<int>(RejectReason::unsecure));
        BOOST_REQUIRE(pair.event(pair.listener, EventKind::refused));
    }
}

BOOST_AUTO_TEST_CASE(an_enforcing_caller_leaves_a_lenient_listener_that_cannot_decrypt) {
    ConnectionConfig listener = with_passphrase("the-listeners-secret");
    listener.enforced_encryption = false;
    ConnectionPair pair(listener);
    pair.connect(with_passphrase("not-the-same-secret"));
    pair.sim.run_for(milliseconds(500));
    // The listener admits the caller and answers BADSECRET in its KMRSP; the caller refuses
    // that and says SHUTDOWN, so the listener does not wait for its idle timeout.
    BOOST_REQUIRE(closed_with(pair, pair.caller));
    BOOST_TEST(closed_with(pair, pair.caller)->reject_code == static_cast<int>(RejectReason::bad_secret));
    BOOST_REQUIRE(closed_with(pair, pair.listener));
    BOOST_TEST((closed_with(pair, pair.listener)->reason == CloseReason::peer_shutdown));
}

BOOST_AUTO_TEST_CASE(without_enforced_encryption_a_mismatch_connects_but_delivers_nothing_undecrypted) {
    ConnectionConfig listener = with_passphrase("the-listeners-secret");
    listener.enforced_encryption = false;
    ConnectionConfig caller = with_passphrase("not-the-same-secret");
    caller.enforced_encryption = false;
    ConnectionPair pair(listener);
    pair.connect(caller);
    pair.sim.run_for(milliseconds(100));
    BOOST_REQUIRE(pair.event(pair.caller, EventKind::connected));
    const ConnectionId accepted = pair.accepted_id();
    pair.stream(pair.caller, pair.caller_id, 20, message_size, milliseconds(2));
    pair.sim.run_for(milliseconds(500));
    BOOST_TEST(pair.sim.deliveries(pair.listener, accepted).empty());
    const auto stats = pair.sim.endpoint(pair.listener).stats(accepted, pair.now(), false);
    BOOST_REQUIRE(stats);
    BOOST_TEST(stats->total.pktRcvUndecrypt >= 20);
}

BOOST_AUTO_TEST_CASE(retransmissions_decrypt_like_the_originals) {
    ConnectionPair pair(with_passphrase("websrt-test-secret"));
    pair.connect(with_passphrase("websrt-test-secret"));
    pair.sim.run_for(milliseconds(100));
    const std::uint32_t isn =
        pair.sim.endpoint(pair.caller).connection(pair.caller_id)->negotiated().initial_seq.value();
    pair.sim.set_drop_rule(pair.caller, pair.listener, lose_data_once({isn + 3, isn + 4, isn + 40, isn + 99}));
    pair.stream(pair.caller, pair.caller_id, 100, message_size, milliseconds(2));
    pair.sim.run_for(milliseconds(500));
    check_stream_intact(pair.received_by_listener(), 100);
    const auto stats = pair.sim.endpoint(pair.caller).stats(pair.caller_id, pair.now(), false);
    BOOST_TEST(stats->total.pktRetrans >= 4);
}

BOOST_AUTO_TEST_CASE(keys_are_refreshed_in_band_without_losing_a_message_even_under_loss) {
    ConnectionConfig config = with_passphrase("websrt-test-secret");
    config.km_refresh_rate_pkts = 100;
    config.km_preannounce_pkts = 20;
    config.receiver_latency_ms = 300;
    ConnectionPair pair(config);
    WireTap forward;
    WireTap backward;
    pair.sim.set_drop_rule(pair.caller, pair.listener, forward.rule(lose_randomly(10, 7)));
    pair.sim.set_drop_rule(pair.listener, pair.caller, backward.rule(lose_randomly(10, 8)));
    pair.connect(config);
    pair.sim.run_for(milliseconds(300));
    pair.stream(pair.caller, pair.caller_id, 1000, message_size, milliseconds(1));
    pair.sim.run_for(seconds(1));

    check_stream_intact(pair.received_by_listener(), 1000);
    // Both keys were used, each switch announced beforehand and answered.
    BOOST_TEST(
        (forward.data_keys == std::set<wire::EncryptionKey>{wire::EncryptionKey::even, wire::EncryptionKey::odd}));
    BOOST_TEST(forward.kmreq >= 9);
    BOOST_TEST(backward.kmrsp >= 9);
}

BOOST_AUTO_TEST_CASE(aes_gcm_peers_exchange_authenticated_payloads) {
    ConnectionConfig config = with_passphrase("websrt-test-secret", 16);
    config.crypto_mode = CryptoMode::aes_gcm;
    ConnectionConfig listener = with_passphrase("websrt-test-secret");  // automatic: follows the caller
    ConnectionPair pair(listener);
    WireTap tap;
    pair.sim.set_drop_rule(pair.caller, pair.listener, tap.rule(lose_data_once({})));
    pair.connect(config);
    pair.sim.run_for(milliseconds(100));
    pair.stream(pair.caller, pair.caller_id, 50, message_size, milliseconds(2));
    pair.sim.run_for(milliseconds(500));
    check_stream_intact(pair.received_by_listener(), 50);
    BOOST_REQUIRE(!tap.payloads.empty());
    BOOST_TEST(tap.payloads.front().size() == message_size + gcm_tag_size);
    BOOST_TEST(pair.sim.endpoint(pair.listener).connection(pair.accepted_id())->crypto()->encrypting());
}

BOOST_AUTO_TEST_CASE(a_cryptomode_mismatch_is_refused_with_the_crypto_code) {
    ConnectionConfig listener = with_passphrase("websrt-test-secret");
    listener.crypto_mode = CryptoMode::aes_ctr;
    ConnectionConfig caller = with_passphrase("websrt-test-secret");
    caller.crypto_mode = CryptoMode::aes_gcm;
    ConnectionPair pair(listener);
    pair.connect(caller);
    pair.sim.run_for(milliseconds(500));
    BOOST_REQUIRE(closed_with(pair, pair.caller));
    BOOST_TEST(closed_with(pair, pair.caller)->reject_code == static_cast<int>(RejectReason::crypto));
}

namespace {

StreamKeys random_keys(std::uint8_t cipher) {
    StreamKeys keys;
    keys.key_size = *rc::gen::element<std::size_t>(16, 24, 32);
    keys.cipher = cipher;
    keys.has_even = keys.has_odd = true;
    for (auto& b : keys.salt) b = *rc::gen::arbitrary<std::uint8_t>();
    for (std::size_t i = 0; i < keys.key_size; ++i) {
        keys.even[i] = *rc::gen::arbitrary<std::uint8_t>();
        keys.odd[i] = *rc::gen::arbitrary<std::uint8_t>();
    }
    return keys;
}

wire::DataPacket random_packet(const std::vector<std::uint8_t>& payload) {
    wire::DataPacket packet;
    packet.seq = wire::SeqNo(*rc::gen::inRange<std::uint32_t>(0, wire::SeqNo::max_value + 1));
    packet.key = *rc::gen::element(wire::EncryptionKey::even, wire::EncryptionKey::odd);
    packet.message_number = wire::MsgNo(*rc::gen::inRange<std::uint32_t>(1, 1u << 26));
    packet.timestamp_us = *rc::gen::arbitrary<std::uint32_t>();
    packet.dest_socket_id = *rc::gen::arbitrary<std::uint32_t>();
    packet.payload = payload;
    return packet;
}

/// Seals `payload` as `packet` would go out, and returns the datagram as the receiver decodes it.
std::vector<std::uint8_t> sealed_datagram(PayloadCipher& tx, const wire::DataPacket& packet,
                                          GcmLayout layout = GcmLayout::current) {
    std::vector<std::uint8_t> datagram(1500 + gcm_tag_size);
    RC_ASSERT(wire::encode_data_packet(packet, datagram).ok());
    const auto size = tx.seal(packet, datagram, layout);
    RC_ASSERT(size.has_value());
    datagram.resize(*size);
    return datagram;
}

}  // namespace

RC_BOOST_PROP(sealed_payloads_open_to_the_original_for_any_key_index_and_size, ()) {
    const std::uint8_t cipher = *rc::gen::element(km_cipher_aes_ctr, km_cipher_aes_gcm);
    const StreamKeys keys = random_keys(cipher);
    PayloadCipher tx;
    PayloadCipher rx;
    RC_ASSERT(tx.install(keys).ok());
    RC_ASSERT(rx.install(keys).ok());
    const auto payload = *rc::gen::container<std::vector<std::uint8_t>>(
        *rc::gen::inRange<std::size_t>(0, 1456 - tx.overhead() + 1), rc::gen::arbitrary<std::uint8_t>());
    const wire::DataPacket packet = random_packet(payload);
    const GcmLayout layout = *rc::gen::element(GcmLayout::current, GcmLayout::libsrt_1_5_3);
    auto datagram = sealed_datagram(tx, packet, layout);
    RC_ASSERT(datagram.size() == wire::header_size + payload.size() + tx.overhead());

    // A retransmission (R set) decrypts too: GCM authenticates the header with R cleared.
    if (cipher == km_cipher_aes_gcm && *rc::gen::arbitrary<bool>()) datagram[4] |= 0x04;
    const auto received = wire::decode_data_packet(datagram);
    RC_ASSERT(received.ok());
    std::vector<std::uint8_t> out(1500);
    const auto size = rx.open(*received, out, layout);
    RC_ASSERT(size.has_value());
    RC_ASSERT(
        std::equal(payload.begin(), payload.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*size)));
    RC_ASSERT(*size == payload.size());
}

RC_BOOST_PROP(a_gcm_packet_altered_anywhere_fails_to_open, ()) {
    const StreamKeys keys = random_keys(km_cipher_aes_gcm);
    PayloadCipher tx;
    PayloadCipher rx;
    RC_ASSERT(tx.install(keys).ok());
    RC_ASSERT(rx.install(keys).ok());
    const auto payload = *rc::gen::container<std::vector<std::uint8_t>>(*rc::gen::inRange<std::size_t>(1, 1441),
                                                                        rc::gen::arbitrary<std::uint8_t>());
    auto datagram = sealed_datagram(tx, random_packet(payload));
    // Any bit but R (word 1, bit 26) and the KK flags (which pick the key and so fail anyway).
    const std::size_t byte = *rc::gen::inRange<std::size_t>(0, datagram.size());
    const int bit = *rc::gen::inRange(0, 8);
    RC_PRE(!(byte == 4 && (bit == 2 || bit == 3 || bit == 4)));
    datagram[byte] ^= static_cast<std::uint8_t>(1u << bit);
    const auto received = wire::decode_data_packet(datagram);
    RC_PRE(received.ok());
    std::vector<std::uint8_t> out(1500);
    RC_ASSERT(!rx.open(*received, out).has_value());
}

BOOST_AUTO_TEST_CASE(gcm_nonce_is_the_salt_with_the_packet_index_in_bytes_8_to_11) {
    std::array<std::uint8_t, km_salt_size> salt{};
    for (std::size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<std::uint8_t>(0x10 + i);
    const auto iv = gcm_iv(salt, wire::SeqNo(0x01020304));
    const std::array<std::uint8_t, 12> expected{0x10, 0x11, 0x12,     0x13,     0x14,     0x15,
                                                0x16, 0x17, 0x18 ^ 1, 0x19 ^ 2, 0x1A ^ 3, 0x1B ^ 4};
    BOOST_TEST(iv == expected);
}

BOOST_AUTO_TEST_CASE(gcm_nonce_towards_libsrt_1_5_3_is_the_first_12_bytes_of_the_ctr_counter_block) {
    std::array<std::uint8_t, km_salt_size> salt{};
    for (std::size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<std::uint8_t>(0x10 + i);
    const auto iv = gcm_iv(salt, wire::SeqNo(0x01020304), GcmLayout::libsrt_1_5_3);
    const std::array<std::uint8_t, 12> expected{0x10, 0x11, 0x12, 0x13, 0x14,     0x15,
                                                0x16, 0x17, 0x18, 0x19, 0x1A ^ 1, 0x1B ^ 2};
    BOOST_TEST(iv == expected);
}

BOOST_AUTO_TEST_CASE(the_gcm_layout_follows_the_peers_announced_version_as_libsrt_picks_it) {
    BOOST_TEST((gcm_layout_for_peer(0x01'05'01) == GcmLayout::libsrt_1_5_3));
    BOOST_TEST((gcm_layout_for_peer(0x01'05'03) == GcmLayout::libsrt_1_5_3));
    BOOST_TEST((gcm_layout_for_peer(0x01'05'04) == GcmLayout::current));
    BOOST_TEST((gcm_layout_for_peer(0x01'05'05) == GcmLayout::current));
    BOOST_TEST((gcm_layout_for_peer(0x01'06'00) == GcmLayout::current));
}

RC_BOOST_PROP(a_gcm_packet_sealed_in_one_layout_does_not_open_in_the_other, ()) {
    const StreamKeys keys = random_keys(km_cipher_aes_gcm);
    PayloadCipher tx;
    PayloadCipher rx;
    RC_ASSERT(tx.install(keys).ok());
    RC_ASSERT(rx.install(keys).ok());
    const auto payload = *rc::gen::container<std::vector<std::uint8_t>>(*rc::gen::inRange<std::size_t>(0, 1441),
                                                                        rc::gen::arbitrary<std::uint8_t>());
    const GcmLayout layout = *rc::gen::element(GcmLayout::current, GcmLayout::libsrt_1_5_3);
    const GcmLayout other = layout == GcmLayout::current ? GcmLayout::libsrt_1_5_3 : GcmLayout::current;
    const auto datagram = sealed_datagram(tx, random_packet(payload), layout);
    const auto received = wire::decode_data_packet(datagram);
    RC_ASSERT(received.ok());
    std::vector<std::uint8_t> out(1500);
    RC_ASSERT(!rx.open(*received, out, other).has_value());
}

BOOST_AUTO_TEST_CASE(a_refreshed_key_the_peer_never_confirms_is_given_up_before_one_key_covers_the_sequence_space) {
    // The real bound is 2^30 packets (km_timing::max_packets_per_key); a test cannot send that
    // many, so this one uses 1000 with a refresh every 100.
    ConnectionConfig config;
    config.passphrase = "a passphrase of some length";
    config.km_refresh_rate_pkts = 100;
    config.km_preannounce_pkts = 10;
    SeededRandom random(3);
    ConnectionCrypto silent_peer(config, random, nullptr, 1000);
    BOOST_REQUIRE(!silent_peer.initiate(16));
    for (int i = 0; i < 999; ++i) BOOST_REQUIRE((silent_peer.key_for_new_packet(i) == wire::EncryptionKey::even));
    BOOST_TEST(!silent_peer.key_exhausted());
    silent_peer.key_for_new_packet(1000);
    BOOST_TEST(silent_peer.key_exhausted());  // the connection closes rather than go on under it

    ConnectionCrypto answering_peer(config, random, nullptr, 1000);
    BOOST_REQUIRE(!answering_peer.initiate(16));
    bool switched = false;
    for (int i = 0; i < 999; ++i) {
        switched |= answering_peer.key_for_new_packet(i) == wire::EncryptionKey::odd;
        for (auto& km : answering_peer.outgoing())  // the peer echoes each announcement
            if (auto decoded = wire::decode_km_message(km.body)) answering_peer.on_kmrsp(wire::ExtensionBody{*decoded});
        answering_peer.outgoing().clear();
    }
    BOOST_TEST(switched);
    BOOST_TEST(!answering_peer.key_exhausted());
}
