// Text from a peer or a client (a stream id, an Origin header, a decoded target) made safe for a
// terminal or a log line, so that a hostile string can neither forge log lines nor drive the
// terminal. Used by both `websrt transmit` builds (core/transmit_report) and both bridges.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace websrt::core {

/// Printed peer strings are cut after this many bytes of input, with "..." appended.
inline constexpr std::size_t max_printed_peer_text = 512;

/// `text` with bytes outside printable ASCII, the backslash and both quotes as \xNN, cut after
/// `limit` bytes of input (then "..." is appended).
std::string printable_text(std::string_view text, std::size_t limit = max_printed_peer_text);

}  // namespace websrt::core
