// A UDP peer address as the sans-IO core sees it: IPv4 or IPv6 bytes and a port, with no
// dependency on any socket API (the drivers convert from their own endpoint types).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace websrt::core {

struct SocketAddress {
    /// Network-order address bytes: IPv4 in the first 4 bytes (rest zero), or all 16 for IPv6.
    std::array<std::uint8_t, 16> ip{};
    std::uint16_t port = 0;
    bool is_v6 = false;

    static SocketAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint16_t port);
    /// Parses "1.2.3.4:5", "[::1]:5" (no name resolution). Empty on malformed text.
    static std::optional<SocketAddress> parse(std::string_view text);

    /// "1.2.3.4:5" or "[::1]:5".
    [[nodiscard]] std::string to_string() const;
    /// The address without the port ("1.2.3.4" or "::1").
    [[nodiscard]] std::string host_string() const;

    friend bool operator==(const SocketAddress&, const SocketAddress&) = default;
};

struct SocketAddressHash {
    std::size_t operator()(const SocketAddress& a) const noexcept;
};

}  // namespace websrt::core
