// A deterministic in-process network for core tests: endpoints exchange datagrams through links
// with a fixed delay and a seeded or scripted loss rule, on a virtual clock that jumps straight
// to the next event. Nothing sleeps and nothing touches a socket.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/endpoint.hpp"
#include "core/random_source.hpp"

namespace websrt::test {

using core::Micros;

/// Decides whether one datagram is lost: (index of the datagram on this link, its bytes).
using LossRule = std::function<bool(std::uint64_t index, wire::Bytes datagram)>;

/// Loses data packets (not control packets) whose sequence number is in `seqs`, once each.
inline LossRule lose_data_once(std::vector<std::uint32_t> seqs) {
    auto remaining = std::make_shared<std::vector<std::uint32_t>>(std::move(seqs));
    return [remaining](std::uint64_t, wire::Bytes d) {
        if (d.size() < 16 || (d[0] & 0x80)) return false;
        const std::uint32_t seq =
            (std::uint32_t{d[0]} << 24 | std::uint32_t{d[1]} << 16 | std::uint32_t{d[2]} << 8 | d[3]);
        for (auto it = remaining->begin(); it != remaining->end(); ++it)
            if (*it == seq) {
                remaining->erase(it);
                return true;
            }
        return false;
    };
}

/// Loses each datagram with probability `percent`, from a seeded generator.
inline LossRule lose_randomly(double percent, std::uint64_t seed) {
    auto random = std::make_shared<core::SeededRandom>(seed);
    return [random, percent](std::uint64_t, wire::Bytes) {
        return static_cast<double>(random->next_u32() % 100000) < percent * 1000.0;
    };
}

struct Node {
    std::unique_ptr<core::SeededRandom> random;
    std::unique_ptr<core::Endpoint> endpoint;
    core::SocketAddress address;
    std::vector<core::Event> events;
    std::map<core::ConnectionId, std::vector<std::vector<std::uint8_t>>> received;
    std::map<core::ConnectionId, std::vector<Micros>> received_at;
    std::uint64_t datagrams_sent = 0;
    std::map<std::string, int> kinds_sent;  // packet_kind → count
    bool reads = true;                      // false: the application never calls receive() (a test reads by hand)
};

class VirtualNetwork {
public:
    Micros now = 1'000'000;
    Micros delay = core::milliseconds(10);         // one way
    std::map<std::pair<int, int>, LossRule> loss;  // (from node, to node) → rule
    bool link_up = true;

    int add_node(std::uint64_t seed, core::SocketAddress address) {
        auto node = std::make_unique<Node>();
        node->random = std::make_unique<core::SeededRandom>(seed);
        node->endpoint = std::make_unique<core::Endpoint>(*node->random);
        node->address = address;
        nodes_.push_back(std::move(node));
        return static_cast<int>(nodes_.size() - 1);
    }
    Node& node(int index) { return *nodes_[index]; }
    /// The node's process restarts on the same address and port: a new Endpoint, new socket ids,
    /// nothing remembered (its peers still hold the old connections).
    void restart(int index, std::uint64_t seed) {
        Node& n = *nodes_[index];
        n.random = std::make_unique<core::SeededRandom>(seed);
        n.endpoint = std::make_unique<core::Endpoint>(*n.random);
        n.events.clear();
        n.received.clear();
        n.received_at.clear();
    }
    core::Endpoint& endpoint(int index) { return *nodes_[index]->endpoint; }

    /// Runs until `until` on the virtual clock, delivering datagrams and firing timers.
    void run_until(Micros until) {
        for (;;) {
            flush_all();
            std::optional<Micros> next;
            for (const auto& n : nodes_)
                if (auto t = n->endpoint->next_timeout(); t && (!next || *t < *next)) next = t;
            if (!in_flight_.empty() && (!next || in_flight_.begin()->first < *next)) next = in_flight_.begin()->first;
            if (!next || *next > until) {
                now = until;
                flush_all();
                return;
            }
            // A timer in the past fires now; the clock never goes back.
            now = std::max(now, *next);
            // A timer that keeps asking for the same instant is a core bug (a busy loop).
            steps_at_same_time_ = now == last_step_time_ ? steps_at_same_time_ + 1 : 0;
            if (steps_at_same_time_ > 10000) throw std::runtime_error("virtual network: timers do not advance");
            last_step_time_ = now;
            deliver_due();
            for (auto& n : nodes_) n->endpoint->handle_timeout(now);
        }
    }
    void run_for(Micros duration) { run_until(now + duration); }

    /// Sends `count` messages of `size` bytes from a connection, one every `interval`, running the
    /// network in between; message i is filled with the byte (i & 0xFF) and starts with its index.
    void stream(int from, core::ConnectionId id, int count, std::size_t size, Micros interval) {
        std::vector<std::uint8_t> message(size);
        for (int i = 0; i < count; ++i) {
            std::fill(message.begin(), message.end(), static_cast<std::uint8_t>(i));
            for (int b = 0; b < 4 && b < static_cast<int>(size); ++b)
                message[b] = static_cast<std::uint8_t>(i >> (8 * b));
            endpoint(from).send(id, now, message);
            run_for(interval);
        }
    }

private:
    void flush_all() {
        for (std::size_t i = 0; i < nodes_.size(); ++i) flush(static_cast<int>(i));
    }

    void flush(int index) {
        Node& n = *nodes_[index];
        std::vector<std::uint8_t> buffer(1500);
        while (auto t = n.endpoint->poll_transmit(now, buffer)) {
            ++n.datagrams_sent;
            std::vector<std::uint8_t> bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(t->size));
            if (auto decoded = wire::decode_packet(bytes)) ++n.kinds_sent[wire::packet_kind(*decoded)];
            const int to = index_of(t->to);
            if (to < 0 || !link_up) continue;
            const auto key = std::make_pair(index, to);
            const std::uint64_t sequence = link_counters_[key]++;
            if (auto rule = loss.find(key); rule != loss.end() && rule->second(sequence, bytes)) continue;
            in_flight_.emplace(now + delay, Flight{index, to, std::move(bytes)});
        }
        while (auto e = n.endpoint->poll_event()) n.events.push_back(*e);
        if (!n.reads) return;
        for (const auto& e : n.events)
            if (e.kind != core::EventKind::closed) drain_messages(n, e.connection);
    }

    void drain_messages(Node& n, core::ConnectionId id) {
        std::vector<std::uint8_t> buffer(1500);
        while (auto size = n.endpoint->receive(id, now, buffer)) {
            n.received[id].emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*size));
            n.received_at[id].push_back(now);
        }
    }

    void deliver_due() {
        while (!in_flight_.empty() && in_flight_.begin()->first <= now) {
            Flight flight = std::move(in_flight_.begin()->second);
            in_flight_.erase(in_flight_.begin());
            nodes_[flight.to]->endpoint->handle_datagram(now, nodes_[flight.from]->address, flight.bytes);
        }
    }

    int index_of(const core::SocketAddress& address) const {
        for (std::size_t i = 0; i < nodes_.size(); ++i)
            if (nodes_[i]->address == address) return static_cast<int>(i);
        return -1;
    }

    struct Flight {
        int from;
        int to;
        std::vector<std::uint8_t> bytes;
    };
    std::vector<std::unique_ptr<Node>> nodes_;
    std::multimap<Micros, Flight> in_flight_;
    std::map<std::pair<int, int>, std::uint64_t> link_counters_;
    Micros last_step_time_ = 0;
    int steps_at_same_time_ = 0;
};

}  // namespace websrt::test
