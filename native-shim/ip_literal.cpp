// IP literals through the C library's inet_pton/inet_ntop (POSIX; Emscripten's libc has both).
#include "ip_literal.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace websrt::native {

namespace {
/// ::ffff:0:0/96 (RFC 4291 §2.5.5.2).
constexpr std::array<std::uint8_t, 12> v4_mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
}  // namespace

bool IpLiteral::is_v4() const { return std::equal(v4_mapped_prefix.begin(), v4_mapped_prefix.end(), bytes.begin()); }

std::optional<IpLiteral> parse_ip_literal(std::string_view text) {
    // INET6_ADDRSTRLEN (46) bounds every literal; longer text is not one, and the copy stays small.
    // inet_pton stops at a NUL: "127.0.0.1\0junk" (a percent-decoded %00) is not a literal either.
    if (text.empty() || text.size() >= 46 || text.find('\0') != std::string_view::npos) return std::nullopt;
    const std::string terminated(text);
    IpLiteral address;
    std::array<std::uint8_t, 4> v4{};
    if (inet_pton(AF_INET, terminated.c_str(), v4.data()) == 1) {
        std::copy(v4_mapped_prefix.begin(), v4_mapped_prefix.end(), address.bytes.begin());
        std::copy(v4.begin(), v4.end(), address.bytes.begin() + 12);
        return address;
    }
    if (inet_pton(AF_INET6, terminated.c_str(), address.bytes.data()) == 1) return address;
    return std::nullopt;
}

std::string to_string(const IpLiteral& address) {
    char text[46] = {};  // INET6_ADDRSTRLEN
    if (address.is_v4()) {
        inet_ntop(AF_INET, address.bytes.data() + 12, text, sizeof text);
    } else {
        inet_ntop(AF_INET6, address.bytes.data(), text, sizeof text);
    }
    return text;
}

std::string endpoint_text(const IpLiteral& address, std::uint16_t port) {
    const auto text = to_string(address);
    return (address.is_v4() ? text : "[" + text + "]") + ":" + std::to_string(port);
}

}  // namespace websrt::native
