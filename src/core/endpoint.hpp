// The Endpoint: one UDP port's worth of SRT. It owns every Connection on the port, demultiplexes
// datagrams by destination socket id (and, for handshakes, by peer address), answers a listener's
// induction requests statelessly with SYN cookies, and merges the connections' output and timers.
//
// The sans-IO contract (../shared/ARCHITECTURE.md). The driver owns the socket and the clock; the
// Endpoint owns every protocol rule and never blocks, reads a clock or throws.
//
// Time: `now` is a monotonic microsecond count that never goes back, the same clock for every
// call. Calls may come late (a busy driver); the core catches up, it never needs exact timing.
//
// Polling order: after *every* call that feeds the Endpoint (handle_datagram, handle_timeout,
// connect, listen, send, receive, close), the driver
//   1. calls poll_transmit() until it answers NoTransmit::idle, sending each datagram;
//   2. calls poll_event() until it answers nothing, handling each event;
//   3. calls receive() on connections it reads from until NoMessage::none_due (or it has read
//      enough: what is not read waits in the core's bounded buffer);
//   4. arms one timer for next_timeout() (none when it says nothing) and calls handle_timeout()
//      when it fires (early or late is harmless; then back to 1).
// Steps 1–3 may change what the others answer; a driver that repeats them until all three are
// idle is never wrong, and one pass per input is what the drivers here do. next_timeout() wakes
// the driver only for what becomes due later: a message due and left unread (a slow reader), or
// a datagram due and left untaken (a full socket), waits for the driver's next receive() or
// poll_transmit() call, so that a driver that stops reading is not woken in a loop.
//
// Connection ids: connect() returns one; a listener's come in accepted events. An id is valid
// from then until its closed event is polled. After that event, the id still answers stats(),
// and receive() when the peer closed (what it sent and arrived, all due at once), until the
// Endpoint forgets it: once that is read, or after peeridletimeo. Then every call with it answers
// not_connected / nothing; the closed event carries the final statistics. Ids are random 30-bit
// values, never two alive at once.
//
// Backpressure: send() answers buffer_full when the send buffer is full; a writable event
// follows once it has room. Ending: close(graceful) waits (at most the connection's linger) until
// the peer has acknowledged and played out everything sent, with a drained event when it has;
// then SHUTDOWN and the closed event (its `unacknowledged` says what was given up).
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
#include "core/message_control.hpp"
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
/// passphrase by stream id); latency and the rest are negotiated from it. `later`: the
/// application is still deciding (an asynchronous check); the caller's CONCLUSION is dropped
/// with no state and no reply, and the caller, which repeats it every 250 ms until its connect
/// timeout (libsrt's and ours), is asked about again.
struct AcceptDecision {
    bool accept = true;
    int reject_code = reject_predefined_base;  // used when !accept; 1403 = forbidden, etc.
    std::optional<ConnectionConfig> config;
    bool deferred = false;

    static AcceptDecision yes() { return {}; }
    static AcceptDecision no(int code) { return {false, code, std::nullopt}; }
    static AcceptDecision later() { return {false, reject_predefined_base, std::nullopt, true}; }
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

    std::uint64_t oversize = 0;           // longer than the largest MSS: dropped before decoding
    std::uint64_t undecodable = 0;        // failed to parse: truncated, bad header or body
    std::uint64_t unroutable = 0;         // for no connection of ours, or not from its peer
    std::uint64_t bad_cookie = 0;         // a CONCLUSION whose cookie we never issued (or expired)
    std::uint64_t refusals_limited = 0;   // a CONCLUSION dropped: its source was refused too often
    std::uint64_t stateless_dropped = 0;  // induction answers or rejections beyond the queue's bound
    std::uint64_t refused = 0;            // callers refused with a reject code
    std::uint64_t key_derivations = 0;    // PBKDF2s run for callers' key material (the KEK cache's misses)
    std::uint64_t deferred = 0;           // CONCLUSIONs left unanswered while the application decides
};

class Endpoint {
public:
    explicit Endpoint(RandomSource& random);
    ~Endpoint();
    Endpoint(const Endpoint&) = delete;
    Endpoint& operator=(const Endpoint&) = delete;

    /// Makes the port a listener: callers' handshakes are answered with `config`, each admitted
    /// caller asked of `policy` (accept all when empty). Nothing when listening; else why
    /// `config` is refused (ConnectionConfig::validate), and the port does not listen. A
    /// policy's per-caller config that fails validate() refuses that caller (RejectReason::ipe).
    [[nodiscard]] std::optional<std::string> listen(const ConnectionConfig& config, AcceptPolicy policy = {},
                                                    ListenerLimits limits = {});

    /// Starts a caller connection to `listener`: its id, whose outcome arrives as a connected or
    /// closed event; or why `config` is refused (ConnectionConfig::validate), and nothing starts.
    Expected<ConnectionId, std::string> connect(Micros now, const SocketAddress& listener,
                                                const ConnectionConfig& config);

    /// Starts one side of a rendezvous with `peer` (both sides call this, each with the other's
    /// address; the port must be the one the peer sends to): its id, whose outcome arrives as a
    /// connected or closed event (rejected with RejectReason::rdv_cookie when both drew the same
    /// cookie; connect_timeout after ten times config.connect_timeout, as libsrt). Or why `config`
    /// is refused, and nothing starts.
    Expected<ConnectionId, std::string> rendezvous(Micros now, const SocketAddress& peer,
                                                   const ConnectionConfig& config);

    /// Every datagram received on the port. Never fails: what is not for us, damaged or hostile
    /// is dropped and counted (counters()); datagrams longer than max_datagram_size unread.
    void handle_datagram(Micros now, const SocketAddress& from, wire::Bytes datagram);

    /// The next datagram due now, written at the start of `out`: where to and how long. Or
    /// NoTransmit::idle (nothing due), or NoTransmit::buffer_too_small when `out` is shorter than
    /// max_datagram_size (nothing is taken: call again with a big enough buffer).
    Expected<Transmit, NoTransmit> poll_transmit(Micros now, wire::MutableBytes out);

    /// The earliest time handle_timeout() has work to do (pacing, ACK/NAK timers, handshake
    /// retransmission, keepalive, expiry, a graceful close), or nothing when idle.
    [[nodiscard]] std::optional<Micros> next_timeout() const;
    /// Does the work of every connection's expired timers; harmless when called early.
    void handle_timeout(Micros now);

    /// The next event, in the order they happened per connection; nothing when none is left.
    std::optional<Event> poll_event();

    /// Queues one message (at most payloadsize bytes, within the negotiated MSS), with the
    /// message API's options (message_control.hpp: TTL, in-order, source time). Answers are
    /// SendOutcome's (call_results.hpp); nothing is queued unless it says ok.
    SendOutcome send(ConnectionId id, Micros now, wire::Bytes message, const SendControl& control = {});
    /// The next message that is due (its TSBPD time has come), copied whole into `out`: its size,
    /// and into `info` (when given) its message number, sequence and source time. Or why there is
    /// none (NoMessage): a message longer than `out` stays queued, never cut.
    Expected<std::size_t, NoMessage> receive(ConnectionId id, Micros now, wire::MutableBytes out,
                                             MessageInfo* info = nullptr);
    /// The size of the message receive() would give now (a file-mode message may be longer than
    /// max_message_size: the driver's buffer must hold it), or why there is none.
    Expected<std::size_t, NoMessage> next_message_size(ConnectionId id, Micros now);
    /// Ends a connection. graceful: stop accepting send(), wait until everything sent is
    /// acknowledged and played out by the peer (drained event) or the linger is over, then
    /// SHUTDOWN and the closed event. `linger`: how long at most (nothing: the config's, see
    /// linger_of). Not graceful, or still connecting: SHUTDOWN (when connected) and the closed
    /// event at once (also ending a graceful close that waits). Unknown or closed ids are ignored.
    void close(ConnectionId id, Micros now, bool graceful, std::optional<Micros> linger = std::nullopt);

    /// Nullptr once the Endpoint has forgotten the connection (see the contract above).
    [[nodiscard]] const Connection* connection(ConnectionId id) const;
    /// Statistics with libsrt's names; `clear_interval` starts a new interval (srt_bistats clear).
    /// Nothing for an id the Endpoint has forgotten (the closed event has its last ones).
    std::optional<ConnectionStats> stats(ConnectionId id, Micros now, bool clear_interval);
    [[nodiscard]] std::size_t connection_count() const { return connections_.size(); }
    [[nodiscard]] const EndpointCounters& counters() const { return counters_; }

    /// The largest datagram SRT sends: the largest MSS (libsrt SRTO_MSS at most 1500).
    static constexpr std::size_t max_datagram_size = limits::max_mss;
    /// The longest message receive() gives in live mode, and with file mode's stream API: a
    /// packet's largest payload. A file-mode message-API message may be longer (next_message_size).
    static constexpr std::size_t max_message_size = limits::max_live_payload;
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
    /// connect() and rendezvous(): a connection that starts the handshake towards `peer`.
    Expected<ConnectionId, std::string> start_connection(Micros now, const SocketAddress& peer,
                                                         const ConnectionConfig& config, ConnectMode mode);
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
    // listeners answer a CONCLUSION without our id), and a rendezvous by its peer's address (the
    // peer's first handshakes go to id 0: libsrt CRendezvousQueue::retrieve).
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
