// The bridge's batched framing, the "websrt-batch" WebSocket subprotocol: one WebSocket message
// carries several datagrams, each as a 16-bit big-endian length and its bytes. It spares a browser
// one WebSocket message (a round of IPC inside Chromium) per SRT packet. Clients that do not ask
// for the subprotocol get one datagram per message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace websrt::native::datagram_batch {

inline constexpr std::string_view subprotocol = "websrt-batch";
/// Largest batch either side sends: a few dozen SRT packets, well under a browser's frame limits.
inline constexpr std::size_t max_message = 64 * 1024;

enum class Malformed { none, truncated, empty_datagram, oversize_datagram };

inline std::string_view describe(Malformed why) {
    switch (why) {
    case Malformed::truncated: return "a batch ends inside a datagram";
    case Malformed::empty_datagram: return "a batch holds an empty datagram";
    case Malformed::oversize_datagram: return "a batched datagram exceeds 1500 bytes";
    case Malformed::none: break;
    }
    return "";
}

/// Checks the whole message first, so a malformed batch relays nothing; then calls
/// `visit(std::span<const std::uint8_t>)` for each datagram.
template <class Visit>
Malformed split(std::span<const std::uint8_t> message, std::size_t max_datagram, Visit&& visit) {
    for (std::size_t at = 0; at < message.size();) {
        if (message.size() - at < 2) return Malformed::truncated;
        const std::size_t size = (std::size_t{message[at]} << 8) | message[at + 1];
        if (size == 0) return Malformed::empty_datagram;
        if (size > max_datagram) return Malformed::oversize_datagram;
        if (message.size() - at - 2 < size) return Malformed::truncated;
        at += 2 + size;
    }
    for (std::size_t at = 0; at < message.size();) {
        const std::size_t size = (std::size_t{message[at]} << 8) | message[at + 1];
        visit(message.subspan(at + 2, size));
        at += 2 + size;
    }
    return Malformed::none;
}

/// Appends one datagram (at most 65535 bytes) to a batch being built.
inline void append(std::vector<std::uint8_t>& batch, std::span<const std::uint8_t> datagram) {
    batch.push_back(static_cast<std::uint8_t>(datagram.size() >> 8));
    batch.push_back(static_cast<std::uint8_t>(datagram.size()));
    batch.insert(batch.end(), datagram.begin(), datagram.end());
}

}  // namespace websrt::native::datagram_batch
