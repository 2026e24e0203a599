#include "simulator.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "wire/packet.hpp"

namespace websrt::sim {

namespace {

/// A timer that keeps asking for the same instant is a core bug (a busy loop), not a slow test.
constexpr int max_steps_at_one_instant = 10'000;

bool is_data(const std::vector<std::uint8_t>& datagram) { return datagram.size() >= 16 && (datagram[0] & 0x80) == 0; }

}  // namespace

Micros NodeClock::local(Micros global) const {
    const long double scaled = static_cast<long double>(global) * (1.0L + static_cast<long double>(drift_ppm) / 1e6L);
    return offset + static_cast<Micros>(std::floor(scaled));
}

Micros NodeClock::global(Micros local_time) const {
    const long double rate = 1.0L + static_cast<long double>(drift_ppm) / 1e6L;
    auto g = static_cast<Micros>(std::ceil(static_cast<long double>(local_time - offset) / rate));
    while (local(g) < local_time) ++g;
    while (g > 0 && local(g - 1) >= local_time) --g;
    return g;
}

int Simulator::add_node(core::SocketAddress address, std::uint64_t seed, NodeClock clock,
                        std::vector<std::uint32_t> first_draws) {
    auto node = std::make_unique<Node>();
    node->address = address;
    node->clock = clock;
    node->random = std::make_unique<ScriptedRandom>(seed, std::move(first_draws));
    node->endpoint = std::make_unique<core::Endpoint>(*node->random);
    nodes_.push_back(std::move(node));
    return static_cast<int>(nodes_.size() - 1);
}

void Simulator::restart(int index, std::uint64_t seed) {
    Node& node = node_at_index(index);
    node.endpoint.reset();  // it draws from `random`: gone first
    node.random = std::make_unique<ScriptedRandom>(seed, std::vector<std::uint32_t>{});
    node.endpoint = std::make_unique<core::Endpoint>(*node.random);
    node.events.clear();
    node.open.clear();
    node.deliveries.clear();
}

void Simulator::set_link(int from, int to, const native::ImpairmentConfig& config) {
    links_[{from, to}].impairment = std::make_unique<native::LinkImpairment>(config);
}

void Simulator::set_link_damage(int from, int to, double corrupt_percent, double truncate_percent) {
    if (const auto it = links_.find({from, to}); it != links_.end() && it->second.impairment)
        it->second.impairment->set_damage(corrupt_percent, truncate_percent);
}

void Simulator::set_drop_rule(int from, int to, DropRule rule) { links_[{from, to}].drop_rule = std::move(rule); }

const native::ImpairmentCounters* Simulator::link_counters(int from, int to) const {
    const auto it = links_.find({from, to});
    return it == links_.end() || !it->second.impairment ? nullptr : &it->second.impairment->counters();
}

std::vector<Delivery> Simulator::deliveries(int node, core::ConnectionId connection) const {
    std::vector<Delivery> found;
    for (const Delivery& delivery : node_at_index(node).deliveries)
        if (delivery.connection == connection) found.push_back(delivery);
    return found;
}

std::uint64_t Simulator::datagrams_sent_of_kind(int node, std::string_view kind) const {
    const auto& by_kind = node_at_index(node).datagrams_sent_by_kind;
    const auto it = by_kind.find(kind);
    return it == by_kind.end() ? 0 : it->second;
}

void Simulator::at(Micros when, std::function<void()> action) {
    actions_.emplace(std::max(when, now_), std::move(action));
}

int Simulator::node_at(const core::SocketAddress& address) const {
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i]->address == address) return static_cast<int>(i);
    return -1;
}

void Simulator::count_sent(Node& node, const std::vector<std::uint8_t>& datagram) {
    ++node.datagrams_sent;
    if (is_data(datagram)) ++node.data_sent;
    if (const auto packet = wire::decode_packet(datagram)) {
        const std::string_view kind = wire::packet_kind(*packet);
        if (const auto it = node.datagrams_sent_by_kind.find(kind); it != node.datagrams_sent_by_kind.end())
            ++it->second;
        else
            node.datagrams_sent_by_kind.emplace(kind, 1);
    }
}

void Simulator::send_over_link(int from, int to, std::vector<std::uint8_t> datagram) {
    Link& link = links_[{from, to}];
    const std::uint64_t index = link.offered++;
    if (link.drop_rule && link.drop_rule(index, datagram)) return;
    if (link.impairment)
        link.impairment->submit(now_, datagram);
    else
        plain_.emplace(now_ + plain_link_delay_, InFlight{to, from, std::move(datagram)});
}

void Simulator::flush(int index) {
    Node& node = node_at_index(index);
    const Micros local = node.clock.local(now_);
    std::vector<std::uint8_t> buffer(1500);
    while (auto transmit = node.endpoint->poll_transmit(local, buffer)) {
        std::vector<std::uint8_t> datagram(buffer.begin(),
                                           buffer.begin() + static_cast<std::ptrdiff_t>(transmit->size));
        count_sent(node, datagram);
        const int to = node_at(transmit->to);
        // Nobody there, or no network: the datagram is lost, as on a real one.
        if (to < 0 || links_cut_) continue;
        send_over_link(index, to, std::move(datagram));
    }
    while (auto event = node.endpoint->poll_event()) {
        node.events.push_back(*event);
        if (event->kind != core::EventKind::closed &&
            std::find(node.open.begin(), node.open.end(), event->connection) == node.open.end())
            node.open.push_back(event->connection);
    }
    if (!node.reads) return;
    core::MessageInfo info;
    for (const core::ConnectionId id : node.open) {
        // A file-mode message may be longer than a datagram: the buffer grows to what is next.
        while (const auto next = node.endpoint->next_message_size(id, local)) {
            if (*next > buffer.size()) buffer.resize(*next);
            const auto size = node.endpoint->receive(id, local, buffer, &info);
            if (!size) break;
            node.deliveries.push_back(
                {id, std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*size)),
                 now_, info});
        }
    }
    std::erase_if(node.open, [&](core::ConnectionId id) { return node.endpoint->connection(id) == nullptr; });
}

std::optional<Micros> Simulator::next_event() const {
    std::optional<Micros> next;
    const auto consider = [&](std::optional<Micros> t) {
        if (t && (!next || *t < *next)) next = t;
    };
    if (!actions_.empty()) consider(actions_.begin()->first);
    if (!plain_.empty()) consider(plain_.begin()->first);
    for (const auto& [key, link] : links_)
        if (link.impairment) consider(link.impairment->next_release());
    for (const auto& node : nodes_)
        if (const auto local = node->endpoint->next_timeout()) consider(node->clock.global(*local));
    return next;
}

void Simulator::release_links() {
    std::vector<std::uint8_t> datagram;
    const auto hand_over = [&](int from, int to, const std::vector<std::uint8_t>& bytes) {
        Node& node = node_at_index(to);
        if (is_data(bytes)) ++node.data_received;
        if (on_arrival) on_arrival(to, bytes);
        node.endpoint->handle_datagram(node.clock.local(now_), node_at_index(from).address, bytes);
    };
    while (!plain_.empty() && plain_.begin()->first <= now_) {
        InFlight flight = std::move(plain_.begin()->second);
        plain_.erase(plain_.begin());
        hand_over(flight.from, flight.to, flight.datagram);
    }
    for (auto& [key, link] : links_)
        if (link.impairment)
            while (link.impairment->pop_ready(now_, datagram)) hand_over(key.first, key.second, datagram);
}

void Simulator::run_until(Micros until) {
    for (;;) {
        for (std::size_t i = 0; i < nodes_.size(); ++i) flush(static_cast<int>(i));
        const auto next = next_event();
        if (!next || *next > until) {
            now_ = std::max(now_, until);
            for (std::size_t i = 0; i < nodes_.size(); ++i) flush(static_cast<int>(i));
            return;
        }
        steps_at_same_time_ = *next <= now_ ? steps_at_same_time_ + 1 : 0;
        if (steps_at_same_time_ > max_steps_at_one_instant)
            throw std::runtime_error("simulator: timers do not advance");
        now_ = std::max(now_, *next);
        while (!actions_.empty() && actions_.begin()->first <= now_) {
            auto action = std::move(actions_.begin()->second);
            actions_.erase(actions_.begin());
            action();
        }
        release_links();
        for (auto& node : nodes_) {
            const Micros local = node->clock.local(now_);
            if (const auto due = node->endpoint->next_timeout(); due && *due <= local)
                node->endpoint->handle_timeout(local);
        }
    }
}

}  // namespace websrt::sim
