// ConnectionConfig::validate: the one place a config's settings are checked against libsrt's
// limits (srtcore/socketconfig.cpp's option setters refuse the same values).
#include "core/connection_config.hpp"

#include <algorithm>

#include "core/packet_filter_config.hpp"
#include "core/payload_cipher.hpp"

namespace websrt::core {

namespace {

/// A graceful close waits at least this long, and four latencies when that is more: the last
/// packet may need a few retransmissions, each within the peer's latency.
constexpr Micros min_linger = seconds(3);
constexpr int linger_latencies = 4;
/// File mode's linger (libsrt DEF_LINGER_S): a closed sender waits this long for its acknowledgements.
constexpr Micros file_mode_linger = seconds(180);

std::string range(const char* option, long long min, long long max) {
    return std::string(option) + " expects an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
}

}  // namespace

std::optional<std::string> ConnectionConfig::validate() const {
    if (congestion != "live" && congestion != "file") return "congestion expects live or file";
    if (receiver_latency_ms < 0 || receiver_latency_ms > limits::max_latency_ms)
        return range("rcvlatency", 0, limits::max_latency_ms);
    if (peer_latency_ms < 0 || peer_latency_ms > limits::max_latency_ms)
        return range("peerlatency", 0, limits::max_latency_ms);
    if (mss < limits::min_mss || mss > limits::max_mss) return range("mss", limits::min_mss, limits::max_mss);
    // libsrt checks payloadsize against the live limit only; a message the (negotiated) MSS
    // cannot carry is refused by send() (SendOutcome::too_large), as srt_sendmsg refuses it.
    if (payload_size < 1 || payload_size > limits::max_live_payload)
        return range("payloadsize", 1, limits::max_live_payload);
    if (flight_window_pkts < limits::min_flight_window)
        return "fc must be at least " + std::to_string(limits::min_flight_window) + " packets";
    for (const auto& [name, packets] :
         {std::pair{"sndbuf", send_buffer_pkts}, std::pair{"rcvbuf", receive_buffer_pkts}})
        if (packets < limits::min_buffer_pkts || packets > limits::max_buffer_pkts)
            return std::string(name) + " must hold " + std::to_string(limits::min_buffer_pkts) + " to " +
                   std::to_string(limits::max_buffer_pkts) + " packets";
    if (connect_timeout <= 0 || connect_timeout > limits::max_timeout) return "conntimeo must be 1 ms to an hour";
    if (peer_idle_timeout <= 0 || peer_idle_timeout > limits::max_timeout)
        return "peeridletimeo must be 1 ms to an hour";
    if (linger && (*linger < 0 || *linger > limits::max_timeout)) return "linger must be 0 s to an hour";
    if (max_bw_bytes_per_s < -1) return "maxbw must be -1 (1 Gbit/s), 0 (from inputbw) or a rate";
    if (max_rexmit_bw_bytes_per_s < -1) return "maxrexmitbw must be -1 (automatic) or a rate";
    if (input_bw_bytes_per_s < 0 || min_input_bw_bytes_per_s < 0) return "inputbw and mininputbw must not be negative";
    if (overhead_bw_percent < limits::min_overhead_percent || overhead_bw_percent > limits::max_overhead_percent)
        return range("oheadbw", limits::min_overhead_percent, limits::max_overhead_percent);
    if (send_drop_delay_ms < -1) return "snddropdelay must be -1 or more";
    if (stream_id.size() > limits::max_stream_id_size)
        return "streamid is longer than " + std::to_string(limits::max_stream_id_size) + " bytes";
    if (!passphrase.empty() &&
        (passphrase.size() < limits::min_passphrase_size || passphrase.size() > limits::max_passphrase_size))
        return "passphrase must be " + std::to_string(limits::min_passphrase_size) + " to " +
               std::to_string(limits::max_passphrase_size) + " characters";
    if (pbkey_len != 0 && pbkey_len != 16 && pbkey_len != 24 && pbkey_len != 32)
        return "pbkeylen expects 0, 16, 24 or 32";
    if (km_refresh_rate_pkts < 0 || km_preannounce_pkts < 0)
        return "kmrefreshrate and kmpreannounce must not be negative";
    if (!packet_filter.empty()) {
        if (auto problem = check_packet_filter_option(packet_filter)) return problem;
        // Each FEC packet carries a whole payload after its 4-byte header (libsrt clamps
        // SRTO_PAYLOADSIZE to 1452 once a filter is set).
        if (payload_size > limits::max_live_payload - fec_header_size)
            return range("payloadsize with a packetfilter", 1, limits::max_live_payload - fec_header_size);
        // With AES-GCM the tag rides in every FEC packet too (libsrt PacketFilter::payloadSize).
        constexpr int gcm_tag = static_cast<int>(gcm_tag_size);
        if (crypto_mode == CryptoMode::aes_gcm && payload_size > limits::max_live_payload - fec_header_size - gcm_tag)
            return range("payloadsize with a packetfilter and AES-GCM", 1,
                         limits::max_live_payload - fec_header_size - gcm_tag);
    }
    return std::nullopt;
}

void use_file_mode(ConnectionConfig& config) {
    config.transtype = TransmissionType::file;
    config.tsbpd = false;
    config.receiver_latency_ms = 0;
    config.peer_latency_ms = 0;
    config.too_late_packet_drop = false;
    config.send_drop_delay_ms = -1;
    config.nak_report = false;
    config.message_api = false;
    config.payload_size = limits::max_live_payload;
    config.congestion = "file";
    config.linger = file_mode_linger;
}

Micros linger_of(const ConnectionConfig& config, int peer_latency_ms) {
    if (config.linger) return *config.linger;
    return std::max(min_linger, milliseconds(std::int64_t{linger_latencies} * peer_latency_ms));
}

}  // namespace websrt::core
