// Endpoint: demultiplexing, the stateless listener (SYN cookies), and merging the connections'
// output, timers and events.
#include "core/endpoint.hpp"

#include <algorithm>
#include <array>

#include "crypto/sha.hpp"

namespace websrt::core {

namespace {

/// SYN cookies change every minute; the previous minute's cookie is still accepted (libsrt
/// bake(): MD5 of host, port and the minute, with a retry for the previous minute).
constexpr Micros cookie_period = seconds(60);
/// Socket ids live in [1, 2^30) (libsrt generateSocketID: MAX_SOCKET_VAL = 2^30 − 1).
constexpr std::uint32_t socket_id_mask = (1u << 30) - 1;

std::int32_t request_of(wire::HandshakeRequest r) { return static_cast<std::int32_t>(r); }

}  // namespace

Endpoint::Endpoint(RandomSource& random) : random_(random), cookie_secret_(random.next_u32()) {}
Endpoint::~Endpoint() = default;

void Endpoint::listen(const ConnectionConfig& config, AcceptPolicy policy) {
    listen_config_ = config;
    accept_policy_ = std::move(policy);
}

std::uint32_t Endpoint::new_socket_id() {
    for (;;) {
        const std::uint32_t id = random_.next_u32() & socket_id_mask;
        if (id != 0 && !connections_.contains(id)) return id;
    }
}

ConnectionId Endpoint::connect(Micros now, const SocketAddress& listener, const ConnectionConfig& config) {
    const ConnectionId id = new_socket_id();
    // The ISN is random in [0, 2^31) (libsrt generateISN).
    const wire::SeqNo isn(random_.next_u32());
    auto connection = std::make_unique<Connection>(id, now, listener, config, isn, random_);
    by_peer_[listener] = id;
    connections_.emplace(id, std::move(connection));
    transmit_order_.push_back(id);
    return id;
}

std::uint32_t Endpoint::cookie_for(const SocketAddress& peer, Micros now, int minute_offset) const {
    // A keyed hash of the peer's address and the minute: the listener keeps no state for a peer
    // until it comes back with this value (draft §4.3.1.1 "Cookie").
    std::array<std::uint8_t, 4 + 16 + 2 + 8> input{};
    const std::int64_t minute = now / cookie_period + minute_offset;
    for (int i = 0; i < 4; ++i) input[i] = static_cast<std::uint8_t>(cookie_secret_ >> (8 * i));
    std::copy(peer.ip.begin(), peer.ip.end(), input.begin() + 4);
    input[20] = static_cast<std::uint8_t>(peer.port >> 8);
    input[21] = static_cast<std::uint8_t>(peer.port);
    for (int i = 0; i < 8; ++i) input[22 + i] = static_cast<std::uint8_t>(minute >> (8 * i));
    const auto digest = crypto::sha256(input);
    if (!digest) return static_cast<std::uint32_t>(minute) ^ cookie_secret_;
    return std::uint32_t{(*digest)[0]} << 24 | std::uint32_t{(*digest)[1]} << 16 | std::uint32_t{(*digest)[2]} << 8 |
           (*digest)[3];
}

void Endpoint::handle_datagram(Micros now, const SocketAddress& from, wire::Bytes datagram) {
    auto decoded = wire::decode_packet(datagram);
    if (!decoded) {
        ++counters_.undecodable;  // dropped: libsrt ignores what it cannot parse
        return;
    }
    const wire::Packet& packet = *decoded;
    const auto* control = std::get_if<wire::ControlPacket>(&packet);
    const std::uint32_t dest = control ? control->header.dest_socket_id : std::get<wire::DataPacket>(packet).dest_socket_id;

    if (dest != 0) {
        const auto it = connections_.find(dest);
        // A packet for one of ours must also come from that connection's peer.
        if (it != connections_.end() && it->second->peer() == from) it->second->handle_packet(now, packet);
        else ++counters_.unroutable;
        return;
    }
    if (!control || !control->header.is(wire::ControlType::handshake)) {
        ++counters_.unroutable;
        return;
    }
    // Dest id 0: a caller repeating its CONCLUSION to an accepted connection, or (libsrt <= 1.3)
    // a listener answering our conclusion without our id; otherwise a new caller for the listener.
    if (const auto known = by_peer_.find(from); known != by_peer_.end()) {
        if (const auto it = connections_.find(known->second); it != connections_.end()) {
            it->second->handle_packet(now, packet);
            return;
        }
    }
    if (listen_config_) handle_handshake_for_listener(now, from, *control);
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
        if (wire::encode_packet(response, bytes)) pending_.emplace_back(from, std::move(bytes));
    };
    // A refused caller gets the reject code; the application hears of it too (it has no
    // connection to watch), so a wrong passphrase shows on the listener's side as well.
    const auto refuse = [&](int code, const std::string& stream_id) {
        reply(rejection_response(*hs, code));
        events_.push_back({EventKind::refused, 0, from, stream_id, CloseReason::rejected, code,
                           "refused a caller: " + describe_reject(code)});
    };

    if (hs->request_type == request_of(wire::HandshakeRequest::induction)) {
        reply(listener_induction_response(*hs, cookie_for(from, now, 0), *listen_config_));
        return;
    }
    if (hs->request_type != request_of(wire::HandshakeRequest::conclusion)) return;
    // No state before a valid cookie: a conclusion with a wrong cookie is dropped (libsrt
    // processConnectRequest answers nothing to a cookie mismatch).
    if (hs->cookie != cookie_for(from, now, 0) && hs->cookie != cookie_for(from, now, -1)) return;

    const auto parsed = read_conclusion_request(*hs, *listen_config_);
    if (const auto* rejection = std::get_if<Rejection>(&parsed)) return refuse(rejection->code, {});
    const auto& request = std::get<ConclusionRequest>(parsed);
    AcceptDecision decision = accept_policy_ ? accept_policy_({from, request.stream_id}) : AcceptDecision::yes();
    if (!decision.accept) return refuse(decision.reject_code, request.stream_id);
    const ConnectionConfig config = decision.config.value_or(*listen_config_);

    // Key material: the caller's KMREQ keys both directions; a mismatch with our passphrase (or
    // its absence on either side) is refused as libsrt refuses it (interpretSrtHandshake).
    const wire::ExtensionBody* kmreq_block = find_key_material(*hs, wire::ExtensionType::kmreq);
    std::unique_ptr<ConnectionCrypto> crypto;
    if (kmreq_block || !config.passphrase.empty()) {
        crypto = std::make_unique<ConnectionCrypto>(config, random_);
        const auto state = crypto->answer_handshake(kmreq_block ? std::get_if<wire::KmMessage>(kmreq_block) : nullptr);
        if (const auto code = crypto->reject_code(state)) return refuse(*code, request.stream_id);
    }
    const Negotiated negotiated = listener_negotiate(request, config);
    const ConnectionId id = new_socket_id();
    OutgoingHandshake response = listener_conclusion_response(request, negotiated, id, config, from,
                                                              crypto ? crypto->handshake_kmrsp() : std::nullopt);
    auto connection = std::make_unique<Connection>(id, now, from, config, negotiated, std::move(response),
                                                   packet.header.timestamp_us, std::move(crypto), random_);
    by_peer_[from] = id;
    connections_.emplace(id, std::move(connection));
    transmit_order_.push_back(id);
}

std::optional<Transmit> Endpoint::poll_transmit(Micros now, wire::MutableBytes out) {
    if (!pending_.empty()) {
        auto [to, bytes] = std::move(pending_.front());
        pending_.pop_front();
        if (bytes.size() > out.size()) return std::nullopt;
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
    return std::nullopt;
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
        if (const auto it = by_peer_.find(entry.second->peer()); it != by_peer_.end() && it->second == entry.first)
            by_peer_.erase(it);
        return true;
    });
    std::erase_if(transmit_order_, [this](ConnectionId id) { return !connections_.contains(id); });
    if (transmit_cursor_ >= transmit_order_.size()) transmit_cursor_ = 0;
}

SendOutcome Endpoint::send(ConnectionId id, Micros now, wire::Bytes message) {
    const auto it = connections_.find(id);
    return it == connections_.end() ? SendOutcome::not_connected : it->second->send(now, message);
}

std::optional<std::size_t> Endpoint::receive(ConnectionId id, Micros now, wire::MutableBytes out) {
    const auto it = connections_.find(id);
    return it == connections_.end() ? std::nullopt : it->second->receive(now, out);
}

void Endpoint::close(ConnectionId id, Micros now) {
    if (const auto it = connections_.find(id); it != connections_.end()) it->second->close(now);
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
