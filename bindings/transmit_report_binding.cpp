// Embind glue for core/transmit_report: the lines and exit statuses of `websrt transmit`, so that
// the Node CLI (js/transmit/transmitter.js) says what the native command says, byte for byte.
// Transfer ends are {status, line} objects.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "core/transmit_report.hpp"

namespace {

using emscripten::val;
using namespace websrt::core;

val transfer_end_object(const TransferEnd& end) {
    val object = val::object();
    object.set("status", end.status);
    object.set("line", end.line);
    return object;
}

/// A count from JS: a negative, NaN or fractional number counts as its non-negative whole part.
std::uint64_t count_of(double number) { return number > 0 ? static_cast<std::uint64_t>(std::min(number, 9.0e15)) : 0; }

val end_of_input_object(double unacknowledged, double dropped) {
    return transfer_end_object(end_of_input(count_of(unacknowledged), count_of(dropped)));
}

val connection_ended_object(bool peer_closed, const std::string& detail) {
    return transfer_end_object(connection_ended(peer_closed, detail));
}

std::string connection_line_of(bool accepted, const std::string& peer, const std::string& stream_id) {
    return connection_line(accepted, peer, stream_id);
}

std::string receiver_drops(double dropped) { return receiver_drops_note(count_of(dropped)); }

}  // namespace

EMSCRIPTEN_BINDINGS(websrt_transmit_report) {
    emscripten::function("connectionLine", &connection_line_of);
    emscripten::function("endOfInput", &end_of_input_object);
    emscripten::function("connectionEnded", &connection_ended_object);
    emscripten::function("receiverDropsNote", &receiver_drops);
}
