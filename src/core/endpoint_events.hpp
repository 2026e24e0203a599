// What an Endpoint reports to its driver through poll_event(): connections coming up, and
// connections ending with the reason why (quinn-proto style: fatal errors are events, not throws).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/socket_address.hpp"
#include "core/stats.hpp"

namespace websrt::core {

/// A connection's local SRT socket id: the handle the driver uses for every per-connection call.
using ConnectionId = std::uint32_t;

enum class CloseReason {
    local_close,        // close() was called
    peer_shutdown,      // the peer sent SHUTDOWN
    peer_idle_timeout,  // nothing heard from the peer for peeridletimeo (libsrt SRT_ECONNLOST)
    connect_timeout,    // no handshake answer within conntimeo (libsrt SRT_ENOSERVER)
    rejected,           // the handshake was refused; reject_code says why
    failed,             // this side could not go on (crypto backend, a key that was never confirmed); detail says why
    superseded,         // a new caller from the same address and port replaced it: the peer restarted
};

enum class EventKind {
    connected,  // a caller's handshake completed
    accepted,   // a listener admitted a new caller
    writable,   // send() refused with buffer_full before, and the send buffer has room again
    drained,    // a graceful close: everything sent was acknowledged and the peer has played it
    closed,     // the connection is over (see Endpoint for what an id still allows after it)
    refused,    // a listener turned a caller away (connection 0; reject_code and detail say why)
};

struct Event {
    EventKind kind = EventKind::connected;
    ConnectionId connection = 0;
    SocketAddress peer;
    std::string stream_id;  // connected/accepted: the Stream ID the caller sent
    CloseReason reason = CloseReason::local_close;
    int reject_code = 0;  // rejected: libsrt reject code (RejectReason or 1000+ application code)
    std::string detail;   // closed: one readable line
    /// closed: packets sent and never acknowledged (a graceful close that gave up after its
    /// linger, or any other end while packets were in flight).
    int unacknowledged = 0;
    /// closed: the connection's last statistics (the connection may be gone by the next call).
    std::optional<ConnectionStats> stats;
};

const char* describe(CloseReason reason) noexcept;

}  // namespace websrt::core
