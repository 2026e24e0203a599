// One connection's encryption (draft-sharabayko-srt §6; libsrt srtcore/crypto.cpp CCryptoControl
// and haicrypt hcrypt_ctx_tx.c): the key exchange in the HSv5 conclusion handshake, the keys each
// direction encrypts with, the sender's key refresh with its in-band announcement (KMREQ resent
// until the peer's KMRSP echoes it), and the answers to the peer's announcements.
//
// HSv5 is bidirectional: the caller draws the first key, and the listener uses it for both
// directions. Afterwards each side refreshes the keys it sends with on its own schedule.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "core/connection_config.hpp"
#include "core/kek_cache.hpp"
#include "core/key_material.hpp"
#include "core/payload_cipher.hpp"
#include "core/random_source.hpp"
#include "core/reject_reason.hpp"
#include "core/time.hpp"
#include "wire/handshake.hpp"

namespace websrt::core {

/// Key material timing, as libsrt's (srtcore/crypto.h, haicrypt.h).
namespace km_timing {
/// An unanswered KMREQ is resent after 1.5 × SRTT, at most this many times (SRT_MAX_KMRETRY).
inline constexpr int max_retries = 10;
/// The most packets one key encrypts. The AES-CTR counter block and the GCM nonce come from the
/// 31-bit sequence number: at 2^31 packets under one key they would repeat. Half of that leaves
/// room for every packet in flight; a refresh rate above a quarter of it is lowered so that a
/// key is always replaced in time when the peer answers.
inline constexpr std::int64_t max_packets_per_key = std::int64_t{1} << 30;
/// Defaults when refresh rate / pre-announce are 0: 2^24 and 4096 packets (HAICRYPT_DEF_KM_*).
inline constexpr std::int64_t default_refresh_rate = std::int64_t{1} << 24;
inline constexpr std::int64_t default_preannounce = 4096;
}  // namespace km_timing

/// A KM control message to send in band (UMSG_EXT with subtype KMREQ or KMRSP).
struct OutgoingKm {
    wire::ExtensionType type = wire::ExtensionType::kmreq;
    std::vector<std::uint8_t> body;  // an encoded KM message, or one state word
};

class ConnectionCrypto {
public:
    /// `kek_cache` (shared, e.g. by a listener's connections; must outlive this object) saves a
    /// PBKDF2 per repeated salt; without one the connection caches its own KEKs.
    /// `max_packets_per_key` is km_timing's except in tests, which cannot send 2^30 packets.
    ConnectionCrypto(const ConnectionConfig& config, RandomSource& random, KekCache* kek_cache = nullptr,
                     std::int64_t max_packets_per_key = km_timing::max_packets_per_key);

    // ---- handshake ----

    /// Caller: draws the first (even) key. Its KM goes in the conclusion's KMREQ.
    std::optional<KeyMaterialError> initiate(std::size_t key_size);
    /// The caller's KM (valid for the connection's lifetime, for the handshake to view).
    [[nodiscard]] const std::vector<std::uint8_t>& handshake_km() const { return handshake_km_; }

    /// Listener: processes the caller's KMREQ (`km` null when the caller sent none) and keys both
    /// directions with it. The state says how it went: secured, no_secret (we have no passphrase),
    /// bad_secret, bad_crypto_mode; unsecured when neither side wants encryption.
    wire::KmState answer_handshake(const wire::KmMessage* km);
    /// The KMRSP block for the listener's answer (the KM echoed, or a state word); nothing when
    /// neither side asked for encryption.
    [[nodiscard]] std::optional<wire::ExtensionBody> handshake_kmrsp() const;

    /// Caller: the listener's KMRSP block (null when absent). Secured when it echoes our KM.
    wire::KmState accept_handshake_kmrsp(const wire::ExtensionBody* kmrsp);

    /// The reject code a side with `state` after the handshake must refuse with, or nothing
    /// (libsrt interpretSrtHandshake with SRTO_ENFORCEDENCRYPTION).
    [[nodiscard]] std::optional<int> reject_code(wire::KmState state) const;

    /// The peer's announced SRT version picks the AES-GCM nonce and associated-data layout, as
    /// libsrt picks it (see GcmLayout). Until it is known, the current layout.
    void set_peer_version(std::uint32_t peer_srt_version) { gcm_layout_ = gcm_layout_for_peer(peer_srt_version); }

    // ---- data ----

    [[nodiscard]] bool encrypting() const { return tx_.keyed(); }
    /// The key new packets go out with now, none when not encrypting (libsrt
    /// getSndCryptoFlags, which FEC packets carry).
    [[nodiscard]] wire::EncryptionKey active_key() const { return encrypting() ? active_ : wire::EncryptionKey::none; }
    /// The active key has encrypted max_packets_per_key packets and the peer never confirmed
    /// the next one: the connection must close rather than send more under it.
    [[nodiscard]] std::int64_t packets_with_active_key() const { return packets_with_active_; }
    [[nodiscard]] bool key_exhausted() const { return packets_with_active_ >= max_packets_per_key_; }
    /// Received packets must be encrypted once our receiving side is secured (libsrt drops
    /// clear packets then, counting them as undecrypted).
    [[nodiscard]] bool decrypting() const { return rx_.keyed(); }
    /// Bytes each sealed payload grows by (the GCM tag).
    [[nodiscard]] std::size_t overhead() const { return tx_.overhead(); }

    /// The key a new packet is sent with; counts the packet and steps the refresh schedule, which
    /// may queue an announcement (libsrt checkSndKMRefresh after each encryption).
    wire::EncryptionKey key_for_new_packet(Micros now);
    /// Encrypts the packet encoded in `datagram` with the key its KK flags name.
    std::optional<std::size_t> seal(const wire::DataPacket& packet, wire::MutableBytes datagram) {
        return tx_.seal(packet, datagram, gcm_layout_);
    }
    /// The decrypted payload of a received packet (valid until the next call), or nothing.
    std::optional<wire::Bytes> open(const wire::DataPacket& packet) {
        const auto size = rx_.open(packet, scratch_, gcm_layout_);
        if (!size) return std::nullopt;
        return wire::Bytes(scratch_.data(), *size);
    }

    // ---- in-band key material ----

    /// The peer's in-band KMREQ: installs its keys for receiving and queues the KMRSP. A key that
    /// replaces an older one in its slot still decrypts packets up to `highest_received`: those
    /// were sent before the announcement, so under the old key.
    void on_kmreq(const wire::KmMessage& km, wire::SeqNo highest_received);
    /// The peer's in-band KMRSP: an echo of our announcement stops its retries.
    void on_kmrsp(const wire::ExtensionBody& body);
    /// When an unanswered announcement is due again (1.5 × SRTT after the last copy).
    [[nodiscard]] std::optional<Micros> next_resend_time(Micros srtt) const;
    /// Queues the announcement again if due.
    void handle_timeout(Micros now, Micros srtt);
    /// KM control messages waiting to be sent; the connection encodes the front and pops it.
    std::deque<OutgoingKm>& outgoing() { return outgoing_; }

    [[nodiscard]] wire::KmState tx_state() const { return tx_state_; }
    [[nodiscard]] wire::KmState rx_state() const { return rx_state_; }
    [[nodiscard]] bool has_passphrase() const { return !config_.passphrase.empty(); }

private:
    /// Whether our cryptomode accepts the peer's cipher (SRTO_CRYPTOMODE; auto takes either).
    [[nodiscard]] bool accepts_cipher(std::uint8_t cipher) const;
    /// Unwraps `km` and keys the receiving side (as a refresh when `retire_before` is given);
    /// the resulting state.
    wire::KmState install_received(const wire::KmMessage& km, std::optional<wire::SeqNo> retire_before = std::nullopt);
    void announce_refresh(Micros now);
    void queue_announcement(Micros now);

    ConnectionConfig config_;
    RandomSource& random_;
    // A connection given no cache (a caller's) keeps its own: a repeated refresh costs one
    // PBKDF2, not one per KMREQ.
    KekCache own_kek_cache_;
    KekCache* kek_cache_;
    std::int64_t max_packets_per_key_;
    std::int64_t refresh_rate_;
    std::int64_t preannounce_;

    PayloadCipher tx_;
    PayloadCipher rx_;
    GcmLayout gcm_layout_ = GcmLayout::current;
    StreamKeys tx_keys_;
    StreamKeys rx_keys_;  // what rx_ was last keyed with
    wire::EncryptionKey active_ = wire::EncryptionKey::even;
    std::int64_t packets_with_active_ = 0;
    bool next_key_announced_ = false;
    // The sender switches to an announced key only once the peer has echoed it: a receiver
    // without the key would decrypt garbage (AES-CTR cannot tell). libsrt switches after the
    // pre-announce period regardless.
    bool next_key_acknowledged_ = false;
    bool peer_refused_keys_ = false;
    wire::KmState tx_state_ = wire::KmState::unsecured;
    wire::KmState rx_state_ = wire::KmState::unsecured;

    std::vector<std::uint8_t> handshake_km_;  // caller: our KMREQ; listener: the echo
    std::vector<std::uint8_t> announcement_;  // the refresh KM awaiting its KMRSP
    int announcement_retries_ = 0;
    Micros last_announce_time_ = 0;
    std::deque<OutgoingKm> outgoing_;
    std::array<std::uint8_t, 1500> scratch_{};  // decrypted payloads, copied by the receive buffer
};

}  // namespace websrt::core
