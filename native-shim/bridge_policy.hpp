// What `websrt bridge` admits: WebSocket upgrades to allowlisted SRT targets from allowed origins,
// within the session cap. Pure decisions, no I/O and no Boost: the same code decides for the
// native bridge and, compiled to WebAssembly, for the Node bridge (js/bridge/). Resolving the
// allowlist's names is the driver's job; static files are static_path_policy.hpp's.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "ip_literal.hpp"

namespace websrt::native {

namespace bridge_limits {
/// One WebSocket message is one UDP datagram: at most an Ethernet MTU's worth (SRT's MSS, 1500).
inline constexpr std::size_t max_datagram = 1500;
/// Datagrams waiting for a slow browser before more are dropped (UDP semantics, bounded memory).
inline constexpr std::size_t max_queued = 1024;
/// The rate limit's bucket holds this much time at the session's rate.
inline constexpr double burst_seconds = 0.1;
/// Each session's UDP receive buffer (SO_RCVBUF).
inline constexpr int udp_receive_buffer = 2 << 20;
/// Sessions at once (--max-sessions), and seconds without traffic before one closes (--idle-timeout).
inline constexpr int max_sessions = 64;
inline constexpr int idle_seconds = 30;
/// Mbit/s per session and direction (--max-rate).
inline constexpr double max_rate_mbit = 100;
/// A batching session sends at most one WebSocket message per this interval while busy: at
/// 100 Mbit/s about nine SRT packets share a message, at a few Mbit/s none waits. One millisecond
/// is noise beside SRT's latency (120 ms by default) and its RTT estimate.
inline constexpr std::chrono::microseconds batch_hold{1000};
/// TCP connections still sending their HTTP request. Beyond this, a connection gets one second to
/// send its request and is answered 503: a flood of connections that never finish a request holds
/// the bridge's file descriptors for one second each instead of request_seconds.
inline constexpr int max_pending_requests = 128;
/// How long a connection may take to send its HTTP request.
inline constexpr int request_seconds = 10;
/// Largest request header (request line and fields) the bridge reads; larger is answered 431.
/// A browser's upgrade request is well under 1 KiB; 8 KiB is beast's default and nginx's.
inline constexpr std::uint32_t max_header_bytes = 8 * 1024;
/// Packets per second per session and direction: about four times what --max-rate's default
/// (100 Mbit/s) takes in full 1316-byte SRT payloads with their ACKs (some 10,000), and twice what
/// the browser benchmark's 200 Mbit/s takes, so only floods of small datagrams meet it.
inline constexpr double max_packets_per_second = 40'000;
}  // namespace bridge_limits

struct BridgeDecision {
    bool ok = false;
    int status = 400;  // HTTP status when refused
    std::string reason;
    std::string target_host;  // when ok: the IP literal to relay to
    std::uint16_t target_port = 0;
};

/// "HOST:PORT" or "[V6]:PORT" split, brackets removed; nullopt when malformed (no port, a port
/// outside 1..65535, an empty host).
struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};
std::optional<HostPort> parse_host_port(std::string_view text);

/// One allowlisted target, resolved by the driver.
struct AllowedTarget {
    IpLiteral address;
    std::uint16_t port = 0;
};

class BridgePolicy {
public:
    /// Errors say which setting is bad.
    static Expected<BridgePolicy, std::string> create(std::vector<AllowedTarget> allowed,
                                                      std::vector<std::string> origins, int max_sessions);

    /// A WebSocket upgrade to `request_target` ("/srt?target=IP:PORT") from `origin`, with
    /// `open_sessions` already open. Refusals: 404 (not /srt), 403 (origin, target not allowed),
    /// 400 (no or malformed target, a name instead of an IP), 503 (--max-sessions reached).
    [[nodiscard]] BridgeDecision admit(std::string_view request_target, std::string_view origin,
                                       int open_sessions) const;

private:
    std::vector<AllowedTarget> allowed_;
    std::vector<std::string> origins_;
    int max_sessions_ = 64;
};

}  // namespace websrt::native
