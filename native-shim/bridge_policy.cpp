#include "bridge_policy.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <filesystem>
#include <map>

#include "core/media_uri.hpp"

namespace websrt::native {

namespace {

namespace ip = boost::asio::ip;

/// "HOST:PORT" or "[V6]:PORT" → (host, port); false when malformed.
bool split_host_port(const std::string& text, std::string& host, unsigned short& port) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 >= text.size()) return false;
    host = text.substr(0, colon);
    if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    try {
        std::size_t used = 0;
        const int value = std::stoi(text.substr(colon + 1), &used);
        if (used != text.size() - colon - 1 || value < 1 || value > 65535) return false;
        port = static_cast<unsigned short>(value);
    } catch (const std::exception&) {
        return false;
    }
    return !host.empty();
}

/// The value of `name` in a query string, percent-decoded; empty when absent or malformed.
std::string query_value(const std::string& query, const std::string& name) {
    std::size_t start = 0;
    while (start <= query.size()) {
        const auto end = std::min(query.find('&', start), query.size());
        const std::string pair = query.substr(start, end - start);
        if (pair.rfind(name + "=", 0) == 0) return core::percent_decode(pair.substr(name.size() + 1)).value_or("");
        start = end + 1;
    }
    return {};
}

bool is_local_origin(const std::string& origin) {
    for (const char* prefix : {"http://localhost", "http://127.0.0.1", "http://[::1]", "https://localhost",
                               "https://127.0.0.1", "https://[::1]"}) {
        const std::string p(prefix);
        if (origin.rfind(p, 0) == 0 && (origin.size() == p.size() || origin[p.size()] == ':')) return true;
    }
    return false;
}

}  // namespace

Expected<BridgePolicy, std::string> BridgePolicy::create(const std::vector<std::string>& allow,
                                                         const std::vector<std::string>& origins,
                                                         const std::string& static_dir, int max_sessions) {
    BridgePolicy policy;
    boost::asio::io_context io;
    ip::udp::resolver resolver(io);
    for (const auto& entry : allow) {
        std::string host;
        unsigned short port = 0;
        if (!split_host_port(entry, host, port)) return "--allow expects HOST:PORT, got '" + entry + "'";
        boost::system::error_code ec;
        const auto results = resolver.resolve(host, std::to_string(port), ec);
        if (ec || results.empty()) return "--allow " + entry + ": cannot resolve " + host;
        for (const auto& result : results) policy.allowed_.push_back({result.endpoint().address(), port});
    }
    if (!static_dir.empty()) {
        std::error_code ec;
        // Canonical once, so every served path is compared with the real directory, symlinks
        // in --static itself resolved.
        policy.static_root_ = std::filesystem::canonical(static_dir, ec);
        if (ec || !std::filesystem::is_directory(policy.static_root_)) return "--static " + static_dir + " is not a directory";
    }
    if (max_sessions < 1) return std::string("--max-sessions must be at least 1");
    policy.origins_ = origins;
    policy.max_sessions_ = max_sessions;
    return policy;
}

BridgeDecision BridgePolicy::admit(const std::string& request_target, const std::string& origin, int open_sessions) const {
    BridgeDecision d;
    const auto question = request_target.find('?');
    const std::string path = request_target.substr(0, question);
    if (path != "/srt") {
        d.status = 404;
        d.reason = "WebSocket upgrades are served on /srt only";
        return d;
    }
    const bool origin_ok = origins_.empty() ? (origin.empty() || is_local_origin(origin))
                                            : std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
    if (!origin_ok) {
        d.status = 403;
        d.reason = "origin '" + origin + "' is not allowed (--origin)";
        return d;
    }
    const std::string target = question == std::string::npos ? "" : query_value(request_target.substr(question + 1), "target");
    std::string host;
    unsigned short port = 0;
    if (!split_host_port(target, host, port)) {
        d.reason = "expected ?target=IP:PORT, got '" + target + "'";
        return d;
    }
    boost::system::error_code ec;
    const auto address = ip::make_address(host, ec);
    if (ec) {
        d.reason = "target must be an IP address: '" + host + "'";
        return d;
    }
    const bool allowed = std::any_of(allowed_.begin(), allowed_.end(),
                                     [&](const Allowed& a) { return a.port == port && a.address == address; });
    if (!allowed) {
        d.status = 403;
        d.reason = "target " + target + " is not on the allowlist (--allow)";
        return d;
    }
    if (open_sessions >= max_sessions_) {
        d.status = 503;
        d.reason = "too many sessions (--max-sessions " + std::to_string(max_sessions_) + ")";
        return d;
    }
    d.ok = true;
    d.status = 101;
    d.target_host = address.to_string();
    d.target_port = port;
    return d;
}

StaticFile BridgePolicy::static_file(const std::string& request_target) const {
    static const std::map<std::string, std::string> types = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".wasm", "application/wasm"},
        {".css", "text/css; charset=utf-8"}, {".json", "application/json"}, {".ts", "text/plain; charset=utf-8"},
        {".png", "image/png"}, {".svg", "image/svg+xml"}};
    StaticFile f;
    f.reason = "not found";
    if (static_root_.empty()) {
        f.why = StaticPathRefusal::not_a_regular_file;
        return f;
    }
    const auto file = resolve_static_path(static_root_, request_target);
    if (!file) {
        f.why = file.error();
        return f;
    }
    const auto type = types.find(file->extension().string());
    f.ok = true;
    f.status = 200;
    f.path = file->string();
    f.content_type = type == types.end() ? "application/octet-stream" : type->second;
    return f;
}

std::string endpoint_text(const ip::udp::endpoint& endpoint) {
    const auto a = endpoint.address();
    return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(endpoint.port());
}

std::string endpoint_text(const ip::tcp::endpoint& endpoint) {
    const auto a = endpoint.address();
    return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(endpoint.port());
}

}  // namespace websrt::native
