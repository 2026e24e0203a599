// What `websrt bridge` admits: WebSocket upgrades to allowlisted SRT targets from allowed origins,
// within the session cap, and static files under one directory (static_path_policy.hpp). Pure
// decisions, no I/O beyond resolving the allowlist once and resolving a file's path.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "base/expected.hpp"
#include "static_path_policy.hpp"

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
    unsigned short target_port = 0;
};

struct StaticFile {
    bool ok = false;
    int status = 404;
    /// When refused: a fixed text, never anything of the request (it is the HTTP body).
    std::string reason;
    StaticPathRefusal why = StaticPathRefusal::none;
    std::string path;
    std::string content_type;
};

class BridgePolicy {
public:
    /// Resolves the allowlist (HOST:PORT each) once. Errors name the bad entry.
    static Expected<BridgePolicy, std::string> create(const std::vector<std::string>& allow,
                                                      const std::vector<std::string>& origins,
                                                      const std::string& static_dir, int max_sessions);

    /// A WebSocket upgrade to `request_target` ("/srt?target=IP:PORT") from `origin`.
    [[nodiscard]] BridgeDecision admit(const std::string& request_target, const std::string& origin, int open_sessions) const;
    /// A GET of `request_target` under the static directory: only regular files inside its
    /// canonical path; every refusal is 404 "not found" (the reason in `why` is for logs).
    [[nodiscard]] StaticFile static_file(const std::string& request_target) const;

private:
    struct Allowed {
        boost::asio::ip::address address;
        unsigned short port;
    };
    std::vector<Allowed> allowed_;
    std::vector<std::string> origins_;
    std::filesystem::path static_root_;  // canonical; empty without --static
    int max_sessions_ = 64;
};

std::string endpoint_text(const boost::asio::ip::udp::endpoint& endpoint);
std::string endpoint_text(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace websrt::native
