// Formatting, parsing and hashing of SocketAddress without the platform's socket headers, so the
// same code runs in WebAssembly.
#include "core/socket_address.hpp"

#include <charconv>
#include <cstdio>

namespace websrt::core {

namespace {

std::optional<std::uint16_t> parse_port(std::string_view text) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

std::optional<std::array<std::uint8_t, 16>> parse_v4(std::string_view text) {
    std::array<std::uint8_t, 16> ip{};
    for (int i = 0; i < 4; ++i) {
        const std::size_t dot = i < 3 ? text.find('.') : text.size();
        if (dot == std::string_view::npos) return std::nullopt;
        const std::string_view part = text.substr(0, dot);
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (ec != std::errc{} || end != part.data() + part.size() || part.empty() || value > 255) return std::nullopt;
        ip[i] = static_cast<std::uint8_t>(value);
        text = i < 3 ? text.substr(dot + 1) : std::string_view{};
    }
    return ip;
}

std::optional<std::array<std::uint8_t, 16>> parse_v6(std::string_view text) {
    // Groups before and after an optional "::".
    std::array<std::uint16_t, 8> head{}, tail{};
    int head_count = 0, tail_count = 0;
    bool compressed = false;
    std::size_t pos = 0;
    if (text.starts_with("::")) {
        compressed = true;
        pos = 2;
    }
    while (pos < text.size()) {
        std::size_t end = text.find(':', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view group = text.substr(pos, end - pos);
        unsigned value = 0;
        const auto [p, ec] = std::from_chars(group.data(), group.data() + group.size(), value, 16);
        if (ec != std::errc{} || p != group.data() + group.size() || group.empty() || group.size() > 4)
            return std::nullopt;
        if (compressed) {
            if (tail_count == 8) return std::nullopt;
            tail[tail_count++] = static_cast<std::uint16_t>(value);
        } else {
            if (head_count == 8) return std::nullopt;
            head[head_count++] = static_cast<std::uint16_t>(value);
        }
        if (end == text.size()) break;
        if (text.substr(end).starts_with("::")) {
            if (compressed) return std::nullopt;
            compressed = true;
            pos = end + 2;
        } else {
            pos = end + 1;
            if (pos == text.size()) return std::nullopt;
        }
    }
    if (compressed ? head_count + tail_count > 7 : head_count != 8) return std::nullopt;
    std::array<std::uint16_t, 8> groups{};
    for (int i = 0; i < head_count; ++i) groups[i] = head[i];
    for (int i = 0; i < tail_count; ++i) groups[8 - tail_count + i] = tail[i];
    std::array<std::uint8_t, 16> ip{};
    for (int i = 0; i < 8; ++i) {
        ip[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
        ip[2 * i + 1] = static_cast<std::uint8_t>(groups[i]);
    }
    return ip;
}

}  // namespace

SocketAddress SocketAddress::v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint16_t port) {
    SocketAddress s;
    s.ip[0] = a;
    s.ip[1] = b;
    s.ip[2] = c;
    s.ip[3] = d;
    s.port = port;
    return s;
}

std::optional<SocketAddress> SocketAddress::parse(std::string_view text) {
    SocketAddress s;
    if (text.starts_with('[')) {
        const std::size_t close = text.find("]:");
        if (close == std::string_view::npos) return std::nullopt;
        auto ip = parse_v6(text.substr(1, close - 1));
        auto port = parse_port(text.substr(close + 2));
        if (!ip || !port) return std::nullopt;
        s.ip = *ip;
        s.port = *port;
        s.is_v6 = true;
        return s;
    }
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto ip = parse_v4(text.substr(0, colon));
    auto port = parse_port(text.substr(colon + 1));
    if (!ip || !port) return std::nullopt;
    s.ip = *ip;
    s.port = *port;
    return s;
}

std::string SocketAddress::host_string() const {
    char buf[48];
    if (!is_v6) {
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
        return buf;
    }
    // Plain eight-group form; compression is cosmetic and not needed for logs or parsing.
    std::string out;
    for (int i = 0; i < 8; ++i) {
        std::snprintf(buf, sizeof buf, "%x", (ip[2 * i] << 8) | ip[2 * i + 1]);
        if (i) out += ':';
        out += buf;
    }
    return out;
}

std::string SocketAddress::to_string() const {
    return is_v6 ? "[" + host_string() + "]:" + std::to_string(port) : host_string() + ":" + std::to_string(port);
}

std::size_t SocketAddressHash::operator()(const SocketAddress& a) const noexcept {
    std::size_t h = a.port ^ (a.is_v6 ? 0x9e3779b9u : 0u);
    for (std::uint8_t b : a.ip) h = h * 131 + b;
    return h;
}

}  // namespace websrt::core
