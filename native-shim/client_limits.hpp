// Per-client limits of `websrt bridge`: how many connections one client address may hold while
// they send their request, how many sessions it may have open, and how fast it may ask for new
// WebSocket upgrades. The global caps stop a flood; these stop one client from taking all of
// them. A client is an IPv4 address or an IPv6 /64 (one subscriber's usual allocation, so a
// client cannot dodge the limits by rotating addresses inside its own prefix). The table is
// bounded: entries go when a client holds nothing and its upgrade bucket has refilled, and past
// `max_tracked_clients` a new client's connection is closed unanswered. Boost-free: the Node
// bridge (js/bridge/) runs these limits compiled to WebAssembly.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>

#include "ip_literal.hpp"

namespace websrt::native {

namespace client_limit_defaults {
/// Connections one client may hold still sending their request (of the bridge's 128): a page
/// opens a handful at once; a slow-loris client cannot take more than a quarter.
inline constexpr int max_pending_per_client = 32;
/// Open sessions per client (of --max-sessions, 64): a page plays a few streams, not a dozen.
inline constexpr int max_sessions_per_client = 8;
/// WebSocket upgrades per second per client, and as many in one burst: a page reconnecting
/// after a network change needs a few; a reconnect loop or a flood is throttled.
inline constexpr double upgrades_per_second = 10;
/// Distinct clients tracked at once. At about 100 bytes each, 64 Ki entries bound the table at a
/// few MB however many addresses a flood comes from.
inline constexpr std::size_t max_tracked_clients = 65536;
}  // namespace client_limit_defaults

struct ClientLimitsConfig {
    int max_pending_per_client = client_limit_defaults::max_pending_per_client;
    int max_sessions_per_client = client_limit_defaults::max_sessions_per_client;
    double upgrades_per_second = client_limit_defaults::upgrades_per_second;
    std::size_t max_tracked_clients = client_limit_defaults::max_tracked_clients;
};

class ClientLimits {
public:
    using Clock = std::chrono::steady_clock;
    /// An IPv4 address (as its IPv4-mapped IPv6 form) or an IPv6 address with its low 64 bits zeroed.
    using Client = std::array<std::uint8_t, 16>;

    /// What happens to a new connection.
    enum class Admission {
        serve,  // within the client's pending cap
        busy,   // over it: a short time to send the request, then 503
        close,  // over twice the cap, or the table is full: closed without an answer
    };

    explicit ClientLimits(ClientLimitsConfig config) : config_(config) {}

    static Client client_of(const IpLiteral& address);

    /// A new connection from `client`, counted until connection_done() unless refused with close.
    Admission connection_opened(const Client& client, Clock::time_point now);
    void connection_done(const Client& client);

    /// Takes one upgrade from the client's bucket; false when it is empty (answer 429).
    bool take_upgrade(const Client& client, Clock::time_point now);

    /// Whether the client may open one more session.
    [[nodiscard]] bool session_fits(const Client& client) const;
    void session_opened(const Client& client);
    void session_closed(const Client& client);

    [[nodiscard]] const ClientLimitsConfig& config() const { return config_; }
    [[nodiscard]] std::size_t tracked_clients() const { return clients_.size(); }

private:
    struct Entry {
        int connections = 0;  // in the HTTP phase, busy ones included
        int sessions = 0;
        double upgrade_tokens = 0;
        Clock::time_point tokens_at{};
    };
    void refill(Entry& entry, Clock::time_point now) const;
    /// Removes an entry that holds nothing and whose bucket is full again (it would be recreated
    /// identical), and, every time the table doubles, every such entry.
    void forget_if_idle(std::map<Client, Entry>::iterator entry, Clock::time_point now);
    void sweep(Clock::time_point now);

    ClientLimitsConfig config_;
    std::map<Client, Entry> clients_;
    std::size_t sweep_at_size_ = 1024;  // next table size that triggers a sweep
};

}  // namespace websrt::native
