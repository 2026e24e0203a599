#include "core/connection_crypto.hpp"

#include <algorithm>

namespace websrt::core {

namespace {

using wire::EncryptionKey;
using wire::KmState;

EncryptionKey other_key(EncryptionKey key) {
    return key == EncryptionKey::even ? EncryptionKey::odd : EncryptionKey::even;
}

std::vector<std::uint8_t> state_word(KmState state) {
    const auto v = static_cast<std::uint32_t>(state);
    return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
            static_cast<std::uint8_t>(v)};
}

}  // namespace

ConnectionCrypto::ConnectionCrypto(const ConnectionConfig& config, RandomSource& random, KekCache* kek_cache,
                                   std::int64_t max_packets_per_key)
    : config_(config),
      random_(random),
      kek_cache_(kek_cache != nullptr ? kek_cache : &own_kek_cache_),
      max_packets_per_key_(max_packets_per_key),
      refresh_rate_(
          std::min(config.km_refresh_rate_pkts > 0 ? config.km_refresh_rate_pkts : km_timing::default_refresh_rate,
                   std::max<std::int64_t>(max_packets_per_key / 4, 2))),
      // libsrt keeps the pre-announce at most (refresh − 1) / 2 (SRTO_KMPREANNOUNCE), so the
      // announcement always precedes the switch and follows the previous one.
      preannounce_(
          std::min(config.km_preannounce_pkts > 0 ? config.km_preannounce_pkts : km_timing::default_preannounce,
                   (refresh_rate_ - 1) / 2)) {}

bool ConnectionCrypto::accepts_cipher(std::uint8_t cipher) const {
    switch (config_.crypto_mode) {
    case CryptoMode::automatic: return cipher == km_cipher_aes_ctr || cipher == km_cipher_aes_gcm;
    case CryptoMode::aes_ctr: return cipher == km_cipher_aes_ctr;
    case CryptoMode::aes_gcm: return cipher == km_cipher_aes_gcm;
    }
    return false;
}

std::optional<KeyMaterialError> ConnectionCrypto::initiate(std::size_t key_size) {
    if (!is_sek_size(key_size)) return KeyMaterialError::malformed;  // the keys' arrays hold at most 32 bytes
    // A caller in automatic mode uses AES-CTR, which every libsrt speaks (libsrt
    // CCryptoControl::init: only an explicit AES-GCM mode creates a GCM context).
    const std::uint8_t cipher = config_.crypto_mode == CryptoMode::aes_gcm ? km_cipher_aes_gcm : km_cipher_aes_ctr;
    tx_keys_ = generate_stream_keys(random_, key_size, EncryptionKey::even, cipher);
    auto km = build_key_material(tx_keys_, EncryptionKey::even, config_.passphrase);
    if (!km) return km.error();
    handshake_km_ = std::move(km.value());
    // Bidirectional: what we send and what we receive start with the same key.
    if (!tx_.install(tx_keys_) || !rx_.install(tx_keys_)) return KeyMaterialError::crypto_failure;
    rx_keys_ = tx_keys_;
    active_ = EncryptionKey::even;
    tx_state_ = rx_state_ = KmState::securing;
    return std::nullopt;
}

KmState ConnectionCrypto::install_received(const wire::KmMessage& km, std::optional<wire::SeqNo> retire_before) {
    if (!accepts_cipher(km.cipher)) return KmState::bad_crypto_mode;
    auto keys = unwrap_key_material(km, config_.passphrase, kek_cache_);
    if (!keys) return keys.error() == KeyMaterialError::bad_secret ? KmState::bad_secret : KmState::no_secret;
    const auto status = retire_before ? rx_.install_refresh(*keys, rx_keys_, *retire_before) : rx_.install(*keys);
    if (!status) return KmState::no_secret;
    rx_keys_ = *keys;
    return KmState::secured;
}

KmState ConnectionCrypto::answer_handshake(const wire::KmMessage* km) {
    if (!km) {
        // The caller wants no encryption. With a passphrase of ours, the KMRSP says UNSECURED
        // (libsrt fillHsExtKMRSP) and the connection is refused when encryption is enforced.
        tx_state_ = has_passphrase() ? KmState::no_secret : KmState::unsecured;
        rx_state_ = KmState::unsecured;
        return tx_state_;
    }
    if (!has_passphrase()) {
        tx_state_ = KmState::unsecured;
        rx_state_ = KmState::no_secret;
        return KmState::no_secret;
    }
    const KmState state = install_received(*km);
    tx_state_ = rx_state_ = state;
    if (state != KmState::secured) return state;
    // HSv5: the caller's key also keys what we send (libsrt processSrtMsg_KMREQ clones RX to TX).
    tx_keys_ = rx_keys_;
    active_ = tx_keys_.has_even ? EncryptionKey::even : EncryptionKey::odd;
    if (!tx_.install(tx_keys_)) {
        tx_state_ = rx_state_ = KmState::no_secret;
        return KmState::no_secret;
    }
    handshake_km_ = encode_key_material(*km);
    return state;
}

std::optional<wire::ExtensionBody> ConnectionCrypto::handshake_kmrsp() const {
    if (rx_state_ == KmState::secured) {
        if (auto km = wire::decode_km_message(handshake_km_)) return wire::ExtensionBody{*km};
        return std::nullopt;
    }
    if (rx_state_ == KmState::no_secret || rx_state_ == KmState::bad_secret || rx_state_ == KmState::bad_crypto_mode)
        return wire::ExtensionBody{wire::KmErrorReport{rx_state_}};
    if (tx_state_ == KmState::no_secret) return wire::ExtensionBody{wire::KmErrorReport{KmState::unsecured}};
    return std::nullopt;
}

KmState ConnectionCrypto::accept_handshake_kmrsp(const wire::ExtensionBody* kmrsp) {
    if (!has_passphrase()) {
        // The listener answers with key material we never asked for: it wants encryption.
        return kmrsp ? KmState::no_secret : KmState::unsecured;
    }
    KmState state = KmState::no_secret;  // no KMRSP: the listener has no encryption at all
    if (const auto* km = kmrsp ? std::get_if<wire::KmMessage>(kmrsp) : nullptr) {
        // The listener echoes the KM it could unwrap; anything else is a mismatch (libsrt
        // processSrtMsg_KMRSP: "KM response matches no key" → BADSECRET).
        state = encode_key_material(*km) == handshake_km_ ? KmState::secured : KmState::bad_secret;
    } else if (const auto* report = kmrsp ? std::get_if<wire::KmErrorReport>(kmrsp) : nullptr) {
        // libsrt processSrtMsg_KMRSP: the peer's state mapped onto ours.
        state = report->state == KmState::bad_secret || report->state == KmState::bad_crypto_mode ? report->state
                                                                                                  : KmState::no_secret;
    }
    tx_state_ = rx_state_ = state;
    // Unless secured, nothing we receive can be decrypted with our key: take the peer's packets as
    // they come (a peer without a passphrase sends them clear), and drop encrypted ones.
    if (state != KmState::secured) rx_ = PayloadCipher{};
    return state;
}

std::optional<int> ConnectionCrypto::reject_code(KmState state) const {
    switch (state) {
    case KmState::unsecured:
    case KmState::securing:
    case KmState::secured: return std::nullopt;
    case KmState::bad_crypto_mode: return static_cast<int>(RejectReason::crypto);  // always (SRT_REJ_CRYPTO)
    case KmState::bad_secret:
        return config_.enforced_encryption ? std::optional<int>(static_cast<int>(RejectReason::bad_secret))
                                           : std::nullopt;
    case KmState::no_secret:
        return config_.enforced_encryption ? std::optional<int>(static_cast<int>(RejectReason::unsecure))
                                           : std::nullopt;
    }
    return std::nullopt;
}

EncryptionKey ConnectionCrypto::key_for_new_packet(Micros now) {
    const EncryptionKey key = active_;
    ++packets_with_active_;
    // libsrt hcryptCtx_Tx_ManageKM after each packet: switch once the refresh rate is exceeded,
    // announce the next key `preannounce` packets before that.
    if (packets_with_active_ > refresh_rate_ && next_key_announced_) {
        if (next_key_acknowledged_) {
            active_ = other_key(active_);
            packets_with_active_ = 0;
            next_key_announced_ = false;
        } else if (announcement_retries_ == 0 && !peer_refused_keys_) {
            // Still unanswered after all its copies: keep the current key and announce again.
            announcement_retries_ = km_timing::max_retries;
            queue_announcement(now);
        }
    } else if (packets_with_active_ > refresh_rate_ - preannounce_ && !next_key_announced_) {
        announce_refresh(now);
    }
    return key;
}

void ConnectionCrypto::announce_refresh(Micros now) {
    StreamKeys next = refresh_stream_keys(random_, tx_keys_, active_);
    auto km = build_key_material(next, EncryptionKey::both, config_.passphrase);
    if (!km || !tx_.install(next)) return;  // keep the current key; tried again with the next packet
    tx_keys_ = next;
    announcement_ = std::move(km.value());
    announcement_retries_ = km_timing::max_retries;
    next_key_announced_ = true;
    next_key_acknowledged_ = false;
    queue_announcement(now);
}

void ConnectionCrypto::queue_announcement(Micros now) {
    outgoing_.push_back({wire::ExtensionType::kmreq, announcement_});
    last_announce_time_ = now;
}

std::optional<Micros> ConnectionCrypto::next_resend_time(Micros srtt) const {
    if (announcement_retries_ <= 0) return std::nullopt;
    return last_announce_time_ + srtt * 3 / 2;
}

void ConnectionCrypto::handle_timeout(Micros now, Micros srtt) {
    const auto due = next_resend_time(srtt);
    if (!due || now < *due) return;
    --announcement_retries_;
    queue_announcement(now);
}

void ConnectionCrypto::on_kmreq(const wire::KmMessage& km, wire::SeqNo highest_received) {
    if (!has_passphrase()) {
        // libsrt answers NOSECRET, or nothing when encryption is enforced.
        if (!config_.enforced_encryption)
            outgoing_.push_back({wire::ExtensionType::kmrsp, state_word(KmState::no_secret)});
        return;
    }
    // A refresh keeps the salt (libsrt hcryptCtx_Tx_Refresh: "Keep same KEK, configuration, and
    // salt"; ours too). One with another salt while our keys work is ignored like a damaged one
    // below, before it costs a PBKDF2: a peer could send such KMREQs in a loop.
    if (rx_state_ == KmState::secured &&
        !std::equal(km.salt.begin(), km.salt.end(), rx_keys_.salt.begin(), rx_keys_.salt.end()))
        return;
    const KmState state =
        rx_state_ == KmState::secured ? install_received(km, highest_received.next()) : install_received(km);
    if (state == KmState::secured) {
        rx_state_ = state;
        outgoing_.push_back({wire::ExtensionType::kmrsp, encode_key_material(km)});
        return;
    }
    // A refresh we cannot unwrap while our keys work is taken as damaged on the way: no answer,
    // so the sender repeats it. (libsrt would give up decrypting for good.)
    if (rx_state_ == KmState::secured) return;
    rx_state_ = state;
    if (!config_.enforced_encryption) outgoing_.push_back({wire::ExtensionType::kmrsp, state_word(state)});
}

void ConnectionCrypto::on_kmrsp(const wire::ExtensionBody& body) {
    if (const auto* km = std::get_if<wire::KmMessage>(&body)) {
        if (!announcement_.empty() && encode_key_material(*km) == announcement_) {
            announcement_retries_ = 0;
            next_key_acknowledged_ = true;
        }
    } else if (const auto* report = std::get_if<wire::KmErrorReport>(&body)) {
        announcement_retries_ = 0;  // the peer cannot take our keys; repeating will not help
        peer_refused_keys_ = true;
        tx_state_ = report->state;
    }
}

}  // namespace websrt::core
