// Host header checks for `websrt bridge` (see host_check.hpp for the rule).
#include "host_check.hpp"

#include <algorithm>

namespace websrt::native {

namespace {

/// A name's bytes: letters, digits, '-', '.', and for a bracketed IPv6 literal ':' too. Anything
/// else (spaces, '@', '/', control bytes) is not a host name a browser sends.
bool name_byte(char c, bool bracketed) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || (bracketed && c == ':');
}

std::optional<std::uint16_t> parse_port(std::string_view digits) {
    // At most five digits: 65535 fits, and no long run of digits can overflow the sum.
    if (digits.empty() || digits.size() > 5) return std::nullopt;
    unsigned value = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value < 1 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

bool is_127_dotted_quad(std::string_view name) {
    int octets = 0;
    while (true) {
        const auto dot = name.find('.');
        const auto octet = name.substr(0, dot);
        if (octet.empty() || octet.size() > 3 ||
            !std::all_of(octet.begin(), octet.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return false;
        const int value = std::stoi(std::string(octet));
        if (value > 255 || (octets == 0 && value != 127)) return false;
        ++octets;
        if (dot == std::string_view::npos) break;
        name.remove_prefix(dot + 1);
    }
    return octets == 4;
}

}  // namespace

std::optional<HostName> parse_host(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    std::string_view rest = lower;
    HostName host;
    std::string_view name;
    const bool bracketed = !rest.empty() && rest.front() == '[';
    if (bracketed) {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        name = rest.substr(0, close + 1);
        rest.remove_prefix(close + 1);
        if (name.size() < 3) return std::nullopt;
    } else {
        const auto colon = rest.find(':');
        name = rest.substr(0, colon);
        rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon);
    }
    if (name.empty()) return std::nullopt;
    const auto inner = bracketed ? name.substr(1, name.size() - 2) : name;
    if (!std::all_of(inner.begin(), inner.end(), [&](char c) { return name_byte(c, bracketed); })) return std::nullopt;
    if (!rest.empty()) {
        if (rest.front() != ':') return std::nullopt;
        host.port = parse_port(rest.substr(1));
        if (!host.port) return std::nullopt;
    }
    host.name = std::string(name);
    return host;
}

bool is_loopback_name(std::string_view lowercase_name) {
    return lowercase_name == "localhost" || lowercase_name == "[::1]" || is_127_dotted_quad(lowercase_name);
}

Expected<HostAllowlist, std::string> HostAllowlist::create(bool listening_on_loopback,
                                                           const std::vector<std::string>& hosts,
                                                           std::uint16_t listening_port) {
    HostAllowlist allowlist;
    for (const auto& entry : hosts) {
        auto host = parse_host(entry);
        if (!host) return "--host expects NAME or NAME:PORT, got '" + entry + "'";
        allowlist.extra_.push_back(std::move(*host));
    }
    allowlist.enforced_ = listening_on_loopback || !hosts.empty();
    allowlist.listening_port_ = listening_port;
    return allowlist;
}

bool HostAllowlist::admits(std::string_view host_header) const {
    if (!enforced_) return true;
    const auto host = parse_host(host_header);
    if (!host) return false;
    const bool port_is_ours = !host->port || *host->port == listening_port_;
    if (is_loopback_name(host->name) && port_is_ours) return true;
    return std::any_of(extra_.begin(), extra_.end(), [&](const HostName& allowed) {
        if (allowed.name != host->name) return false;
        return allowed.port ? (!host->port || *host->port == *allowed.port) : port_is_ours;
    });
}

}  // namespace websrt::native
