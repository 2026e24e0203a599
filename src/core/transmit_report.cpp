#include "core/transmit_report.hpp"

namespace websrt::core {

std::string connection_line(bool accepted, std::string_view peer, std::string_view stream_id) {
    std::string line = accepted ? "accepted " : "connected to ";
    line += peer;
    if (!stream_id.empty()) line += " stream id '" + printable_text(stream_id) + "'";
    return line;
}

TransferEnd end_of_input(std::uint64_t unacknowledged, std::uint64_t dropped_as_too_late) {
    if (unacknowledged > 0)
        return {1, "end of input, but " + std::to_string(unacknowledged) + " packets were never acknowledged"};
    if (dropped_as_too_late == 0) return {0, "end of input, everything sent was acknowledged"};
    return {0, "end of input, " + std::to_string(dropped_as_too_late) +
                   " packets dropped as too late (never acknowledged), the rest acknowledged"};
}

TransferEnd connection_ended(bool peer_closed, std::string_view detail) {
    if (peer_closed) return {0, "peer closed the connection"};
    return {1, std::string(detail)};
}

std::string receiver_drops_note(std::uint64_t dropped_as_too_late) {
    if (dropped_as_too_late == 0) return "";
    return " (" + std::to_string(dropped_as_too_late) + " packets lost: dropped as too late)";
}

}  // namespace websrt::core
