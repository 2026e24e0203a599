// The Endpoint: one UDP port's worth of SRT. It owns every Connection on the port, demultiplexes
// datagrams by destination socket id (and, for handshakes, by peer address), answers a listener's
// induction requests statelessly with SYN cookies, and merges the connections' output and timers.
//
// Sans-IO contract (../shared/ARCHITECTURE.md): the driver owns the socket and the clock.
//   handle_datagram(now, from, bytes)   every datagram received on the port;
//   poll_transmit(now, out)             repeat until empty after every call, send what it gives;
//   next_timeout() / handle_timeout()   arm one timer for the earliest deadline;
//   poll_event()                        connected / accepted / closed;
//   send() / receive()                  application data on a connection.
// `now` is a monotonic microsecond count that never goes back.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>
#include <deque>

#include "core/connection.hpp"
#include "core/connection_config.hpp"
#include "core/endpoint_events.hpp"
#include "core/random_source.hpp"
#include "core/socket_address.hpp"
#include "wire/byte_io.hpp"

namespace websrt::core {

/// What a listener is asked before it admits a caller (libsrt srt_listen_callback).
struct AcceptRequest {
    SocketAddress peer;
    std::string stream_id;
};

/// The listener's answer. `config` lets the application pick per-caller settings (for example a
/// passphrase by stream id); latency and the rest are negotiated from it.
struct AcceptDecision {
    bool accept = true;
    int reject_code = reject_predefined_base;  // used when !accept; 1403 = forbidden, etc.
    std::optional<ConnectionConfig> config;

    static AcceptDecision yes() { return {}; }
    static AcceptDecision no(int code) { return {false, code, std::nullopt}; }
};

using AcceptPolicy = std::function<AcceptDecision(const AcceptRequest&)>;

/// One datagram to send: `size` bytes were written at the start of the caller's buffer.
struct Transmit {
    SocketAddress to;
    std::size_t size = 0;
};

/// Datagrams the port could not use. libsrt only logs these; they are counted here so that a
/// damaged link shows up somewhere.
struct EndpointCounters {
    std::uint64_t undecodable = 0;  // failed to parse: truncated, bad header or body
    std::uint64_t unroutable = 0;   // for no connection of ours, or not from its peer
};

class Endpoint {
public:
    explicit Endpoint(RandomSource& random);
    ~Endpoint();
    Endpoint(const Endpoint&) = delete;
    Endpoint& operator=(const Endpoint&) = delete;

    /// Makes the port a listener: callers' handshakes are answered with `config`, each admitted
    /// caller asked of `policy` (accept all when empty).
    void listen(const ConnectionConfig& config, AcceptPolicy policy = {});

    /// Starts a caller connection to `listener`. Its outcome arrives as a connected or closed event.
    ConnectionId connect(Micros now, const SocketAddress& listener, const ConnectionConfig& config);

    void handle_datagram(Micros now, const SocketAddress& from, wire::Bytes datagram);

    /// The next datagram due now, written into `out` (give it at least 1500 bytes).
    std::optional<Transmit> poll_transmit(Micros now, wire::MutableBytes out);

    /// The earliest time handle_timeout() has work to do (pacing, ACK/NAK timers, handshake
    /// retransmission, keepalive, expiry), or nothing when idle.
    [[nodiscard]] std::optional<Micros> next_timeout() const;
    void handle_timeout(Micros now);

    std::optional<Event> poll_event();

    /// Queues one message (live mode: at most the payload size) on a connected connection.
    SendOutcome send(ConnectionId id, Micros now, wire::Bytes message);
    /// The next message whose TSBPD time has come, copied into `out`; its size, or nothing.
    std::optional<std::size_t> receive(ConnectionId id, Micros now, wire::MutableBytes out);
    /// Sends SHUTDOWN and ends the connection (a closed event follows).
    void close(ConnectionId id, Micros now);

    /// Nullptr once the connection has closed and its closed event was polled.
    [[nodiscard]] const Connection* connection(ConnectionId id) const;
    /// Statistics with libsrt's names; `clear_interval` starts a new interval (srt_bistats clear).
    std::optional<ConnectionStats> stats(ConnectionId id, Micros now, bool clear_interval);
    [[nodiscard]] std::size_t connection_count() const { return connections_.size(); }
    [[nodiscard]] const EndpointCounters& counters() const { return counters_; }

private:
    void handle_handshake_for_listener(Micros now, const SocketAddress& from, const wire::ControlPacket& packet);
    std::uint32_t cookie_for(const SocketAddress& peer, Micros now, int minute_offset) const;
    std::uint32_t new_socket_id();
    void reap_closed();

    RandomSource& random_;
    std::uint32_t cookie_secret_ = 0;
    std::optional<ConnectionConfig> listen_config_;
    AcceptPolicy accept_policy_;
    std::unordered_map<ConnectionId, std::unique_ptr<Connection>> connections_;
    // Handshakes carry dest id 0 until the peer learns ours: find the caller's connection by the
    // peer address and its own socket id (libsrt CRcvQueue "RID" list and m_PeerRec).
    std::unordered_map<SocketAddress, ConnectionId, SocketAddressHash> by_peer_;
    std::vector<ConnectionId> transmit_order_;  // round-robin over connections for fairness
    std::size_t transmit_cursor_ = 0;
    // Stateless rejections and induction answers waiting to go out.
    std::deque<std::pair<SocketAddress, std::vector<std::uint8_t>>> pending_;
    std::deque<Event> events_;
    EndpointCounters counters_;
};

}  // namespace websrt::core
