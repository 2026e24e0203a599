// A discrete-event network simulator for the real core: N Endpoints on a virtual microsecond clock,
// joined by per-direction links of the same seeded model `websrt impair` uses (LinkImpairment:
// loss, bursts, blackouts, delay, jitter, reordering, duplication, corruption, rate limit). Each
// node may run its own clock (an offset and a drift in ppm), as real hosts do. Nothing sleeps and
// nothing touches a socket; one seed replays a run exactly.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "core/endpoint.hpp"
#include "core/random_source.hpp"
#include "link_impairment.hpp"

namespace websrt::sim {

using core::Micros;

/// A host's clock: local = offset + global · (1 + ppm / 10⁶).
struct NodeClock {
    Micros offset = 0;
    double drift_ppm = 0;
    [[nodiscard]] Micros local(Micros global) const;
    [[nodiscard]] Micros global(Micros local) const;  // the first global time at or after `local`
};

/// What the application on a node saw.
struct Delivery {
    core::ConnectionId connection;
    std::vector<std::uint8_t> message;
    Micros global_time;
};

class Simulator {
public:
    Simulator() = default;
    Simulator(const Simulator&) = delete;
    Simulator& operator=(const Simulator&) = delete;

    /// `first_draws` replace the node's first random numbers (the Endpoint draws its cookie
    /// secret, then per connect a socket id and the initial sequence number), to place a
    /// sequence-number wrap where a test wants it.
    int add_node(core::SocketAddress address, std::uint64_t seed, NodeClock clock = {},
                 std::vector<std::uint32_t> first_draws = {});
    /// The link from one node to another (one direction). Unset links deliver at once, losslessly.
    void set_link(int from, int to, const native::ImpairmentConfig& config);
    /// Changes a link's corruption and truncation rates from now on.
    void set_link_damage(int from, int to, double corrupt_percent, double truncate_percent);

    core::Endpoint& endpoint(int node) { return *nodes_[static_cast<std::size_t>(node)]->endpoint; }
    [[nodiscard]] Micros now() const { return now_; }
    [[nodiscard]] Micros local_now(int node) const { return nodes_[static_cast<std::size_t>(node)]->clock.local(now_); }
    [[nodiscard]] const core::SocketAddress& address(int node) const {
        return nodes_[static_cast<std::size_t>(node)]->address;
    }

    /// Called with every datagram a node is handed (after the link's damage), before the node sees it.
    std::function<void(int to, const std::vector<std::uint8_t>& datagram)> on_arrival;

    /// Runs `action` at global time `at` (not before now), between network events.
    void at(Micros at, std::function<void()> action);
    void run_until(Micros global);
    void run_for(Micros duration) { run_until(now_ + duration); }

    [[nodiscard]] const std::vector<core::Event>& events(int node) const {
        return nodes_[static_cast<std::size_t>(node)]->events;
    }
    [[nodiscard]] const std::vector<Delivery>& deliveries(int node) const {
        return nodes_[static_cast<std::size_t>(node)]->deliveries;
    }
    /// The link's own counters; nothing when the link was never set.
    [[nodiscard]] const native::ImpairmentCounters* link_counters(int from, int to) const;
    /// Data packets (not control) each side put on the wire, and those a node was handed.
    [[nodiscard]] std::uint64_t data_datagrams_sent(int node) const {
        return nodes_[static_cast<std::size_t>(node)]->data_sent;
    }
    [[nodiscard]] std::uint64_t data_datagrams_received(int node) const {
        return nodes_[static_cast<std::size_t>(node)]->data_received;
    }

private:
    /// A seeded generator whose first values are given.
    class ScriptedRandom final : public core::RandomSource {
    public:
        ScriptedRandom(std::uint64_t seed, std::vector<std::uint32_t> first) : rest_(seed), first_(std::move(first)) {}
        std::uint32_t next_u32() override { return next_ < first_.size() ? first_[next_++] : rest_.next_u32(); }

    private:
        core::SeededRandom rest_;
        std::vector<std::uint32_t> first_;
        std::size_t next_ = 0;
    };

    struct Node {
        core::SocketAddress address;
        NodeClock clock;
        std::unique_ptr<ScriptedRandom> random;
        std::unique_ptr<core::Endpoint> endpoint;
        std::vector<core::Event> events;
        std::vector<core::ConnectionId> open;
        std::vector<Delivery> deliveries;
        std::uint64_t data_sent = 0;
        std::uint64_t data_received = 0;
    };
    struct InFlight {
        int to;
        int from;
        std::vector<std::uint8_t> datagram;
    };

    void flush(int node);
    void release_links();
    [[nodiscard]] std::optional<Micros> next_event() const;
    int node_at(const core::SocketAddress& address) const;

    Micros now_ = 1'000'000;
    std::vector<std::unique_ptr<Node>> nodes_;
    std::map<std::pair<int, int>, std::unique_ptr<native::LinkImpairment>> links_;
    std::multimap<Micros, InFlight> direct_;  // datagrams on unset (perfect) links
    std::multimap<Micros, std::function<void()>> actions_;
    int steps_at_same_time_ = 0;
};

}  // namespace websrt::sim
