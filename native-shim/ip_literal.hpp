// IP address literals for the bridge's policy, without Boost or sockets, so that the same checks
// compile into the WebAssembly build and the Node bridge (js/bridge/) decides exactly as `websrt
// bridge` does.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace websrt::native {

/// An IPv4 or IPv6 address. IPv4 is held as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so that
/// one comparison serves both and "127.0.0.1" equals "::ffff:127.0.0.1" (a dual-stack socket's
/// view of an IPv4 client).
struct IpLiteral {
    std::array<std::uint8_t, 16> bytes{};

    /// Whether this is an IPv4 address (IPv4-mapped).
    [[nodiscard]] bool is_v4() const;
    friend bool operator==(const IpLiteral&, const IpLiteral&) = default;
};

/// Dotted-decimal IPv4 ("127.0.0.1") or IPv6 without brackets ("::1", "fe80::1"); nullopt for
/// anything else (names, brackets, zone ids, ports).
std::optional<IpLiteral> parse_ip_literal(std::string_view text);

/// "127.0.0.1" for IPv4 (mapped ones too), the RFC 5952 form ("::1") for IPv6.
std::string to_string(const IpLiteral& address);

/// An address as the bridge logs and relays to it: "127.0.0.1:9000", "[::1]:9000".
std::string endpoint_text(const IpLiteral& address, std::uint16_t port);

}  // namespace websrt::native
