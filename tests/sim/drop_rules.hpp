// Scripted drop rules for the simulator's links (Simulator::set_drop_rule): lose the data packets
// a test names, once or every time they are sent, a share of everything from a seeded generator,
// or everything.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/random_source.hpp"
#include "wire/constants.hpp"
#include "simulator.hpp"

namespace websrt::sim {

/// The sequence number of a data packet (word 0, F bit clear); nothing for a control packet or
/// a datagram too short to be a packet.
inline std::optional<std::uint32_t> data_sequence_number(wire::Bytes datagram) {
    if (datagram.size() < 16 || (datagram[0] & 0x80)) return std::nullopt;
    return std::uint32_t{datagram[0]} << 24 | std::uint32_t{datagram[1]} << 16 | std::uint32_t{datagram[2]} << 8 |
           datagram[3];
}

/// The type of a control packet (F bit set, 15-bit type in word 0); nothing for a data packet or
/// a datagram too short to be a packet.
inline std::optional<wire::ControlType> control_type(wire::Bytes datagram) {
    if (datagram.size() < 16 || !(datagram[0] & 0x80)) return std::nullopt;
    return static_cast<wire::ControlType>((std::uint16_t{datagram[0]} & 0x7f) << 8 | datagram[1]);
}

/// Loses the first transmission of each data packet whose sequence number is in `seqs`; its
/// retransmissions get through.
inline DropRule lose_data_once(std::vector<std::uint32_t> seqs) {
    auto remaining = std::make_shared<std::vector<std::uint32_t>>(std::move(seqs));
    return [remaining](std::uint64_t, wire::Bytes datagram) {
        const auto seq = data_sequence_number(datagram);
        if (!seq) return false;
        for (auto it = remaining->begin(); it != remaining->end(); ++it)
            if (*it == *seq) {
                remaining->erase(it);
                return true;
            }
        return false;
    };
}

/// Loses every transmission of the data packet `seq`: it can never arrive.
inline DropRule lose_data_always(std::uint32_t seq) {
    return [seq](std::uint64_t, wire::Bytes datagram) { return data_sequence_number(datagram) == seq; };
}

/// Loses each datagram with probability `percent`, from a generator seeded with `seed`.
inline DropRule lose_randomly(double percent, std::uint64_t seed) {
    auto random = std::make_shared<core::SeededRandom>(seed);
    return [random, percent](std::uint64_t, wire::Bytes) {
        return static_cast<double>(random->next_u32() % 100000) < percent * 1000.0;
    };
}

/// Loses every datagram: one direction of the path is dead.
inline DropRule lose_everything() {
    return [](std::uint64_t, wire::Bytes) { return true; };
}

}  // namespace websrt::sim
