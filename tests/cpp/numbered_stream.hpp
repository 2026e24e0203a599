// The numbered stream the core tests send and check: message i is filled with the byte (i & 0xFF)
// and starts with i itself (four bytes, little-endian), so a receiver can tell which messages
// arrived, in what order, and whether their bytes are intact.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "simulator.hpp"

namespace websrt::test {

/// Sends `count` numbered messages of `size` bytes from connection `id` of `node`, one every
/// `interval`, running the simulator in between: each is sent at the simulator's now, then the
/// network runs for `interval` (so the last one has had `interval` of network time when it returns).
inline void send_numbered_stream(sim::Simulator& simulator, int node, core::ConnectionId id, int count,
                                 std::size_t size, core::Micros interval) {
    std::vector<std::uint8_t> message(size);
    for (int i = 0; i < count; ++i) {
        std::fill(message.begin(), message.end(), static_cast<std::uint8_t>(i));
        for (int b = 0; b < 4 && b < static_cast<int>(size); ++b) message[b] = static_cast<std::uint8_t>(i >> (8 * b));
        simulator.endpoint(node).send(id, simulator.local_now(node), message);
        simulator.run_for(interval);
    }
}

/// The index a numbered message carries in its first four bytes.
inline int index_of(const std::vector<std::uint8_t>& message) {
    return message[0] | message[1] << 8 | message[2] << 16 | message[3] << 24;
}

}  // namespace websrt::test
