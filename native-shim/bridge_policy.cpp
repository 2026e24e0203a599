#include "bridge_policy.hpp"

#include <algorithm>
#include <charconv>

#include "core/media_uri.hpp"
#include "core/printable_text.hpp"

namespace websrt::native {

namespace {

/// The value of `name` in a query string, percent-decoded; empty when absent or malformed.
std::string query_value(std::string_view query, std::string_view name) {
    std::size_t start = 0;
    while (start <= query.size()) {
        const auto end = std::min(query.find('&', start), query.size());
        const auto pair = query.substr(start, end - start);
        if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=')
            return core::percent_decode(std::string(pair.substr(name.size() + 1))).value_or("");
        start = end + 1;
    }
    return {};
}

bool is_local_origin(std::string_view origin) {
    for (const std::string_view prefix : {"http://localhost", "http://127.0.0.1", "http://[::1]", "https://localhost",
                                          "https://127.0.0.1", "https://[::1]"}) {
        if (origin.substr(0, prefix.size()) == prefix &&
            (origin.size() == prefix.size() || origin[prefix.size()] == ':'))
            return true;
    }
    return false;
}

}  // namespace

std::optional<HostPort> parse_host_port(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon + 1 >= text.size()) return std::nullopt;
    std::string_view host = text.substr(0, colon);
    if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const auto digits = text.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size() || value < 1 || value > 65535 || host.empty())
        return std::nullopt;
    return HostPort{std::string(host), static_cast<std::uint16_t>(value)};
}

Expected<BridgePolicy, std::string> BridgePolicy::create(std::vector<AllowedTarget> allowed,
                                                         std::vector<std::string> origins, int max_sessions) {
    if (max_sessions < 1) return std::string("--max-sessions must be at least 1");
    BridgePolicy policy;
    policy.allowed_ = std::move(allowed);
    policy.origins_ = std::move(origins);
    policy.max_sessions_ = max_sessions;
    return policy;
}

BridgeDecision BridgePolicy::admit(std::string_view request_target, std::string_view origin, int open_sessions) const {
    BridgeDecision d;
    const auto question = request_target.find('?');
    if (request_target.substr(0, question) != "/srt") {
        d.status = 404;
        d.reason = "WebSocket upgrades are served on /srt only";
        return d;
    }
    const bool origin_ok = origins_.empty() ? (origin.empty() || is_local_origin(origin))
                                            : std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
    if (!origin_ok) {
        d.status = 403;
        d.reason = "origin '" + core::printable_text(origin) + "' is not allowed (--origin)";
        return d;
    }
    const std::string target =
        question == std::string_view::npos ? "" : query_value(request_target.substr(question + 1), "target");
    const auto host_port = parse_host_port(target);
    if (!host_port) {
        d.reason = "expected ?target=IP:PORT, got '" + core::printable_text(target) + "'";
        return d;
    }
    const auto address = parse_ip_literal(host_port->host);
    if (!address) {
        d.reason = "target must be an IP address: '" + core::printable_text(host_port->host) + "'";
        return d;
    }
    const bool allowed = std::any_of(allowed_.begin(), allowed_.end(), [&](const AllowedTarget& a) {
        return a.port == host_port->port && a.address == *address;
    });
    if (!allowed) {
        d.status = 403;
        d.reason = "target " + core::printable_text(target) + " is not on the allowlist (--allow)";
        return d;
    }
    if (open_sessions >= max_sessions_) {
        d.status = 503;
        d.reason = "too many sessions (--max-sessions " + std::to_string(max_sessions_) + ")";
        return d;
    }
    d.ok = true;
    d.status = 101;
    d.target_host = to_string(*address);
    d.target_port = host_port->port;
    return d;
}

}  // namespace websrt::native
