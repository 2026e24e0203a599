// Per-connection settings, named and defaulted as libsrt's socket options (srtcore/socketconfig.h,
// docs/API/API-socket-options.md). Units are in the names; srt:// URIs map onto these fields.
#pragma once

#include <cstdint>
#include <string>

#include "core/time.hpp"

namespace websrt::core {

enum class ConnectMode { caller, listener, rendezvous };
enum class TransmissionType { live, file };  // SRTO_TRANSTYPE
enum class CryptoMode { automatic, aes_ctr, aes_gcm };  // SRTO_CRYPTOMODE (libsrt >= 1.5.2)

struct ConnectionConfig {
    TransmissionType transtype = TransmissionType::live;

    // Latency (SRTO_RCVLATENCY / SRTO_PEERLATENCY; SRTO_LATENCY sets both). Each direction uses
    // the larger of the receiver's and the sender's value (draft §3.2.1.1, "TSBPD Delay").
    int receiver_latency_ms = 120;
    int peer_latency_ms = 0;  // libsrt's default: the sender asks for nothing extra

    // Bandwidth for LiveCC pacing (SRTO_MAXBW, SRTO_INPUTBW, SRTO_MININPUTBW, SRTO_OHEADBW).
    std::int64_t max_bw_bytes_per_s = -1;  // -1: 1 Gbps (libsrt BW_INFINITE); 0: use input_bw
    std::int64_t input_bw_bytes_per_s = 0;  // 0: measure the input rate
    std::int64_t min_input_bw_bytes_per_s = 0;
    int overhead_bw_percent = 25;
    // Retransmission budget (SRTO_MAXREXMITBW, libsrt >= 1.5.3, bytes per second): -1 lets
    // retransmissions spend as much as the stream's own rate (retransmit_budget.hpp); libsrt's
    // -1 is unlimited.
    std::int64_t max_rexmit_bw_bytes_per_s = -1;

    int payload_size = 1316;  // SRTO_PAYLOADSIZE: live default 7 × 188-byte TS packets
    int mss = 1500;           // SRTO_MSS
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

    std::string stream_id;        // SRTO_STREAMID, at most 512 bytes
    std::string congestion = "live";  // SRTO_CONGESTION
    std::string packet_filter;    // SRTO_PACKETFILTER

    // Encryption (SRTO_PASSPHRASE 10..80 bytes, SRTO_PBKEYLEN 0/16/24/32, SRTO_ENFORCEDENCRYPTION,
    // SRTO_KMREFRESHRATE, SRTO_KMPREANNOUNCE, SRTO_CRYPTOMODE).
    std::string passphrase;
    int pbkey_len = 0;
    bool enforced_encryption = true;
    std::int64_t km_refresh_rate_pkts = 1 << 24;
    std::int64_t km_preannounce_pkts = 4096;
    CryptoMode crypto_mode = CryptoMode::automatic;
};

}  // namespace websrt::core
