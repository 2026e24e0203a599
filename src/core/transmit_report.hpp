// What both builds of `websrt transmit` (native-shim/transmit_command.cpp and the Node CLI's
// js/transmit/transmitter.js, through the bindings) say when a connection is up and when a
// transfer ends, and the exit status it ends with. One definition, so the two commands cannot
// drift apart; their statistics lines are core/stats_line's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/printable_text.hpp"

namespace websrt::core {

/// The line for a connection that is up: "connected to PEER" (a caller) or "accepted PEER" (a
/// listener), then " stream id 'ID'" (printable_text) when it has one.
std::string connection_line(bool accepted, std::string_view peer, std::string_view stream_id);

/// How a transfer ends: the command's exit status and the one line that says why.
struct TransferEnd {
    int status;
    std::string line;
};

/// After the end of input, once the graceful close is over (its closed event): status 0 when
/// nothing was left unacknowledged, naming the packets the sender dropped as too late (the send
/// buffer also empties that way); status 1 when `unacknowledged` packets never were.
TransferEnd end_of_input(std::uint64_t unacknowledged, std::uint64_t dropped_as_too_late);

/// The connection ended before the end of input: status 0 when the peer closed it (SHUTDOWN),
/// else status 1 with the closed event's detail as the line.
TransferEnd connection_ended(bool peer_closed, std::string_view detail);

/// What a receiving transfer adds to its last line when its receiver dropped packets as too late
/// (lost to the application): " (N packets lost: dropped as too late)", or nothing.
std::string receiver_drops_note(std::uint64_t dropped_as_too_late);

}  // namespace websrt::core
