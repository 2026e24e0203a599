// What the Endpoint's per-connection calls answer when they do not simply succeed: each value is
// one distinct situation with one thing for the driver to do (ngtcp2.h documents its calls so).
#pragma once

namespace websrt::core {

/// send()'s answer.
enum class SendOutcome {
    ok,               // queued; poll_transmit() will send it when pacing allows
    too_large,        // longer than payloadsize, or than the negotiated MSS carries: never sendable
    buffer_full,      // the send buffer is full: wait for the writable event, then send it again
    not_connected,    // unknown id, still connecting, closing gracefully, or closed
    bad_source_time,  // SendControl::source_time before the connection's start or after now (libsrt MN_INVALMSGAPI)
};

/// Why poll_transmit() gave no datagram.
enum class NoTransmit {
    idle,              // nothing is due now: wait for new input or next_timeout()
    buffer_too_small,  // `out` is shorter than Endpoint::max_datagram_size: nothing was taken
};

/// Why receive() gave no message. A message is never truncated.
enum class NoMessage {
    none_due,          // nothing is due now (TSBPD holds it, or nothing arrived): wait for input or next_timeout()
    buffer_too_small,  // the next message is longer than `out`: it stays queued; give max_message_size bytes
    not_connected,     // unknown id, still connecting, or closed with nothing left to read
};

}  // namespace websrt::core
