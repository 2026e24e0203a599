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
#include "core/kek_cache.hpp"
#include "core/random_source.hpp"
#include "core/socket_address.hpp"
#include "core/source_rate_limiter.hpp"
#include "core/syn_cookie.hpp"
#include "wire/byte_io.hpp"

namespace websrt::core {

/// What a listener is asked before it admits a caller (libsrt srt_listen_callback).
struct AcceptRequest {
    SocketAddress peer;
    std::string stream_id;
    /// The connection from this same address and port (another socket id) that the caller
    /// replaces if admitted, when the listener is full: the peer restarted on a fixed port.
    std::optional<ConnectionId> replaces;
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

/// How much a listener takes on. libsrt bounds a listener by srt_listen's backlog and refuses
/// the caller beyond it with SRT_REJ_BACKLOG; it has no bound per source.
struct ListenerLimits {
    /// Connections at once (accepted and not yet reaped); callers beyond it are refused with
    /// RejectReason::backlog. `websrt transmit` uses 1.
    int max_connections = 1024;
    /// Connections at once from one IP address: one host cannot take the whole listener. Big
    /// enough for a fan-in from one relay host (the benchmarks open 100 from 127.0.0.1).
    int max_connections_per_source = 256;
};

/// One datagram to send: `size` bytes were written at the start of the caller's buffer.
struct Transmit {
    SocketAddress to;
    std::size_t size = 0;
};

/// Datagrams the port could not use and callers it turned away without a word. libsrt only logs
/// these; they are counted here so that a damaged link or an attack shows up somewhere.
struct EndpointCounters {
    /// "3 oversize, 1 undecodable": the non-zero counters, for a log line; empty when all are 0.
    [[nodiscard]] std::string summary() const;

    std::uint64_t oversize = 0;     // longer than the largest MSS: dropped before decoding
    std::uint64_t undecodable = 0;  // failed to parse: truncated, bad header or body
    std::uint64_t unroutable = 0;   // for no connection of ours, or not from its peer
    std::uint64_t bad_cookie = 0;   // a CONCLUSION whose cookie we never issued (or expired)
    std::uint64_t refusals_limited = 0;  // a CONCLUSION dropped: its source was refused too often
    std::uint64_t stateless_dropped = 0;  // induction answers or rejections beyond the queue's bound
    std::uint64_t refused = 0;      // callers refused with a reject code
    std::uint64_t key_derivations = 0;  // PBKDF2s run for callers' key material (the KEK cache's misses)
};

class Endpoint {
public:
    explicit Endpoint(RandomSource& random);
    ~Endpoint();
    Endpoint(const Endpoint&) = delete;
    Endpoint& operator=(const Endpoint&) = delete;

    /// Makes the port a listener: callers' handshakes are answered with `config`, each admitted
    /// caller asked of `policy` (accept all when empty).
    void listen(const ConnectionConfig& config, AcceptPolicy policy = {}, ListenerLimits limits = {});

    /// Starts a caller connection to `listener`. Its outcome arrives as a connected or closed event.
    ConnectionId connect(Micros now, const SocketAddress& listener, const ConnectionConfig& config);

    /// Datagrams longer than max_datagram_size are counted as oversize and dropped unread.
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

    /// The largest datagram SRT sends: the largest MSS (libsrt SRTO_MSS at most 1500).
    static constexpr std::size_t max_datagram_size = 1500;
    /// Stateless answers (induction responses, rejections) waiting for poll_transmit: a driver
    /// drains them after every datagram, so this bound only matters when it does not.
    static constexpr std::size_t max_stateless_queue = 1024;

private:
    /// A handshake's origin: the peer's address and its own socket id. A caller restarted on the
    /// same port has a new socket id, so it is a new caller (libsrt m_PeerRec: the peer's id
    /// and address, CRcvQueue::worker_TryAsyncRend_OrStore).
    struct PeerKey {
        SocketAddress address;
        std::uint32_t socket_id = 0;
        friend bool operator==(const PeerKey&, const PeerKey&) = default;
    };
    struct PeerKeyHash {
        std::size_t operator()(const PeerKey& key) const noexcept {
            return SocketAddressHash{}(key.address) ^ (std::size_t{key.socket_id} * 0x9E3779B97F4A7C15ull);
        }
    };

    void handle_handshake_for_listener(Micros now, const SocketAddress& from, const wire::ControlPacket& packet);
    void queue_stateless(const SocketAddress& to, std::vector<std::uint8_t> bytes);
    /// Connections not yet closed, in all and from `source`'s IP address.
    [[nodiscard]] int open_connections() const;
    [[nodiscard]] int open_connections_from(const SocketAddress& source) const;
    /// The open connection accepted from exactly `peer` (address and port) for another socket id.
    Connection* restarted_peer_connection(const SocketAddress& peer, std::uint32_t new_socket_id);
    std::uint32_t new_socket_id();
    void reap_closed();

    RandomSource& random_;
    SynCookie cookie_;
    std::optional<ConnectionConfig> listen_config_;
    AcceptPolicy accept_policy_;
    ListenerLimits limits_;
    KekCache kek_cache_;
    // A refusal that needed a KEK (a CONCLUSION with key material that does not unwrap) costs a
    // PBKDF2 unless its salt was seen: a source refused this often is not answered for a while.
    SourceRateLimiter refusals_;
    std::unordered_map<ConnectionId, std::unique_ptr<Connection>> connections_;
    // Handshakes carry dest id 0 until the peer learns ours: a listener finds the caller's
    // connection by the caller's address and socket id (libsrt CRcvQueue "RID" list and
    // m_PeerRec); a caller finds its connection by the listener's address (libsrt <= 1.3
    // listeners answer a CONCLUSION without our id).
    std::unordered_map<PeerKey, ConnectionId, PeerKeyHash> accepted_by_peer_;
    std::unordered_map<SocketAddress, ConnectionId, SocketAddressHash> callers_by_listener_;
    std::vector<ConnectionId> transmit_order_;  // round-robin over connections for fairness
    std::size_t transmit_cursor_ = 0;
    // Stateless rejections and induction answers waiting to go out.
    std::deque<std::pair<SocketAddress, std::vector<std::uint8_t>>> pending_;
    std::deque<Event> events_;
    EndpointCounters counters_;
};

}  // namespace websrt::core
