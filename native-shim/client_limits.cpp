// Per-client counters and upgrade buckets for `websrt bridge` (see client_limits.hpp).
#include "client_limits.hpp"

#include <algorithm>

namespace websrt::native {

namespace {
/// The smallest table size that triggers a sweep: below it, idle entries cost nothing worth a pass.
constexpr std::size_t min_sweep_size = 1024;
}  // namespace

ClientLimits::Client ClientLimits::client_of(const IpLiteral& address) {
    auto bytes = address.bytes;
    if (address.is_v4()) return bytes;  // IPv4-mapped, also an IPv4 client on a dual-stack socket
    std::fill(bytes.begin() + 8, bytes.end(), std::uint8_t{0});
    return bytes;
}

void ClientLimits::refill(Entry& entry, Clock::time_point now) const {
    const double burst = config_.upgrades_per_second;  // one second's worth
    const double elapsed = std::chrono::duration<double>(now - entry.tokens_at).count();
    entry.upgrade_tokens = std::min(burst, entry.upgrade_tokens + std::max(0.0, elapsed) * config_.upgrades_per_second);
    entry.tokens_at = now;
}

void ClientLimits::forget_if_idle(std::map<Client, Entry>::iterator entry, Clock::time_point now) {
    if (entry->second.connections > 0 || entry->second.sessions > 0) return;
    refill(entry->second, now);
    if (entry->second.upgrade_tokens >= config_.upgrades_per_second) clients_.erase(entry);
}

void ClientLimits::sweep(Clock::time_point now) {
    for (auto entry = clients_.begin(); entry != clients_.end();) forget_if_idle(entry++, now);
    sweep_at_size_ = std::max(min_sweep_size, 2 * clients_.size());
}

ClientLimits::Admission ClientLimits::connection_opened(const Client& client, Clock::time_point now) {
    auto entry = clients_.find(client);
    if (entry == clients_.end()) {
        if (clients_.size() >= sweep_at_size_ || clients_.size() >= config_.max_tracked_clients) sweep(now);
        if (clients_.size() >= config_.max_tracked_clients) return Admission::close;
        entry = clients_.emplace(client, Entry{0, 0, config_.upgrades_per_second, now}).first;
    }
    const int held = entry->second.connections;
    if (held >= 2 * config_.max_pending_per_client) return Admission::close;
    ++entry->second.connections;
    return held >= config_.max_pending_per_client ? Admission::busy : Admission::serve;
}

void ClientLimits::connection_done(const Client& client) {
    const auto entry = clients_.find(client);
    if (entry == clients_.end()) return;
    --entry->second.connections;
    forget_if_idle(entry, Clock::now());
}

bool ClientLimits::take_upgrade(const Client& client, Clock::time_point now) {
    const auto entry = clients_.find(client);
    if (entry == clients_.end()) return false;  // only a counted connection asks
    refill(entry->second, now);
    if (entry->second.upgrade_tokens < 1) return false;
    entry->second.upgrade_tokens -= 1;
    return true;
}

bool ClientLimits::session_fits(const Client& client) const {
    const auto entry = clients_.find(client);
    return entry == clients_.end() || entry->second.sessions < config_.max_sessions_per_client;
}

void ClientLimits::session_opened(const Client& client) {
    // The upgrading connection still holds the entry, so it exists; emplace covers misuse.
    ++clients_.try_emplace(client, Entry{0, 0, config_.upgrades_per_second, Clock::now()}).first->second.sessions;
}

void ClientLimits::session_closed(const Client& client) {
    const auto entry = clients_.find(client);
    if (entry == clients_.end()) return;
    --entry->second.sessions;
    forget_if_idle(entry, Clock::now());
}

}  // namespace websrt::native
