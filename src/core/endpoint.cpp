// Endpoint: demultiplexing, the stateless listener (SYN cookies), and merging the connections'
// output, timers and events.
#include "core/endpoint.hpp"

#include <algorithm>
#include <array>

namespace websrt::core {

namespace {

/// Socket ids live in [1, 2^30) (libsrt generateSocketID: MAX_SOCKET_VAL = 2^30 − 1).
constexpr std::uint32_t socket_id_mask = (1u << 30) - 1;
/// Refusals that needed key material, per source IP: a burst of this many, then this many per
/// second. An honest caller with a wrong passphrase is refused once; libsrt callers do not retry.
constexpr double refusal_burst = 16;
constexpr double refusals_per_second = 4;
/// Sources whose refusals are tracked at once (a fixed table; see SourceRateLimiter).
constexpr std::size_t refusal_sources_tracked = 1024;

std::int32_t request_of(wire::HandshakeRequest r) { return static_cast<std::int32_t>(r); }

}  // namespace

Endpoint::Endpoint(RandomSource& random)
    : random_(random), cookie_(random), refusals_(refusal_burst, refusals_per_second, refusal_sources_tracked) {}
Endpoint::~Endpoint() = default;

std::optional<std::string> Endpoint::listen(const ConnectionConfig& config, AcceptPolicy policy,
                                            ListenerLimits limits) {
    if (auto problem = config.validate()) return problem;
    listen_config_ = config;
    accept_policy_ = std::move(policy);
    limits_ = limits;
    return std::nullopt;
}

std::uint32_t Endpoint::new_socket_id() {
    for (;;) {
        const std::uint32_t id = random_.next_u32() & socket_id_mask;
        if (id != 0 && !connections_.contains(id)) return id;
    }
}

Expected<ConnectionId, std::string> Endpoint::connect(Micros now, const SocketAddress& listener,
                                                      const ConnectionConfig& config) {
    return start_connection(now, listener, config, ConnectMode::caller);
}

Expected<ConnectionId, std::string> Endpoint::rendezvous(Micros now, const SocketAddress& peer,
                                                         const ConnectionConfig& config) {
    return start_connection(now, peer, config, ConnectMode::rendezvous);
}

Expected<ConnectionId, std::string> Endpoint::start_connection(Micros now, const SocketAddress& peer,
                                                               const ConnectionConfig& config, ConnectMode mode) {
    if (auto problem = config.validate()) return *problem;
    // libsrt's rendezvous filter negotiation (identical strings on both sides) is not built yet.
    if (mode == ConnectMode::rendezvous && !config.packet_filter.empty())
        return std::string("packetfilter is not supported in rendezvous yet");
    const ConnectionId id = new_socket_id();
    // The ISN is random in [0, 2^31) (libsrt generateISN).
    const wire::SeqNo isn(random_.next_u32());
    auto connection = std::make_unique<Connection>(id, now, peer, config, isn, random_, mode);
    callers_by_listener_[peer] = id;
    connections_.emplace(id, std::move(connection));
    transmit_order_.push_back(id);
    return id;
}

std::string EndpointCounters::summary() const {
    std::string text;
    const auto add = [&](std::uint64_t value, const char* name) {
        if (value == 0) return;
        if (!text.empty()) text += ", ";
        text += std::to_string(value) + " " + name;
    };
    add(oversize, "oversize");
    add(undecodable, "undecodable");
    add(unroutable, "unroutable");
    add(bad_cookie, "with a bad cookie");
    add(refusals_limited, "conclusions dropped (source refused too often)");
    add(stateless_dropped, "answers dropped (queue full)");
    add(refused, "callers refused");
    return text;
}

void Endpoint::queue_stateless(const SocketAddress& to, std::vector<std::uint8_t> bytes) {
    if (pending_.size() >= max_stateless_queue) {
        ++counters_.stateless_dropped;
        return;
    }
    pending_.emplace_back(to, std::move(bytes));
}

int Endpoint::open_connections() const {
    return static_cast<int>(std::count_if(connections_.begin(), connections_.end(), [](const auto& entry) {
        return entry.second->state() != ConnectionState::closed;
    }));
}

int Endpoint::open_connections_from(const SocketAddress& source) const {
    int count = 0;
    for (const auto& [id, connection] : connections_)
        if (connection->state() != ConnectionState::closed && connection->peer().ip == source.ip &&
            connection->peer().is_v6 == source.is_v6)
            ++count;
    return count;
}

Connection* Endpoint::restarted_peer_connection(const SocketAddress& peer, std::uint32_t new_socket_id) {
    for (const auto& [id, connection] : connections_)
        if (connection->peer() == peer && connection->state() == ConnectionState::connected &&
            connection->negotiated().peer_socket_id != new_socket_id && !callers_by_listener_.contains(peer))
            return connection.get();
    return nullptr;
}

void Endpoint::handle_datagram(Micros now, const SocketAddress& from, wire::Bytes datagram) {
    // Native receive paths can hand over up to 64 KB; no SRT peer sends more than its MSS.
    if (datagram.size() > max_datagram_size) {
        ++counters_.oversize;
        return;
    }
    auto decoded = wire::decode_packet(datagram);
    if (!decoded) {
        ++counters_.undecodable;  // dropped: libsrt ignores what it cannot parse
        return;
    }
    const wire::Packet& packet = *decoded;
    const auto* control = std::get_if<wire::ControlPacket>(&packet);
    const std::uint32_t dest =
        control ? control->header.dest_socket_id : std::get<wire::DataPacket>(packet).dest_socket_id;

    if (dest != 0) {
        const auto it = connections_.find(dest);
        // A packet for one of ours must also come from that connection's peer.
        if (it != connections_.end() && it->second->peer() == from)
            it->second->handle_packet(now, packet);
        else
            ++counters_.unroutable;
        return;
    }
    if (!control || !control->header.is(wire::ControlType::handshake)) {
        ++counters_.unroutable;
        return;
    }
    // Dest id 0: a caller repeating its CONCLUSION to an accepted connection, or (libsrt <= 1.3)
    // a listener answering our conclusion without our id, a rendezvous peer that has not heard
    // us yet; otherwise a new caller for the listener.
    const auto* hs = std::get_if<wire::Handshake>(&control->body);
    if (!hs) {
        ++counters_.undecodable;
        return;
    }
    const auto route = [&](const auto& map, const auto& key) {
        const auto known = map.find(key);
        if (known == map.end()) return false;
        const auto it = connections_.find(known->second);
        if (it == connections_.end()) return false;
        it->second->handle_packet(now, packet);
        return true;
    };
    if (route(accepted_by_peer_, PeerKey{from, hs->socket_id}) || route(callers_by_listener_, from)) return;
    if (listen_config_)
        handle_handshake_for_listener(now, from, *control);
    else
        ++counters_.unroutable;
}

void Endpoint::handle_handshake_for_listener(Micros now, const SocketAddress& from, const wire::ControlPacket& packet) {
    const auto* hs = std::get_if<wire::Handshake>(&packet.body);
    if (!hs) return;
    const auto reply = [&](const OutgoingHandshake& out) {
        wire::ControlPacket response;
        response.header.type = static_cast<std::uint16_t>(wire::ControlType::handshake);
        response.header.dest_socket_id = out.dest_socket_id;
        response.body = out.body;
        std::vector<std::uint8_t> bytes(wire::encoded_size(response));
        if (wire::encode_packet(response, bytes)) queue_stateless(from, std::move(bytes));
    };
    // A refused caller gets the reject code; the application hears of it too (it has no
    // connection to watch), so a wrong passphrase shows on the listener's side as well.
    const auto refuse = [&](int code, const std::string& stream_id) {
        ++counters_.refused;
        reply(rejection_response(*hs, code));
        Event refused;
        refused.kind = EventKind::refused;
        refused.peer = from;
        refused.stream_id = stream_id;
        refused.reason = CloseReason::rejected;
        refused.reject_code = code;
        refused.detail = "refused a caller: " + describe_reject(code);
        events_.push_back(std::move(refused));
    };

    if (hs->request_type == request_of(wire::HandshakeRequest::induction)) {
        reply(listener_induction_response(*hs, cookie_.issue(from, now), *listen_config_));
        return;
    }
    if (hs->request_type != request_of(wire::HandshakeRequest::conclusion)) return;
    // No state before a valid cookie: a conclusion with a wrong cookie is dropped (libsrt
    // processConnectRequest answers nothing to a cookie mismatch).
    if (!cookie_.matches(from, now, hs->cookie)) {
        ++counters_.bad_cookie;
        return;
    }

    const auto parsed = read_conclusion_request(*hs, *listen_config_);
    if (const auto* rejection = std::get_if<Rejection>(&parsed)) return refuse(rejection->code, {});
    const auto& request = std::get<ConclusionRequest>(parsed);
    // A full listener turns callers away before asking the application (libsrt: the backlog).
    // Except a caller from the address and port of an accepted connection with a new socket id:
    // most likely the peer restarted on a fixed port, and its old connection would hold the only
    // place until the idle timeout. Once admitted it replaces that connection. With room for
    // both, both stay, as in libsrt (one UDP port may carry several of a peer's sockets), and
    // the old one times out if it is dead. (The cookie proved the caller receives at that
    // address, so an off-path spoofer cannot end a connection this way.)
    const bool full = open_connections() >= limits_.max_connections ||
                      open_connections_from(from) >= limits_.max_connections_per_source;
    Connection* previous = full ? restarted_peer_connection(from, request.caller_socket_id) : nullptr;
    if (full && !previous) return refuse(static_cast<int>(RejectReason::backlog), request.stream_id);
    std::optional<ConnectionId> replaces;
    if (previous) replaces = previous->id();
    AcceptDecision decision =
        accept_policy_ ? accept_policy_({from, request.stream_id, replaces}) : AcceptDecision::yes();
    if (decision.deferred) {
        ++counters_.deferred;
        return;
    }
    if (!decision.accept) return refuse(decision.reject_code, request.stream_id);
    const ConnectionConfig config = decision.config.value_or(*listen_config_);
    // The application's per-caller settings are checked as listen()'s were.
    if (decision.config && decision.config->validate())
        return refuse(static_cast<int>(RejectReason::ipe), request.stream_id);
    // The packet filter both sides agree to, or SRT_REJ_FILTER (libsrt interpretSrtHandshake).
    auto packet_filter = listener_packet_filter(request, config);
    if (const auto* rejection = std::get_if<Rejection>(&packet_filter))
        return refuse(rejection->code, request.stream_id);

    // Key material: the caller's KMREQ keys both directions; a mismatch with our passphrase (or
    // its absence on either side) is refused as libsrt refuses it (interpretSrtHandshake).
    const wire::ExtensionBody* kmreq_block = find_key_material(*hs, wire::ExtensionType::kmreq);
    std::unique_ptr<ConnectionCrypto> crypto;
    if (kmreq_block || !config.passphrase.empty()) {
        if (!refusals_.allows(from, now)) {
            ++counters_.refusals_limited;
            return;
        }
        crypto = std::make_unique<ConnectionCrypto>(config, random_, &kek_cache_);
        const auto state = crypto->answer_handshake(kmreq_block ? std::get_if<wire::KmMessage>(kmreq_block) : nullptr);
        counters_.key_derivations = kek_cache_.derivations();
        if (const auto code = crypto->reject_code(state)) {
            refusals_.take(from, now);
            return refuse(*code, request.stream_id);
        }
    }
    if (previous) previous->supersede();
    Negotiated negotiated = listener_negotiate(request, config);
    negotiated.packet_filter = std::move(std::get<std::string>(packet_filter));
    const ConnectionId id = new_socket_id();
    OutgoingHandshake response = listener_conclusion_response(request, negotiated, id, config, from,
                                                              crypto ? crypto->handshake_kmrsp() : std::nullopt);
    auto connection = std::make_unique<Connection>(id, now, from, config, negotiated, std::move(response),
                                                   packet.header.timestamp_us, std::move(crypto), random_);
    accepted_by_peer_[PeerKey{from, request.caller_socket_id}] = id;
    connections_.emplace(id, std::move(connection));
    transmit_order_.push_back(id);
}

Expected<Transmit, NoTransmit> Endpoint::poll_transmit(Micros now, wire::MutableBytes out) {
    if (out.size() < max_datagram_size) return NoTransmit::buffer_too_small;
    if (!pending_.empty()) {
        auto [to, bytes] = std::move(pending_.front());
        pending_.pop_front();
        std::copy(bytes.begin(), bytes.end(), out.begin());
        return Transmit{to, bytes.size()};
    }
    // Round-robin: each call starts after the connection that sent last, so one busy connection
    // cannot starve the others.
    const std::size_t count = transmit_order_.size();
    for (std::size_t step = 0; step < count; ++step) {
        const std::size_t index = (transmit_cursor_ + step) % count;
        const auto it = connections_.find(transmit_order_[index]);
        if (it == connections_.end()) continue;
        if (auto size = it->second->poll_transmit(now, out)) {
            transmit_cursor_ = (index + 1) % count;
            return Transmit{it->second->peer(), *size};
        }
    }
    reap_closed();
    return NoTransmit::idle;
}

std::optional<Micros> Endpoint::next_timeout() const {
    std::optional<Micros> earliest;
    for (const auto& [id, connection] : connections_)
        if (const auto t = connection->next_timeout(); t && (!earliest || *t < *earliest)) earliest = t;
    return earliest;
}

void Endpoint::handle_timeout(Micros now) {
    for (auto& [id, connection] : connections_) {
        const auto t = connection->next_timeout();
        if (t && *t <= now) connection->handle_timeout(now);
    }
}

std::optional<Event> Endpoint::poll_event() {
    if (!events_.empty()) {
        Event event = std::move(events_.front());
        events_.pop_front();
        return event;
    }
    for (auto& [id, connection] : connections_)
        if (auto event = connection->poll_event()) return event;
    reap_closed();
    return std::nullopt;
}

void Endpoint::reap_closed() {
    std::erase_if(connections_, [this](const auto& entry) {
        if (!entry.second->finished()) return false;
        const Connection& connection = *entry.second;
        const PeerKey key{connection.peer(), connection.negotiated().peer_socket_id};
        if (const auto it = accepted_by_peer_.find(key); it != accepted_by_peer_.end() && it->second == entry.first)
            accepted_by_peer_.erase(it);
        if (const auto it = callers_by_listener_.find(connection.peer());
            it != callers_by_listener_.end() && it->second == entry.first)
            callers_by_listener_.erase(it);
        return true;
    });
    std::erase_if(transmit_order_, [this](ConnectionId id) { return !connections_.contains(id); });
    if (transmit_cursor_ >= transmit_order_.size()) transmit_cursor_ = 0;
}

SendOutcome Endpoint::send(ConnectionId id, Micros now, wire::Bytes message, const SendControl& control) {
    const auto it = connections_.find(id);
    return it == connections_.end() ? SendOutcome::not_connected : it->second->send(now, message, control);
}

Expected<std::size_t, NoMessage> Endpoint::receive(ConnectionId id, Micros now, wire::MutableBytes out,
                                                   MessageInfo* info) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) return NoMessage::not_connected;
    return it->second->receive(now, out, info);
}

Expected<std::size_t, NoMessage> Endpoint::next_message_size(ConnectionId id, Micros now) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) return NoMessage::not_connected;
    return it->second->ready_message_size(now);
}

void Endpoint::close(ConnectionId id, Micros now, bool graceful, std::optional<Micros> linger) {
    if (const auto it = connections_.find(id); it != connections_.end()) it->second->close(now, graceful, linger);
}

const Connection* Endpoint::connection(ConnectionId id) const {
    const auto it = connections_.find(id);
    return it == connections_.end() ? nullptr : it->second.get();
}

std::optional<ConnectionStats> Endpoint::stats(ConnectionId id, Micros now, bool clear_interval) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) return std::nullopt;
    return it->second->stats(now, clear_interval);
}

}  // namespace websrt::core
