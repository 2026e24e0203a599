// Embind glue for the bridge's policy (native-shim/bridge_policy, host_check, client_limits,
// relay_budget, static_path_policy): the Node bridge (js/bridge/) asks these same functions what
// `websrt bridge` would decide, so the two bridges admit and refuse exactly the same requests.
// The clock is the module's steady clock (performance.now() under Node), as the native bridge
// reads its own. Errors are values; nothing throws into JS.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <vector>

#include "bridge_policy.hpp"
#include "client_limits.hpp"
#include "datagram_batch.hpp"
#include "host_check.hpp"
#include "relay_budget.hpp"
#include "static_path_policy.hpp"

namespace {

using emscripten::val;
using namespace websrt::native;

std::vector<std::string> strings_of(const val& array) {
    std::vector<std::string> out;
    if (!array.isArray()) return out;
    const auto length = array["length"].as<unsigned>();
    for (unsigned i = 0; i < length; ++i) out.push_back(array[i].as<std::string>());
    return out;
}

/// One bridge's decisions: which upgrades, Host headers and clients it admits.
class BridgeRules {
public:
    /// `config`: {allow: [{address: "IP", port}], origins: [..], hosts: [..], maxSessions,
    /// listeningOnLoopback, listeningPort, maxPendingPerClient, maxSessionsPerClient,
    /// upgradesPerSecond}. Returns "" when accepted, else what is wrong (the rules are then unusable).
    std::string configure(val config) {
        std::vector<AllowedTarget> allowed;
        const val allow = config["allow"];
        const auto count = allow.isArray() ? allow["length"].as<unsigned>() : 0;
        for (unsigned i = 0; i < count; ++i) {
            const auto text = allow[i]["address"].as<std::string>();
            const auto address = parse_ip_literal(text);
            if (!address) return "--allow: '" + text + "' is not an IP address";
            allowed.push_back({*address, static_cast<std::uint16_t>(allow[i]["port"].as<unsigned>())});
        }
        auto policy =
            BridgePolicy::create(std::move(allowed), strings_of(config["origins"]), config["maxSessions"].as<int>());
        if (!policy) return policy.error();
        auto hosts = HostAllowlist::create(config["listeningOnLoopback"].as<bool>(), strings_of(config["hosts"]),
                                           static_cast<std::uint16_t>(config["listeningPort"].as<unsigned>()));
        if (!hosts) return hosts.error();
        ClientLimitsConfig limits;
        limits.max_pending_per_client = config["maxPendingPerClient"].as<int>();
        limits.max_sessions_per_client = config["maxSessionsPerClient"].as<int>();
        limits.upgrades_per_second = config["upgradesPerSecond"].as<double>();
        if (limits.max_pending_per_client < 1 || limits.max_sessions_per_client < 1 ||
            !(limits.upgrades_per_second >= 1))
            return "--max-pending-per-ip, --max-sessions-per-ip and --upgrades-per-ip must be at least 1";
        policy_ = std::move(*policy);
        hosts_ = std::move(*hosts);
        clients_ = ClientLimits(limits);
        return {};
    }

    /// {ok, status, reason, targetHost, targetPort}: BridgePolicy::admit.
    val admit_upgrade(const std::string& target, const std::string& origin, int open_sessions) const {
        const auto d = policy_.admit(target, origin, open_sessions);
        val result = val::object();
        result.set("ok", d.ok);
        result.set("status", d.status);
        result.set("reason", d.reason);
        if (d.ok) {
            result.set("targetHost", d.target_host);
            result.set("targetPort", d.target_port);
        }
        return result;
    }

    bool hosts_enforced() const { return hosts_.enforced(); }
    bool admits_host(const std::string& host_header) const { return hosts_.admits(host_header); }

    /// "serve", "busy" or "close" (ClientLimits::Admission) for a new connection from `ip` (as
    /// Node's remoteAddress gives it); an address that does not parse is closed.
    std::string connection_opened(const std::string& ip) {
        const auto client = client_of_text(ip);
        if (!client) return "close";
        switch (clients_.connection_opened(*client, ClientLimits::Clock::now())) {
        case ClientLimits::Admission::serve: return "serve";
        case ClientLimits::Admission::busy: return "busy";
        case ClientLimits::Admission::close: break;
        }
        return "close";
    }
    void connection_done(const std::string& ip) {
        if (const auto client = client_of_text(ip)) clients_.connection_done(*client);
    }
    bool take_upgrade(const std::string& ip) {
        const auto client = client_of_text(ip);
        return client && clients_.take_upgrade(*client, ClientLimits::Clock::now());
    }
    bool session_fits(const std::string& ip) const {
        const auto client = client_of_text(ip);
        return client && clients_.session_fits(*client);
    }
    void session_opened(const std::string& ip) {
        if (const auto client = client_of_text(ip)) clients_.session_opened(*client);
    }
    void session_closed(const std::string& ip) {
        if (const auto client = client_of_text(ip)) clients_.session_closed(*client);
    }

private:
    static std::optional<ClientLimits::Client> client_of_text(const std::string& ip) {
        const auto address = parse_ip_literal(ip);
        if (!address) return std::nullopt;
        return ClientLimits::client_of(*address);
    }

    BridgePolicy policy_ = *BridgePolicy::create({}, {}, 1);
    HostAllowlist hosts_;
    ClientLimits clients_{ClientLimitsConfig{}};
};

/// One direction of one session: RelayBudget with the bridge's burst.
class SessionBudget {
public:
    SessionBudget(double rate_bytes_per_second, double packets_per_second)
        : budget_({rate_bytes_per_second, packets_per_second, bridge_limits::burst_seconds},
                  RelayBudget::Clock::now()) {}
    /// A datagram of `size` bytes: 0 relay it; else dropped (and counted) as 1 too short, 2 over
    /// the byte rate, 3 over the packet rate (RelayBudget::Verdict's order).
    int admit(unsigned size) { return static_cast<int>(budget_.admit(size, RelayBudget::Clock::now())); }
    /// "N short, M over rate, K over packet rate", as the native session line prints it.
    std::string drops() const { return describe(budget_.drops()); }

private:
    RelayBudget budget_;
};

/// {ok: true, path} (relative, '/'-separated, index.html appended for a directory) or {ok: false,
/// why}: relative_static_path. The driver then resolves symlinks and checks the result stays
/// inside its canonical root (bridgeIsWithin).
val static_path(const std::string& request_target) {
    const auto path = relative_static_path(request_target);
    val result = val::object();
    result.set("ok", path.ok());
    if (path) {
        result.set("path", *path);
    } else {
        result.set("why", std::string(describe(path.error())));
    }
    return result;
}

std::string content_type(const std::string& file_name) { return std::string(content_type_for(file_name)); }

/// is_within: whether canonical `path` is canonical `root` or inside it, by path component.
bool within(const std::string& root, const std::string& path) { return is_within(root, path); }

/// {host, port} of "HOST:PORT" / "[V6]:PORT", or null.
val host_port(const std::string& text) {
    const auto parsed = parse_host_port(text);
    if (!parsed) return val::null();
    val result = val::object();
    result.set("host", parsed->host);
    result.set("port", parsed->port);
    return result;
}

/// The bridge's fixed limits and defaults, one definition for both bridges.
val limits() {
    val l = val::object();
    l.set("maxDatagram", bridge_limits::max_datagram);
    l.set("maxQueued", bridge_limits::max_queued);
    l.set("udpReceiveBuffer", bridge_limits::udp_receive_buffer);
    l.set("batchHoldMs", std::chrono::duration<double, std::milli>(bridge_limits::batch_hold).count());
    l.set("maxPendingRequests", bridge_limits::max_pending_requests);
    l.set("requestSeconds", bridge_limits::request_seconds);
    l.set("maxHeaderBytes", bridge_limits::max_header_bytes);
    l.set("maxPacketsPerSecond", bridge_limits::max_packets_per_second);
    l.set("maxSessions", bridge_limits::max_sessions);
    l.set("idleSeconds", bridge_limits::idle_seconds);
    l.set("maxRateMbit", bridge_limits::max_rate_mbit);
    l.set("maxPendingPerClient", client_limit_defaults::max_pending_per_client);
    l.set("maxSessionsPerClient", client_limit_defaults::max_sessions_per_client);
    l.set("upgradesPerSecond", client_limit_defaults::upgrades_per_second);
    l.set("batchSubprotocol", std::string(datagram_batch::subprotocol));
    l.set("maxBatchMessage", datagram_batch::max_message);
    return l;
}

}  // namespace

EMSCRIPTEN_BINDINGS(websrt_bridge_policy) {
    emscripten::class_<BridgeRules>("BridgeRules")
        .constructor<>()
        .function("configure", &BridgeRules::configure)
        .function("admitUpgrade", &BridgeRules::admit_upgrade)
        .function("hostsEnforced", &BridgeRules::hosts_enforced)
        .function("admitsHost", &BridgeRules::admits_host)
        .function("connectionOpened", &BridgeRules::connection_opened)
        .function("connectionDone", &BridgeRules::connection_done)
        .function("takeUpgrade", &BridgeRules::take_upgrade)
        .function("sessionFits", &BridgeRules::session_fits)
        .function("sessionOpened", &BridgeRules::session_opened)
        .function("sessionClosed", &BridgeRules::session_closed);
    emscripten::class_<SessionBudget>("BridgeSessionBudget")
        .constructor<double, double>()
        .function("admit", &SessionBudget::admit)
        .function("drops", &SessionBudget::drops);
    emscripten::function("bridgeStaticPath", &static_path);
    emscripten::function("bridgeContentType", &content_type);
    emscripten::function("bridgeIsWithin", &within);
    emscripten::function("bridgeHostPort", &host_port);
    emscripten::function("bridgeLimits", &limits);
}
