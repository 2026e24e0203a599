// A discrete-event network simulator for the real core: N Endpoints on a virtual microsecond clock,
// joined by per-direction links. A link is plain (every datagram arrives after one fixed delay, in
// the order sent) unless it is given the seeded model `websrt impair` uses (LinkImpairment: loss,
// bursts, blackouts, delay, jitter, reordering, duplication, corruption, rate limit); any link may
// also carry a scripted drop rule, for tests that lose exactly the packets they name. Each node
// may run its own clock (an offset and a drift in ppm), as real hosts do, may be restarted, and
// may leave its messages unread. Nothing sleeps and nothing touches a socket; one seed replays a
// run exactly.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
    core::MessageInfo info;  // what receive() told of it (message number, sequence, source time)
};

/// Decides whether a link loses one datagram, given its index among the datagrams the link was
/// offered since the run began (from 0) and its bytes. It sees every datagram before the link's
/// impairment model does, so a rule that loses nothing is also a tap on what the sender sent.
using DropRule = std::function<bool(std::uint64_t index, wire::Bytes datagram)>;

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
    /// The node's process restarts on the same address and port: a new Endpoint drawing from
    /// `seed`, new socket ids, no events or deliveries remembered (its peers still hold the old
    /// connections). The counters of what it sent and its clock carry on.
    void restart(int node, std::uint64_t seed);

    /// The one-way delay of every plain link (one never given an impairment model); 0 unless set.
    /// A plain link delivers each datagram exactly this long after it was sent, in sending order.
    void set_plain_link_delay(Micros one_way) { plain_link_delay_ = one_way; }
    /// The link from one node to another (one direction) follows the impairment model from now on.
    void set_link(int from, int to, const native::ImpairmentConfig& config);
    /// Changes a link's corruption and truncation rates from now on.
    void set_link_damage(int from, int to, double corrupt_percent, double truncate_percent);
    /// The link from one node to another loses what `rule` says from now on (an empty rule: nothing).
    void set_drop_rule(int from, int to, DropRule rule);
    /// From now on every datagram any node sends is lost, as in an outage of the whole network;
    /// datagrams already on their way still arrive.
    void cut_all_links() { links_cut_ = true; }
    void restore_all_links() { links_cut_ = false; }

    /// Whether the application on a node reads its messages (true unless set): a node that does
    /// not leaves them in its Endpoint for a test to receive() by hand.
    void set_application_reads(int node, bool reads) { node_at_index(node).reads = reads; }

    core::Endpoint& endpoint(int node) { return *node_at_index(node).endpoint; }
    [[nodiscard]] Micros now() const { return now_; }
    [[nodiscard]] Micros local_now(int node) const { return node_at_index(node).clock.local(now_); }
    [[nodiscard]] const core::SocketAddress& address(int node) const { return node_at_index(node).address; }

    /// Called with every datagram a node is handed (after the link's damage), before the node sees it.
    std::function<void(int to, const std::vector<std::uint8_t>& datagram)> on_arrival;

    /// Runs `action` at global time `at` (not before now), between network events.
    void at(Micros at, std::function<void()> action);
    void run_until(Micros global);
    void run_for(Micros duration) { run_until(now_ + duration); }

    [[nodiscard]] const std::vector<core::Event>& events(int node) const { return node_at_index(node).events; }
    [[nodiscard]] const std::vector<Delivery>& deliveries(int node) const { return node_at_index(node).deliveries; }
    /// The messages one connection of a node delivered to its application, in delivery order.
    [[nodiscard]] std::vector<Delivery> deliveries(int node, core::ConnectionId connection) const;
    /// The link's own counters; nothing when the link was never given an impairment model.
    [[nodiscard]] const native::ImpairmentCounters* link_counters(int from, int to) const;
    /// Every datagram a node put on the wire (sent into a cut network or to nobody included).
    [[nodiscard]] std::uint64_t datagrams_sent(int node) const { return node_at_index(node).datagrams_sent; }
    /// Those of one kind, as wire::packet_kind names it ("handshake", "keepalive", "data", …).
    [[nodiscard]] std::uint64_t datagrams_sent_of_kind(int node, std::string_view kind) const;
    /// Data packets (not control) each side put on the wire, and those a node was handed.
    [[nodiscard]] std::uint64_t data_datagrams_sent(int node) const { return node_at_index(node).data_sent; }
    [[nodiscard]] std::uint64_t data_datagrams_received(int node) const { return node_at_index(node).data_received; }

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
        bool reads = true;
        std::vector<core::Event> events;
        std::vector<core::ConnectionId> open;
        std::vector<Delivery> deliveries;
        std::uint64_t datagrams_sent = 0;
        std::map<std::string, std::uint64_t, std::less<>> datagrams_sent_by_kind;
        std::uint64_t data_sent = 0;
        std::uint64_t data_received = 0;
    };
    /// One direction between two nodes: plain unless it has an impairment model.
    struct Link {
        std::unique_ptr<native::LinkImpairment> impairment;
        DropRule drop_rule;
        std::uint64_t offered = 0;  // datagrams sent over it, the index a drop rule sees
    };
    struct InFlight {
        int to;
        int from;
        std::vector<std::uint8_t> datagram;
    };

    Node& node_at_index(int node) { return *nodes_[static_cast<std::size_t>(node)]; }
    const Node& node_at_index(int node) const { return *nodes_[static_cast<std::size_t>(node)]; }
    void flush(int node);
    void count_sent(Node& node, const std::vector<std::uint8_t>& datagram);
    void send_over_link(int from, int to, std::vector<std::uint8_t> datagram);
    void release_links();
    [[nodiscard]] std::optional<Micros> next_event() const;
    int node_at(const core::SocketAddress& address) const;

    Micros now_ = 1'000'000;
    Micros plain_link_delay_ = 0;
    bool links_cut_ = false;
    std::vector<std::unique_ptr<Node>> nodes_;
    std::map<std::pair<int, int>, Link> links_;
    std::multimap<Micros, InFlight> plain_;  // datagrams on plain links, by arrival time then sending order
    std::multimap<Micros, std::function<void()>> actions_;
    int steps_at_same_time_ = 0;
};

}  // namespace websrt::sim
