// core/connection_crypto.hpp: the HSv5 key exchange and its KM states and reject codes, both
// directions keyed by the caller's key, and the sender's key refresh (announced early, resent every
// 1.5 × SRTT at most ten times, switched to only once echoed, old keys retired by sequence number).
#include "core/connection_crypto.hpp"

#define BOOST_TEST_MODULE connection_crypto
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/data_packet.hpp"
#include "wire/km_message.hpp"

using namespace websrt::core;
namespace wire = websrt::wire;
using wire::EncryptionKey;
using wire::KmState;
using Buffer = std::vector<std::uint8_t>;

namespace {

const std::string passphrase = "a passphrase of some length";
constexpr std::int64_t test_packets_per_key = 1000;  // a test cannot send km_timing's 2^30

ConnectionConfig with_passphrase(std::string secret = passphrase) {
    ConnectionConfig config;
    config.passphrase = std::move(secret);
    return config;
}

ConnectionConfig unenforced(ConnectionConfig config) {
    config.enforced_encryption = false;
    return config;
}

/// KM states by name, so that a failed check says which.
std::string name(KmState state) {
    switch (state) {
    case KmState::unsecured: return "unsecured";
    case KmState::securing: return "securing";
    case KmState::secured: return "secured";
    case KmState::no_secret: return "no_secret";
    case KmState::bad_secret: return "bad_secret";
    case KmState::bad_crypto_mode: return "bad_crypto_mode";
    }
    return "state " + std::to_string(static_cast<std::uint32_t>(state));
}

/// The reject code a side in `state` refuses with; 0 when it accepts (0 is no code it uses).
int refusal(const ConnectionCrypto& side, KmState state) { return side.reject_code(state).value_or(0); }
int code(RejectReason reason) { return static_cast<int>(reason); }

/// A KM message decoded from `bytes` (which it views: they must outlive it).
wire::KmMessage km_of(const std::vector<std::uint8_t>& bytes) {
    const auto km = wire::decode_km_message(bytes);
    BOOST_REQUIRE(km);
    return *km;
}

struct Outcome {
    KmState listener;
    KmState caller;
};

/// The HSv5 key exchange as the conclusion handshake carries it: the caller's KMREQ block when it
/// has a passphrase, the listener's KMRSP block when it has one.
Outcome handshake(ConnectionCrypto& caller, ConnectionCrypto& listener) {
    std::optional<wire::KmMessage> kmreq;
    if (caller.has_passphrase()) {
        BOOST_REQUIRE(!caller.initiate(16));
        BOOST_TEST(name(caller.tx_state()) == "securing");
        kmreq = km_of(caller.handshake_km());
    }
    const KmState at_listener = listener.answer_handshake(kmreq ? &*kmreq : nullptr);
    const auto kmrsp = listener.handshake_kmrsp();
    const KmState at_caller = caller.accept_handshake_kmrsp(kmrsp ? &*kmrsp : nullptr);
    return {at_listener, at_caller};
}

/// Data packet `seq` carrying `text`, encrypted by `sender` under `key` as it goes on the wire.
Buffer sealed(ConnectionCrypto& sender, std::uint32_t seq, EncryptionKey key, std::string_view text) {
    const Buffer payload(text.begin(), text.end());
    wire::DataPacket packet;
    packet.seq = wire::SeqNo(seq);
    packet.key = key;
    packet.message_number = wire::MsgNo(1);
    packet.payload = payload;
    Buffer datagram(wire::header_size + payload.size() + gcm_tag_size);
    BOOST_REQUIRE(wire::encode_data_packet(packet, datagram));
    const auto size = sender.seal(packet, datagram);
    BOOST_REQUIRE(size);
    datagram.resize(*size);
    return datagram;
}

/// What `opened` says when the receiver has no key for a packet or it fails authentication.
constexpr std::string_view not_opened = "(not opened)";

/// What `receiver` decrypts from `datagram` (garbage under a wrong AES-CTR key), or not_opened.
std::string opened(ConnectionCrypto& receiver, const Buffer& datagram) {
    const auto packet = wire::decode_data_packet(datagram);
    BOOST_REQUIRE(packet);
    const auto payload = receiver.open(*packet);
    if (!payload) return std::string(not_opened);
    return std::string(payload->begin(), payload->end());
}

/// Sends packets from `sender` (sequence numbers from `seq` on, at `now`) until it queues a KM
/// message or `limit` packets went out; the number sent.
int send_until_announcement(ConnectionCrypto& sender, std::uint32_t& seq, Micros now, int limit) {
    for (int sent = 1; sent <= limit; ++sent) {
        sender.key_for_new_packet(now);
        ++seq;
        if (!sender.outgoing().empty()) return sent;
    }
    return limit;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_shared_passphrase_secures_both_directions_with_the_callers_key) {
    SeededRandom random(1);
    ConnectionCrypto caller(with_passphrase(), random);
    ConnectionCrypto listener(with_passphrase(), random);
    const Outcome outcome = handshake(caller, listener);
    BOOST_TEST(name(outcome.listener) == "secured");
    BOOST_TEST(name(outcome.caller) == "secured");
    BOOST_TEST(refusal(listener, outcome.listener) == 0);
    BOOST_TEST(refusal(caller, outcome.caller) == 0);
    // The KMRSP is the KMREQ echoed.
    const auto kmrsp = listener.handshake_kmrsp();
    BOOST_REQUIRE(kmrsp);
    BOOST_TEST(encode_key_material(std::get<wire::KmMessage>(*kmrsp)) == caller.handshake_km());
    for (const ConnectionCrypto* side : {&caller, &listener}) {
        BOOST_TEST(side->encrypting());
        BOOST_TEST(side->decrypting());
        BOOST_TEST(side->overhead() == 0u);  // AES-CTR
    }
    const EncryptionKey caller_key = caller.key_for_new_packet(0);
    const EncryptionKey listener_key = listener.key_for_new_packet(0);
    BOOST_TEST((caller_key == EncryptionKey::even && listener_key == EncryptionKey::even));
    const Buffer upstream = sealed(caller, 1, caller_key, "caller to listener");
    const Buffer downstream = sealed(listener, 1, listener_key, "listener to caller");
    BOOST_TEST(opened(listener, upstream) == "caller to listener");
    BOOST_TEST(opened(caller, downstream) == "listener to caller");
    BOOST_TEST(upstream.size() == wire::header_size + 18);
    const std::string on_the_wire(upstream.begin() + wire::header_size, upstream.end());
    BOOST_TEST(on_the_wire != "caller to listener");
}

BOOST_AUTO_TEST_CASE(an_aes_gcm_caller_keys_an_automatic_listener_and_its_packets_are_authenticated) {
    SeededRandom random(2);
    ConnectionConfig gcm = with_passphrase();
    gcm.crypto_mode = CryptoMode::aes_gcm;
    ConnectionCrypto caller(gcm, random);
    ConnectionCrypto listener(with_passphrase(), random);  // cryptomode automatic takes either
    const Outcome outcome = handshake(caller, listener);
    BOOST_TEST(name(outcome.listener) == "secured");
    BOOST_TEST(name(outcome.caller) == "secured");
    BOOST_TEST(km_of(caller.handshake_km()).cipher == km_cipher_aes_gcm);
    BOOST_TEST(caller.overhead() == gcm_tag_size);
    BOOST_TEST(listener.overhead() == gcm_tag_size);
    Buffer datagram = sealed(listener, 7, listener.key_for_new_packet(0), "authenticated");
    BOOST_TEST(datagram.size() == wire::header_size + 13 + gcm_tag_size);
    BOOST_TEST(opened(caller, datagram) == "authenticated");
    datagram[wire::header_size] ^= 1;  // one bit flipped on the way
    BOOST_TEST(opened(caller, datagram) == not_opened);
}

BOOST_AUTO_TEST_CASE(a_cipher_the_cryptomode_refuses_is_refused_with_the_crypto_code_even_unenforced) {
    SeededRandom random(3);
    ConnectionConfig gcm = unenforced(with_passphrase());
    gcm.crypto_mode = CryptoMode::aes_gcm;
    ConnectionConfig ctr = unenforced(with_passphrase());
    ctr.crypto_mode = CryptoMode::aes_ctr;
    ConnectionCrypto caller(gcm, random);
    ConnectionCrypto listener(ctr, random);
    const Outcome outcome = handshake(caller, listener);
    BOOST_TEST(name(outcome.listener) == "bad_crypto_mode");
    const auto kmrsp = listener.handshake_kmrsp();
    BOOST_REQUIRE(kmrsp);
    BOOST_TEST(name(std::get<wire::KmErrorReport>(*kmrsp).state) == "bad_crypto_mode");
    BOOST_TEST(name(outcome.caller) == "bad_crypto_mode");
    BOOST_TEST(refusal(listener, outcome.listener) == code(RejectReason::crypto));
    BOOST_TEST(refusal(caller, outcome.caller) == code(RejectReason::crypto));
    BOOST_TEST(!listener.encrypting());
}

BOOST_AUTO_TEST_CASE(a_conclusion_without_a_kmreq_is_refused_when_a_passphrase_is_set) {
    SeededRandom random(4);
    ConnectionCrypto caller(ConnectionConfig{}, random);
    ConnectionCrypto listener(with_passphrase(), random);
    const Outcome outcome = handshake(caller, listener);
    BOOST_TEST(name(outcome.listener) == "no_secret");
    // libsrt fillHsExtKMRSP: the KMRSP says UNSECURED, and the caller takes it as NOSECRET.
    const auto kmrsp = listener.handshake_kmrsp();
    BOOST_REQUIRE(kmrsp);
    BOOST_TEST(name(std::get<wire::KmErrorReport>(*kmrsp).state) == "unsecured");
    BOOST_TEST(name(outcome.caller) == "no_secret");
    BOOST_TEST(refusal(listener, outcome.listener) == code(RejectReason::unsecure));
    BOOST_TEST(refusal(caller, outcome.caller) == code(RejectReason::unsecure));
    BOOST_TEST(!listener.encrypting());
    BOOST_TEST(!listener.decrypting());

    // Unenforced, the same exchange connects in the clear.
    ConnectionCrypto lenient_caller(unenforced({}), random);
    ConnectionCrypto lenient_listener(unenforced(with_passphrase()), random);
    const Outcome lenient = handshake(lenient_caller, lenient_listener);
    BOOST_TEST(refusal(lenient_listener, lenient.listener) == 0);
    BOOST_TEST(refusal(lenient_caller, lenient.caller) == 0);

    // Neither side has a passphrase: no KMRSP at all, and nothing to refuse.
    ConnectionCrypto clear_caller(ConnectionConfig{}, random);
    ConnectionCrypto clear_listener(ConnectionConfig{}, random);
    const Outcome clear = handshake(clear_caller, clear_listener);
    BOOST_TEST(name(clear.listener) == "unsecured");
    BOOST_TEST(!clear_listener.handshake_kmrsp());
    BOOST_TEST(name(clear.caller) == "unsecured");
    BOOST_TEST(refusal(clear_caller, clear.caller) == 0);
}

BOOST_AUTO_TEST_CASE(a_listener_without_a_passphrase_answers_a_kmreq_with_no_secret) {
    SeededRandom random(5);
    ConnectionCrypto caller(with_passphrase(), random);
    ConnectionCrypto listener(ConnectionConfig{}, random);
    const Outcome outcome = handshake(caller, listener);
    BOOST_TEST(name(outcome.listener) == "no_secret");
    const auto kmrsp = listener.handshake_kmrsp();
    BOOST_REQUIRE(kmrsp);
    BOOST_TEST(name(std::get<wire::KmErrorReport>(*kmrsp).state) == "no_secret");
    BOOST_TEST(name(outcome.caller) == "no_secret");
    BOOST_TEST(refusal(listener, outcome.listener) == code(RejectReason::unsecure));
    BOOST_TEST(refusal(caller, outcome.caller) == code(RejectReason::unsecure));

    // Unenforced, the caller takes the listener's clear packets and no longer decrypts.
    ConnectionCrypto lenient_caller(unenforced(with_passphrase()), random);
    ConnectionCrypto lenient_listener(unenforced({}), random);
    const Outcome lenient = handshake(lenient_caller, lenient_listener);
    BOOST_TEST(refusal(lenient_caller, lenient.caller) == 0);
    BOOST_TEST(!lenient_caller.decrypting());

    // A listener that sends no KMRSP at all has no encryption: NOSECRET too.
    ConnectionCrypto unanswered(with_passphrase(), random);
    BOOST_REQUIRE(!unanswered.initiate(16));
    BOOST_TEST(name(unanswered.accept_handshake_kmrsp(nullptr)) == "no_secret");
}

BOOST_AUTO_TEST_CASE(a_wrong_passphrase_is_a_bad_secret_on_both_sides) {
    SeededRandom random(6);
    ConnectionCrypto caller(with_passphrase(), random);
    ConnectionCrypto listener(with_passphrase("another passphrase entirely"), random);
    const Outcome outcome = handshake(caller, listener);
    BOOST_TEST(name(outcome.listener) == "bad_secret");
    const auto kmrsp = listener.handshake_kmrsp();
    BOOST_REQUIRE(kmrsp);
    BOOST_TEST(name(std::get<wire::KmErrorReport>(*kmrsp).state) == "bad_secret");
    BOOST_TEST(name(outcome.caller) == "bad_secret");
    BOOST_TEST(refusal(listener, outcome.listener) == code(RejectReason::bad_secret));
    BOOST_TEST(refusal(caller, outcome.caller) == code(RejectReason::bad_secret));
    BOOST_TEST(!listener.decrypting());
    BOOST_TEST(!caller.decrypting());

    ConnectionCrypto lenient(unenforced(with_passphrase()), random);
    BOOST_TEST(refusal(lenient, KmState::bad_secret) == 0);
    BOOST_TEST(refusal(lenient, KmState::no_secret) == 0);
    BOOST_TEST(refusal(lenient, KmState::securing) == 0);
}

BOOST_AUTO_TEST_CASE(a_kmrsp_echoing_key_material_other_than_ours_is_a_bad_secret) {
    SeededRandom random(7);
    ConnectionCrypto caller(with_passphrase(), random);
    ConnectionCrypto stranger(with_passphrase(), random);  // same passphrase, its own keys
    BOOST_REQUIRE(!caller.initiate(16));
    BOOST_REQUIRE(!stranger.initiate(16));
    const wire::ExtensionBody foreign{km_of(stranger.handshake_km())};
    BOOST_TEST(name(caller.accept_handshake_kmrsp(&foreign)) == "bad_secret");
    BOOST_TEST(!caller.decrypting());

    // A caller that asked for no encryption and is answered with key material: the listener
    // wants encryption it does not have.
    ConnectionCrypto clear_caller(ConnectionConfig{}, random);
    BOOST_TEST(name(clear_caller.accept_handshake_kmrsp(&foreign)) == "no_secret");
    BOOST_TEST(refusal(clear_caller, KmState::no_secret) == code(RejectReason::unsecure));
}

BOOST_AUTO_TEST_CASE(a_refresh_is_announced_early_switched_to_once_echoed_and_old_keys_retire_by_sequence) {
    ConnectionConfig config = with_passphrase();
    config.km_refresh_rate_pkts = 100;
    config.km_preannounce_pkts = 10;
    SeededRandom random(8);
    ConnectionCrypto caller(config, random, nullptr, test_packets_per_key);
    ConnectionCrypto listener(config, random, nullptr, test_packets_per_key);
    BOOST_REQUIRE(name(handshake(caller, listener).caller) == "secured");
    std::uint32_t seq = 0;

    // Packet 91 is the first past refresh − preannounce: it announces the odd key.
    BOOST_TEST(send_until_announcement(caller, seq, 0, 200) == 91);
    const Buffer before_first_refresh = sealed(caller, 50, EncryptionKey::even, "sent under the first even key");
    BOOST_REQUIRE_EQUAL(caller.outgoing().size(), 1u);
    BOOST_TEST((caller.outgoing().front().type == wire::ExtensionType::kmreq));
    // Unanswered, the caller stays on the even key past the refresh rate.
    for (int i = 0; i < 15; ++i, ++seq) BOOST_REQUIRE((caller.key_for_new_packet(0) == EncryptionKey::even));

    const auto announcement = caller.outgoing().front().body;
    caller.outgoing().pop_front();
    listener.on_kmreq(km_of(announcement), wire::SeqNo(seq));
    BOOST_REQUIRE_EQUAL(listener.outgoing().size(), 1u);
    BOOST_TEST((listener.outgoing().front().type == wire::ExtensionType::kmrsp));
    BOOST_TEST(listener.outgoing().front().body == announcement);  // the KMRSP echoes the KMREQ
    caller.on_kmrsp(wire::ExtensionBody{km_of(listener.outgoing().front().body)});
    listener.outgoing().pop_front();
    BOOST_TEST(!caller.next_resend_time(10'000));

    BOOST_TEST((caller.key_for_new_packet(0) == EncryptionKey::even));  // the last under the old key
    ++seq;
    BOOST_TEST((caller.key_for_new_packet(0) == EncryptionKey::odd));
    ++seq;
    BOOST_TEST(caller.packets_with_active_key() == 1);
    BOOST_TEST(opened(listener, sealed(caller, seq, EncryptionKey::odd, "under the odd key")) == "under the odd key");

    // The second refresh replaces the even key; the listener is told after packet `seq`.
    BOOST_TEST(send_until_announcement(caller, seq, 0, 200) == 90);  // 91 with the odd one above
    const auto second = caller.outgoing().front().body;
    caller.outgoing().pop_front();
    listener.on_kmreq(km_of(second), wire::SeqNo(seq));
    caller.on_kmrsp(wire::ExtensionBody{km_of(listener.outgoing().front().body)});
    listener.outgoing().pop_front();
    EncryptionKey key = EncryptionKey::odd;
    while (key == EncryptionKey::odd) {
        key = caller.key_for_new_packet(0);
        ++seq;
    }
    BOOST_TEST(opened(listener, sealed(caller, seq, EncryptionKey::even, "under the second even key")) ==
               "under the second even key");
    // A late retransmission from before the announcement still decrypts under the first even key.
    BOOST_TEST(opened(listener, before_first_refresh) == "sent under the first even key");
}

BOOST_AUTO_TEST_CASE(an_unanswered_announcement_is_resent_every_one_and_a_half_srtt_ten_times_then_announced_anew) {
    ConnectionConfig config = with_passphrase();
    config.km_refresh_rate_pkts = 100;
    config.km_preannounce_pkts = 10;
    SeededRandom random(9);
    ConnectionCrypto caller(config, random, nullptr, test_packets_per_key);
    ConnectionCrypto listener(config, random, nullptr, test_packets_per_key);
    BOOST_REQUIRE(name(handshake(caller, listener).caller) == "secured");
    constexpr Micros srtt = 20'000;
    Micros now = 5'000;
    std::uint32_t seq = 0;
    BOOST_REQUIRE_EQUAL(send_until_announcement(caller, seq, now, 200), 91);
    BOOST_TEST(caller.next_resend_time(srtt).value_or(-1) == now + 30'000);
    caller.handle_timeout(now + 29'999, srtt);
    BOOST_TEST(caller.outgoing().size() == 1u);
    for (int resend = 1; resend <= km_timing::max_retries; ++resend) {
        now += 30'000;
        caller.handle_timeout(now, srtt);
        BOOST_TEST(caller.outgoing().size() == static_cast<std::size_t>(1 + resend));
    }
    BOOST_TEST(!caller.next_resend_time(srtt));
    caller.handle_timeout(now + seconds(10), srtt);
    BOOST_TEST(caller.outgoing().size() == 11u);
    for (const OutgoingKm& copy : caller.outgoing()) BOOST_TEST(copy.body == caller.outgoing().front().body);

    // Past the refresh rate with every copy unanswered: the same key is announced again.
    for (int i = 92; i <= 100; ++i) caller.key_for_new_packet(now);
    BOOST_TEST(caller.outgoing().size() == 11u);
    caller.key_for_new_packet(now);
    BOOST_TEST(caller.outgoing().size() == 12u);
    BOOST_TEST(caller.outgoing().back().body == caller.outgoing().front().body);
    BOOST_TEST(caller.next_resend_time(srtt).value_or(-1) == now + 30'000);

    // And the key is never switched: after max_packets_per_key the connection must close.
    while (caller.packets_with_active_key() < test_packets_per_key - 1)
        BOOST_REQUIRE((caller.key_for_new_packet(now) == EncryptionKey::even));
    BOOST_TEST(!caller.key_exhausted());
    caller.key_for_new_packet(now);
    BOOST_TEST(caller.key_exhausted());
}

BOOST_AUTO_TEST_CASE(a_kmrsp_error_report_stops_the_announcements_and_keeps_the_current_key) {
    ConnectionConfig config = with_passphrase();
    config.km_refresh_rate_pkts = 100;
    config.km_preannounce_pkts = 10;
    SeededRandom random(10);
    ConnectionCrypto caller(config, random, nullptr, test_packets_per_key);
    ConnectionCrypto listener(config, random, nullptr, test_packets_per_key);
    BOOST_REQUIRE(name(handshake(caller, listener).caller) == "secured");
    std::uint32_t seq = 0;
    BOOST_REQUIRE_EQUAL(send_until_announcement(caller, seq, 0, 200), 91);
    caller.outgoing().clear();
    caller.on_kmrsp(wire::ExtensionBody{wire::KmErrorReport{KmState::bad_secret}});
    BOOST_TEST(!caller.next_resend_time(20'000));
    BOOST_TEST(name(caller.tx_state()) == "bad_secret");
    for (int i = 0; i < 300; ++i) BOOST_REQUIRE((caller.key_for_new_packet(i) == EncryptionKey::even));
    caller.handle_timeout(seconds(60), 20'000);
    BOOST_TEST(caller.outgoing().empty());
}

BOOST_AUTO_TEST_CASE(an_in_band_kmreq_that_cannot_be_taken_is_answered_or_ignored_as_libsrt_does) {
    SeededRandom random(11);
    ConnectionCrypto sender(with_passphrase(), random);
    BOOST_REQUIRE(!sender.initiate(16));
    const wire::KmMessage km = km_of(sender.handshake_km());

    // No passphrase: NOSECRET (a single state word), or silence when encryption is enforced.
    ConnectionCrypto clear(unenforced({}), random);
    clear.on_kmreq(km, wire::SeqNo(0));
    BOOST_REQUIRE_EQUAL(clear.outgoing().size(), 1u);
    BOOST_TEST((clear.outgoing().front().type == wire::ExtensionType::kmrsp));
    BOOST_TEST(clear.outgoing().front().body == (Buffer{0, 0, 0, 3}));
    ConnectionCrypto enforced(ConnectionConfig{}, random);
    enforced.on_kmreq(km, wire::SeqNo(0));
    BOOST_TEST(enforced.outgoing().empty());

    // Secured with working keys, a KM that does not unwrap is taken as damaged: no answer, and
    // the keys keep working (the sender repeats its announcement).
    ConnectionCrypto secured(with_passphrase(), random);
    BOOST_REQUIRE(name(secured.answer_handshake(&km)) == "secured");
    ConnectionCrypto impostor(with_passphrase("not the passphrase at all"), random);
    BOOST_REQUIRE(!impostor.initiate(16));
    secured.on_kmreq(km_of(impostor.handshake_km()), wire::SeqNo(10));
    BOOST_TEST(secured.outgoing().empty());
    BOOST_TEST(name(secured.rx_state()) == "secured");
    BOOST_TEST(opened(secured, sealed(sender, 11, EncryptionKey::even, "still readable")) == "still readable");

    // Not yet secured (the handshake carried no KMREQ): the failure is reported, then a good KM
    // secures the receiving side and is echoed.
    ConnectionCrypto waiting(unenforced(with_passphrase()), random);
    BOOST_REQUIRE(name(waiting.answer_handshake(nullptr)) == "no_secret");
    waiting.on_kmreq(km_of(impostor.handshake_km()), wire::SeqNo(0));
    BOOST_REQUIRE_EQUAL(waiting.outgoing().size(), 1u);
    BOOST_TEST(waiting.outgoing().front().body == (Buffer{0, 0, 0, 4}));  // BADSECRET
    BOOST_TEST(name(waiting.rx_state()) == "bad_secret");
    waiting.outgoing().clear();
    waiting.on_kmreq(km, wire::SeqNo(0));
    BOOST_TEST(name(waiting.rx_state()) == "secured");
    BOOST_REQUIRE_EQUAL(waiting.outgoing().size(), 1u);
    BOOST_TEST(waiting.outgoing().front().body == sender.handshake_km());
    BOOST_TEST(opened(waiting, sealed(sender, 1, EncryptionKey::even, "now readable")) == "now readable");
}

BOOST_AUTO_TEST_CASE(an_in_band_kmreq_with_another_salt_than_the_keys_in_use_is_ignored) {
    // A refresh keeps the salt (libsrt and websrt alike). Another salt, even wrapped with the
    // right passphrase, is ignored before any key derivation: no answer, and the keys in use
    // keep working.
    SeededRandom random(12);
    ConnectionCrypto sender(with_passphrase(), random);
    BOOST_REQUIRE(!sender.initiate(16));
    ConnectionCrypto secured(with_passphrase(), random);
    const wire::KmMessage km = km_of(sender.handshake_km());
    BOOST_REQUIRE(name(secured.answer_handshake(&km)) == "secured");
    ConnectionCrypto other(with_passphrase(), random);
    BOOST_REQUIRE(!other.initiate(16));
    const wire::KmMessage other_km = km_of(other.handshake_km());
    BOOST_REQUIRE(!std::equal(other_km.salt.begin(), other_km.salt.end(), km.salt.begin(), km.salt.end()));
    secured.on_kmreq(other_km, wire::SeqNo(10));
    BOOST_TEST(secured.outgoing().empty());
    BOOST_TEST(opened(secured, sealed(sender, 11, EncryptionKey::even, "the same keys")) == "the same keys");
    BOOST_TEST(opened(secured, sealed(other, 12, EncryptionKey::even, "not taken")) != "not taken");
}

BOOST_AUTO_TEST_CASE(a_key_size_srt_does_not_define_is_malformed_key_material) {
    SeededRandom random(12);
    // Above 32 the keys would not fit their arrays: refused before any is drawn.
    for (const std::size_t size : {std::size_t{0}, std::size_t{8}, std::size_t{17}, std::size_t{31}, std::size_t{33},
                                   std::size_t{64}, std::size_t{4096}}) {
        ConnectionCrypto caller(with_passphrase(), random);
        const auto error = caller.initiate(size);
        BOOST_TEST((error == KeyMaterialError::malformed), "key size " << size);
        BOOST_TEST(!caller.encrypting());
    }
    for (const std::size_t size : {std::size_t{16}, std::size_t{24}, std::size_t{32}}) {
        ConnectionCrypto caller(with_passphrase(), random);
        BOOST_TEST(!caller.initiate(size), "key size " << size);
        BOOST_TEST(km_of(caller.handshake_km()).key_length == size);
    }
}
