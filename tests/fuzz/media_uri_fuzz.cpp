// libFuzzer harness for core::parse_media_uri, which reads URIs from command lines and from JS
// (SrtEndpoint.listen/connect, parseMediaUri). Any string gives a URI or an error, never a crash; what
// it accepts respects the ranges the option table enforces, and percent_decode inverts
// percent-encoding.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "core/connection.hpp"
#include "core/media_uri.hpp"

namespace {

using namespace websrt::core;

[[noreturn]] void violated(const char* what, std::string_view input) {
    std::fprintf(stderr, "media URI invariant violated: %s\n  input: %.*s\n", what, static_cast<int>(input.size()),
                 input.data());
    std::abort();
}

constexpr int max_ms = 3'600'000;  // media_uri.cpp: no latency or timeout beyond an hour

void check_config(const ConnectionConfig& c, std::string_view text) {
    if (c.receiver_latency_ms < 0 || c.receiver_latency_ms > max_ms) violated("receiver latency out of range", text);
    if (c.peer_latency_ms < 0 || c.peer_latency_ms > max_ms) violated("peer latency out of range", text);
    if (c.max_bw_bytes_per_s < -1) violated("maxbw below -1", text);
    if (c.input_bw_bytes_per_s < 0 || c.min_input_bw_bytes_per_s < 0) violated("negative input bandwidth", text);
    if (c.overhead_bw_percent < 5 || c.overhead_bw_percent > 100) violated("oheadbw out of range", text);
    if (c.payload_size < 1 || c.payload_size > 1456) violated("payload size out of range", text);
    if (c.mss < 76 || c.mss > 1500) violated("mss out of range", text);
    if (c.flight_window_pkts < 32) violated("flight window below 32", text);
    if (c.send_buffer_pkts < 32 || c.receive_buffer_pkts < 32) violated("buffer below 32 packets", text);
    if (c.connect_timeout <= 0 || c.connect_timeout > milliseconds(max_ms))
        violated("connect timeout out of range", text);
    if (c.peer_idle_timeout <= 0 || c.peer_idle_timeout > milliseconds(max_ms))
        violated("idle timeout out of range", text);
    if (c.send_drop_delay_ms < -1 || c.send_drop_delay_ms > max_ms) violated("snddropdelay out of range", text);
    if (c.stream_id.size() > 512) violated("stream id longer than 512 bytes", text);
    if (!c.passphrase.empty() && (c.passphrase.size() < 10 || c.passphrase.size() > 80))
        violated("passphrase length out of range", text);
    if (c.pbkey_len != 0 && c.pbkey_len != 16 && c.pbkey_len != 24 && c.pbkey_len != 32)
        violated("pbkeylen not 0/16/24/32", text);
    if (c.km_refresh_rate_pkts < 0 || c.km_preannounce_pkts < 0) violated("negative KM refresh", text);
    if (c.congestion != "live" && c.congestion != "file")
        violated("a congestion controller other than live or file", text);
    // What the core derives from the options must stay sane too.
    if (max_payload(c) <= 0) violated("no room for payload in the MSS", text);
}

std::string percent_encode(std::string_view raw) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char ch : raw) {
        out.push_back('%');
        out.push_back(hex[ch >> 4]);
        out.push_back(hex[ch & 15]);
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const auto parsed = parse_media_uri(text);
    if (!parsed) {
        if (parsed.error().message.empty()) violated("an error without a message", text);
    } else if (const auto* srt = std::get_if<SrtUri>(&*parsed)) {
        if (srt->port == 0 && srt->mode != ConnectMode::listener) violated("srt port 0 for a caller", text);
        if (srt->local_port && *srt->local_port == 0) violated("local port 0", text);
        if (srt->mode != ConnectMode::listener && srt->host.empty())
            violated("caller or rendezvous without a host", text);
        check_config(srt->config, text);
    } else if (const auto* udp = std::get_if<UdpUri>(&*parsed)) {
        if (udp->port == 0) violated("udp port 0", text);
    } else if (const auto* file = std::get_if<FileUri>(&*parsed)) {
        if (file->path.empty()) violated("a file URI with an empty path", text);
        if (file->path.find('\0') != std::string::npos) violated("a NUL byte in a file path", text);
        if (!text.starts_with("file:///")) violated("a file path from other than file:///", text);
    } else if (text != "file://con") {
        violated("file://con accepted for another string", text);
    }

    const auto decoded = percent_decode(percent_encode(text));
    if (!decoded || *decoded != text) violated("percent_decode(percent_encode(x)) != x", text);
    // Decoding never grows the text.
    if (const auto plain = percent_decode(text); plain && plain->size() > text.size())
        violated("percent_decode grew its input", text);
    return 0;
}
