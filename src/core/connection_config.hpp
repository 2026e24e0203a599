// Per-connection settings, named and defaulted as libsrt's socket options (srtcore/socketconfig.h,
// docs/API/API-socket-options.md). Units are in the names; srt:// URIs map onto these fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/time.hpp"
#include "wire/constants.hpp"

namespace websrt::core {

/// The bounds of the settings, each the libsrt limit it matches. validate() checks a config
/// against them; the URI parser and the handshake (for what a peer announces) use them too.
namespace limits {
/// SRTO_MSS: at least the headers of one packet (libsrt minimum 76), at most 1500.
inline constexpr int min_mss = 76;
inline constexpr int max_mss = 1500;
/// SRTO_PAYLOADSIZE in live mode: at most SRT_LIVE_MAX_PLSIZE (1500 − 44).
inline constexpr int max_live_payload = 1456;
/// SRTO_FC: at least 32 packets; below it nothing useful flows, and 0 stalls the sender.
inline constexpr int min_flight_window = 32;
/// SRTO_SNDBUF/SRTO_RCVBUF: at least 32 packets (libsrt's minimum); at most 2^20 packets
/// (1.5 GB of payload: beyond any latency × rate a live stream needs).
inline constexpr int min_buffer_pkts = 32;
inline constexpr int max_buffer_pkts = 1 << 20;
/// The handshake carries each TSBPD delay in 16 bits of milliseconds (draft §3.2.1.1, HSREQ
/// "Receiver TSBPD Delay"/"Sender TSBPD Delay"): a larger latency cannot be announced.
inline constexpr int max_latency_ms = 65535;
/// Timeouts: an hour is beyond any sane SRTO_CONNTIMEO or SRTO_PEERIDLETIMEO.
inline constexpr Micros max_timeout = seconds(3600);
/// SRTO_STREAMID: MAX_SID_LENGTH, 512 bytes.
inline constexpr std::size_t max_stream_id_size = 512;
/// SRTO_PASSPHRASE: HAICRYPT_SECRET_MIN_SZ (10) to HAICRYPT_SECRET_MAX_SZ (80) bytes.
inline constexpr std::size_t min_passphrase_size = 10;
inline constexpr std::size_t max_passphrase_size = 80;
/// SRTO_OHEADBW: 5 to 100 percent.
inline constexpr int min_overhead_percent = 5;
inline constexpr int max_overhead_percent = 100;
}  // namespace limits

enum class ConnectMode { caller, listener, rendezvous };
enum class TransmissionType { live, file };             // SRTO_TRANSTYPE
enum class CryptoMode { automatic, aes_ctr, aes_gcm };  // SRTO_CRYPTOMODE (libsrt >= 1.5.2)

struct ConnectionConfig {
    TransmissionType transtype = TransmissionType::live;

    // Latency (SRTO_RCVLATENCY / SRTO_PEERLATENCY; SRTO_LATENCY sets both). Each direction uses
    // the larger of the receiver's and the sender's value (draft §3.2.1.1, "TSBPD Delay").
    int receiver_latency_ms = 120;
    int peer_latency_ms = 0;  // libsrt's default: the sender asks for nothing extra

    // Bandwidth for LiveCC pacing (SRTO_MAXBW, SRTO_INPUTBW, SRTO_MININPUTBW, SRTO_OHEADBW).
    std::int64_t max_bw_bytes_per_s = -1;   // -1: 1 Gbps (libsrt BW_INFINITE); 0: use input_bw
    std::int64_t input_bw_bytes_per_s = 0;  // 0: measure the input rate
    std::int64_t min_input_bw_bytes_per_s = 0;
    int overhead_bw_percent = 25;
    // Retransmission budget (SRTO_MAXREXMITBW, libsrt >= 1.5.3, bytes per second): -1 lets
    // retransmissions spend as much as the stream's own rate (retransmit_budget.hpp); libsrt's
    // -1 is unlimited.
    std::int64_t max_rexmit_bw_bytes_per_s = -1;

    int payload_size = 1316;         // SRTO_PAYLOADSIZE: live default 7 × 188-byte TS packets
    int mss = 1500;                  // SRTO_MSS
    int flight_window_pkts = 25600;  // SRTO_FC
    int send_buffer_pkts = 8192;     // SRTO_SNDBUF in packets
    int receive_buffer_pkts = 8192;  // SRTO_RCVBUF in packets

    Micros connect_timeout = seconds(3);    // SRTO_CONNTIMEO (rendezvous: ×10)
    Micros peer_idle_timeout = seconds(5);  // SRTO_PEERIDLETIMEO

    bool tsbpd = true;                 // SRTO_TSBPDMODE
    bool too_late_packet_drop = true;  // SRTO_TLPKTDROP
    int send_drop_delay_ms = 0;        // SRTO_SNDDROPDELAY
    bool nak_report = true;            // SRTO_NAKREPORT
    bool message_api = true;           // SRTO_MESSAGEAPI

    std::string stream_id;            // SRTO_STREAMID, at most 512 bytes
    std::string congestion = "live";  // SRTO_CONGESTION
    std::string packet_filter;        // SRTO_PACKETFILTER

    // Encryption (SRTO_PASSPHRASE 10..80 bytes, SRTO_PBKEYLEN 0/16/24/32, SRTO_ENFORCEDENCRYPTION,
    // SRTO_KMREFRESHRATE, SRTO_KMPREANNOUNCE, SRTO_CRYPTOMODE).
    std::string passphrase;
    int pbkey_len = 0;
    bool enforced_encryption = true;
    std::int64_t km_refresh_rate_pkts = 1 << 24;
    std::int64_t km_preannounce_pkts = 4096;
    CryptoMode crypto_mode = CryptoMode::automatic;

    /// How long a graceful close waits for the peer to acknowledge and play out what was sent
    /// (SRTO_LINGER, which libsrt counts in seconds); nothing: max(3 s, 4 × the peer's latency).
    std::optional<Micros> linger;

    /// Nothing when every setting is within `limits` (as libsrt's option setters check them) and
    /// is one this core supports; else the first problem, naming the setting by its URI option.
    /// Endpoint::connect and Endpoint::listen refuse a config that fails it, as does the URI parser.
    [[nodiscard]] std::optional<std::string> validate() const;
};

/// SRTO_TRANSTYPE=file: moves `config` to libsrt's file-mode settings (socketconfig.cpp, SRTT_FILE):
/// no TSBPD (latencies 0), no too-late drop, no periodic NAK, the stream API, full packets
/// (payload 1456), FileCC ("file" congestion) and a linger of 180 s. Options set after it still
/// apply, as libsrt's option table sets transtype first.
void use_file_mode(ConnectionConfig& config);

/// Whether the sender runs FileCC (congestion "file") rather than LiveCC's pacing.
inline bool uses_file_congestion(const ConnectionConfig& config) { return config.congestion == "file"; }

/// IPv4, UDP and SRT header bytes of every packet (libsrt CPacket::UDP_HDR_SIZE + HDR_SIZE).
inline constexpr int header_overhead = 20 + 8 + static_cast<int>(wire::header_size);
/// Live-mode payload ceiling: MSS minus those headers (libsrt SRT_LIVE_MAX_PLSIZE = 1456).
inline int max_payload(const ConnectionConfig& config) { return config.mss - header_overhead; }

/// The linger a graceful close waits at most (ConnectionConfig::linger or its default).
[[nodiscard]] Micros linger_of(const ConnectionConfig& config, int peer_latency_ms);

}  // namespace websrt::core
