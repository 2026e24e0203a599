// libFuzzer harness for the whole sans-IO core: a listener and a caller Endpoint in virtual time,
// driven by a small op-code program decoded from the input (deliver, drop, duplicate, mutate,
// reorder or truncate the next real datagram, inject raw bytes, advance the clock, send, close,
// connect again). It asserts what must hold whatever the network and the peer do:
//   - no sanitizer report, no crash;
//   - every datagram the core emits decodes with the wire codec and fits the 1500-byte buffer;
//   - bounded state and work: connection counts, datagrams per poll_transmit loop, timer
//     wakeups at one instant (a timer that keeps asking for `now` is a busy loop);
//   - each connection's events are connected/accepted at most once, then closed at most once;
//   - send() never accepts a message longer than the payload size, or than one packet of the
//     negotiated MSS can carry;
//   - what a side receives is an ordered subset of what the other side sent: messages carry
//     their index, delivered indices strictly increase per connection, and every delivered
//     message is byte-equal to the one sent with that index. A side that was handed a forged
//     data packet (mutated or injected, not a genuine one) may legitimately deliver it — there is
//     no integrity check on plain or AES-CTR payloads — so this check stops for that side; and
//     for both sides after a forged handshake or KM message when a passphrase is configured (the
//     harness uses the captures' passphrase, so forged key material may be valid).
//   - liveness: after a program that forged nothing (loss, duplication, reordering, rebinding
//     and time only), a fresh message on every connected connection reaches the other side over
//     a clean link, or that connection ends.
// Also: the two sides may have different MSS, a caller still connecting must connect or be
// refused over the final clean link, and liveness holds even after a handshake arrived late
// (each found by this harness once; tests/fuzz/regressions/README.md).
//
// Input: 5 header bytes choose the configuration (below), the rest is the op program (one op
// byte, then its operands; missing bytes read as zero). tests/fuzz/README.md documents the
// format for writing seeds; scripts/run-fuzzers.sh generates seeds in it.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/endpoint.hpp"
#include "core/random_source.hpp"
#include "core/stats_fields.hpp"
#include "wire/packet.hpp"

namespace {

using namespace websrt;
using core::ConnectionId;
using core::Micros;
using core::SocketAddress;

[[noreturn]] void violated(const char* what, long long detail = 0) {
    std::fprintf(stderr, "endpoint invariant violated: %s (%lld)\n", what, detail);
    std::abort();
}

// ---- the bounds the harness asserts ----
/// Datagrams one poll_transmit loop may yield: far above any legitimate burst the program can
/// cause (at most a few hundred messages are queued by one input), far below "never ends".
constexpr int max_datagrams_per_flush = 20000;
/// handle_timeout() calls at one instant before next_timeout() must have moved on.
constexpr int max_wakeups_at_one_instant = 1000;
/// Timer wakeups one ADVANCE or RUN op may take (at most ~6.5 s of virtual time each).
constexpr int max_wakeups_per_op = 200000;
constexpr int max_connect_ops = 4;
/// Datagrams waiting on one direction of the virtual link; beyond that the link drops (tail).
constexpr std::size_t max_queued = 512;
constexpr Micros link_delay_us = 2'000;
constexpr std::size_t datagram_buffer = 1500;

const SocketAddress listener_address = SocketAddress::v4(10, 0, 0, 1, 9000);
const SocketAddress caller_address = SocketAddress::v4(10, 0, 0, 2, 40000);
// The caller seen from other addresses, as behind a NAT that rebinds: the listener's answers to
// these reach the caller.
const SocketAddress caller_alt_addresses[2] = {SocketAddress::v4(10, 0, 0, 3, 40000),
                                               SocketAddress::v4(10, 0, 0, 2, 40001)};
// A third party: what the listener sends there is lost.
const SocketAddress stranger_address = SocketAddress::v4(192, 0, 2, 9, 5555);
/// Every address a datagram reaches the listener from. Each owns at most one of its connections
/// at a time, except that a caller which connect()s again from the same port may see its earlier
/// attempt admitted too (it asks for a fresh cookie when its CONCLUSIONs go unanswered, so one
/// stalled by an expired cookie still gets in): the bound is this plus the connect ops.
constexpr std::size_t listener_source_addresses = 4;

class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
    std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | u8() << 8); }
    [[nodiscard]] bool done() const { return pos_ >= size_; }
    /// Up to `n` raw bytes (fewer at the end of the input).
    std::vector<std::uint8_t> bytes(std::size_t n) {
        n = std::min(n, size_ - pos_);
        std::vector<std::uint8_t> out(data_ + pos_, data_ + pos_ + n);
        pos_ += n;
        return out;
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

enum Op : std::uint8_t {
    op_advance,      // [n] clock += (n+1)² × 100 µs, firing timers, delivering nothing
    op_run,          // [n] (n+1) ms of a clean link with 2 ms delay: deliver when due, fire timers
    op_deliver,      // [dir] deliver the head of a direction now
    op_drop,         // [dir]
    op_duplicate,    // [dir] deliver a copy of the head, keep it queued
    op_mutate,       // [dir count (pos xor)×count] deliver the head with bytes xor-ed
    op_reorder,      // [dir] move the head to the back
    op_truncate,     // [dir n] deliver the first n bytes of the head
    op_deliver_alt,  // [k] deliver the caller→listener head from alternative address k
    op_inject,       // [flags len_lo len_hi bytes…] raw datagram; see inject()
    op_send,         // [side size] one message of 4 + 6·size bytes
    op_send_burst,   // [side count size] count+1 messages
    op_close,        // [side] close that side's newest connection
    op_connect,      // []  a new caller connection (at most max_connect_ops in all)
    op_stats,        // [side clear] stats() of the newest connection
    op_count
};

enum Side { caller_side = 0, listener_side = 1 };

struct Queued {
    Micros due;
    std::vector<std::uint8_t> bytes;
};

/// Message i: its index in the first 4 bytes (little-endian), then bytes derived from i.
std::vector<std::uint8_t> message_bytes(std::uint32_t index, std::size_t size) {
    std::vector<std::uint8_t> m(size);
    for (std::size_t j = 0; j < size; ++j)
        m[j] = j < 4 ? static_cast<std::uint8_t>(index >> (8 * j)) : static_cast<std::uint8_t>(index * 7 + j);
    return m;
}

struct SideState {
    SocketAddress address;
    core::SeededRandom random;
    core::Endpoint endpoint;
    std::vector<ConnectionId> live;                       // newest last
    std::set<ConnectionId> opened;                        // connected/accepted event seen
    std::set<ConnectionId> closed;                        // closed event seen
    std::map<ConnectionId, std::int64_t> last_delivered;  // per receiving connection
    std::map<std::uint32_t, std::size_t> sent;            // index → size of messages sent from here
    std::map<ConnectionId, std::size_t> delivered_count;  // for ENDPOINT_FUZZ_TRACE
    std::set<std::uint32_t> delivered_indices;
    std::map<ConnectionId, core::CloseReason> close_reasons;
    bool forged_data_received = false;

    SideState(SocketAddress a, std::uint64_t seed) : address(a), random(seed), endpoint(random) {}
};

class Harness {
public:
    Harness(const std::uint8_t* data, std::size_t size) : in_(data, size) { configure(); }

    void run() {
        while (!in_.done()) {
            step(static_cast<Op>(in_.u8() % op_count));
            settle();
        }
        // Let the program's last sends play out, so delivery is checked on them too.
        run_clean(milliseconds(500));
        settle();
        if (!forged_any_) check_liveness();
        if (std::getenv("ENDPOINT_FUZZ_TRACE")) trace();
    }

    /// After a program without forged datagrams (only loss, duplication, reordering, rebinding
    /// and time), a clean link must carry a fresh message on every connected connection, or the
    /// connection must end: both idle timeouts and a margin give a dead peer time to be noticed.
    void check_liveness() {
        struct Marker {
            int side;
            ConnectionId id;
            std::uint32_t index;
        };
        std::vector<Marker> markers;
        // Strict: a caller still connecting with time left for a few handshake resends must
        // connect or be refused over the clean link, not time out. Not after a rebinding: the
        // cookie is bound to the address the induction came from, so a caller whose address
        // changed in between times out, as with libsrt.
        std::vector<ConnectionId> pending;
        for (const ConnectionId id : rebound_ ? std::vector<ConnectionId>{} : side(caller_side).live)
            if (!side(caller_side).opened.contains(id) && connect_deadline_[id] - now_ > milliseconds(600))
                pending.push_back(id);
        for (int s = 0; s < 2; ++s) {
            SideState& me = side(s);
            // Two connections of one side that send to the same peer socket (a listener that
            // accepted one caller's CONCLUSION from two addresses, after a rebinding, as libsrt
            // does) cannot both be checked: data packets name only the receiver's socket, both
            // start at the caller's ISN, and the caller takes whichever arrives first.
            std::map<std::uint32_t, int> senders_to;
            for (const ConnectionId id : me.live)
                if (const core::Connection* c = me.endpoint.connection(id); c && me.opened.contains(id))
                    ++senders_to[c->negotiated().peer_socket_id];
            for (const ConnectionId id : std::vector<ConnectionId>(me.live)) {
                if (!me.opened.contains(id)) continue;
                if (const core::Connection* c = me.endpoint.connection(id);
                    c && senders_to[c->negotiated().peer_socket_id] > 1)
                    continue;
                const std::uint32_t index = next_index_[s];
                send(s, id, 4 + 20);
                if (me.sent.contains(index)) markers.push_back({s, id, index});
            }
        }
        if (markers.empty() && pending.empty()) return;
        run_clean(2 * idle_timeout_ + core::seconds(2));
        settle();
        for (const ConnectionId id : pending)
            if (!side(caller_side).opened.contains(id) &&
                side(caller_side).close_reasons[id] != core::CloseReason::rejected)
                violated("a caller's handshake over a clean link neither connected nor was refused", id);
        for (const Marker& m : markers) {
            if (side(1 - m.side).delivered_indices.contains(m.index) || side(m.side).closed.contains(m.id)) continue;
            trace();
            std::fprintf(stderr, "%s connection %u: message %u never delivered\n",
                         m.side == caller_side ? "caller" : "listener", m.id, m.index);
            violated("a clean link delivers nothing on a connected connection that does not end", m.id);
        }
    }

    /// ENDPOINT_FUZZ_TRACE=1: a summary of what an input did, for writing seeds by hand.
    void trace() {
        for (int s = 0; s < 2; ++s) {
            const SideState& me = side(s);
            std::size_t delivered = 0;
            for (const auto& [id, count] : me.delivered_count) delivered += count;
            std::fprintf(stderr,
                         "%s: opened %zu closed %zu live %zu sent %zu delivered %zu forged-data %d undecodable %llu "
                         "unroutable %llu\n",
                         s == caller_side ? "caller" : "listener", me.opened.size(), me.closed.size(), me.live.size(),
                         me.sent.size(), delivered, me.forged_data_received ? 1 : 0,
                         static_cast<unsigned long long>(me.endpoint.counters().undecodable),
                         static_cast<unsigned long long>(me.endpoint.counters().unroutable));
        }
        for (int s = 0; s < 2; ++s)
            for (const ConnectionId id : side(s).live)
                if (auto stats = side(s).endpoint.stats(id, now_, false)) {
                    std::fprintf(stderr, "%s connection %u:", s == caller_side ? "caller" : "listener", id);
                    core::visit_stats(*stats, [](const char* name, auto value) {
                        if (value != 0) std::fprintf(stderr, " %s=%g", name, static_cast<double>(value));
                    });
                    std::fprintf(stderr, "\n");
                }
        std::fprintf(stderr, "virtual time %lld us\n", static_cast<long long>(now_));
    }

private:
    static Micros milliseconds(std::int64_t ms) { return core::milliseconds(ms); }

    void configure() {
        const std::uint8_t crypto = in_.u8();
        const std::uint8_t latency = in_.u8();
        const std::uint8_t flags = in_.u8();
        const std::uint8_t misc = in_.u8();
        const std::uint8_t sizes = in_.u8();
        const std::uint64_t seed = 0x5EED000000ull | std::uint64_t{sizes} << 32 | std::uint64_t{crypto} << 24 |
                                   std::uint64_t{latency} << 16 | std::uint64_t{flags} << 8 | misc;
        sides_[caller_side].emplace(caller_address, seed);
        sides_[listener_side].emplace(listener_address, seed ^ 0xABCDEF12345ull);

        core::ConnectionConfig listener_config;
        core::ConnectionConfig caller_config;
        // crypto: bit0 listener passphrase, bit1 caller passphrase, bit2 a different one for the
        // caller, bits 3-4 pbkeylen {0,16,24,32}, bits 5-6 crypto mode, bit7 small buffers.
        static constexpr int key_lengths[4] = {0, 16, 24, 32};
        static constexpr core::CryptoMode modes[4] = {core::CryptoMode::automatic, core::CryptoMode::aes_ctr,
                                                      core::CryptoMode::aes_gcm, core::CryptoMode::automatic};
        // The captures' passphrase (tests/vectors), so that an injected captured KMREQ unwraps.
        if (crypto & 1) listener_config.passphrase = "websrt-golden-secret";
        if (crypto & 2) caller_config.passphrase = (crypto & 4) ? "another-fuzz-secret" : "websrt-golden-secret";
        listener_config.pbkey_len = caller_config.pbkey_len = key_lengths[(crypto >> 3) & 3];
        listener_config.crypto_mode = caller_config.crypto_mode = modes[(crypto >> 5) & 3];
        if (crypto & 0x80) {
            for (auto* c : {&listener_config, &caller_config}) {
                c->send_buffer_pkts = 32;
                c->receive_buffer_pkts = 32;
                c->flight_window_pkts = 32;
            }
        }
        // latency: low nibble the listener's, high nibble the caller's, 40 ms steps.
        listener_config.receiver_latency_ms = (latency & 15) * 40;
        caller_config.receiver_latency_ms = (latency >> 4) * 40;
        // flags: bit0 no TSBPD, bit1 no TLPKTDROP, bit2 no NAK reports, bit3 fast KM refresh,
        // bit4 stream id, bit5 caller without enforced encryption, bit6 small payload, bit7 peer latency.
        for (auto* c : {&listener_config, &caller_config}) {
            c->tsbpd = !(flags & 1);
            c->too_late_packet_drop = !(flags & 2);
            c->nak_report = !(flags & 4);
            if (flags & 8) {
                c->km_refresh_rate_pkts = 64;
                c->km_preannounce_pkts = 16;
            }
            if (flags & 0x40) c->payload_size = 200;
        }
        if (flags & 0x10) caller_config.stream_id = "#!::r=fuzz/live,m=publish";
        if (flags & 0x20) caller_config.enforced_encryption = false;
        if (flags & 0x80) caller_config.peer_latency_ms = 300;
        // misc: bit0 start just before the 32-bit µs timestamp wraps; bit1 the listener refuses
        // stream ids (its accept policy); bit2 short connect and idle timeouts.
        now_ = (misc & 1) ? (std::int64_t{1} << 32) - core::seconds(2) : core::seconds(1);
        if (misc & 4) {
            for (auto* c : {&listener_config, &caller_config}) {
                c->connect_timeout = milliseconds(300);
                c->peer_idle_timeout = milliseconds(600);
            }
        }
        // sizes: bits 0-1 the caller's MSS, bits 2-3 the listener's (libsrt peers may differ).
        static constexpr int mss_choices[4] = {1500, 1000, 576, 76};
        caller_config.mss = mss_choices[sizes & 3];
        listener_config.mss = mss_choices[(sizes >> 2) & 3];
        caller_config_ = caller_config;
        idle_timeout_ = caller_config.peer_idle_timeout;
        connect_timeout_ = caller_config.connect_timeout;
        encrypted_ = !listener_config.passphrase.empty() || !caller_config.passphrase.empty();
        unordered_delivery_ = !caller_config.tsbpd && caller_config.message_api;
        payload_limit_[caller_side] = caller_config.payload_size;
        payload_limit_[listener_side] = listener_config.payload_size;
        core::AcceptPolicy policy;
        if (misc & 2)
            policy = [](const core::AcceptRequest& request) {
                return request.stream_id.empty() ? core::AcceptDecision::yes() : core::AcceptDecision::no(1403);
            };
        if (auto refused = side(listener_side).endpoint.listen(listener_config, std::move(policy)))
            violated("listen() refused a config within the limits", 0);
        connect();
        settle();
    }

    SideState& side(int s) { return *sides_[s]; }

    void connect() {
        if (connects_ >= max_connect_ops) return;
        ++connects_;
        const auto started = side(caller_side).endpoint.connect(now_, listener_address, caller_config_);
        if (!started) violated("connect() refused a config within the limits", 0);
        const ConnectionId id = *started;
        side(caller_side).live.push_back(id);
        connect_deadline_[id] = now_ + connect_timeout_;
    }

    // ---- the network ----

    /// Queue index: 0 caller→listener, 1 listener→caller.
    std::deque<Queued>& queue(std::uint8_t dir) { return queues_[dir & 1]; }

    void deliver_to(int to, const SocketAddress& from, const std::vector<std::uint8_t>& bytes, bool forged) {
        forged_any_ = forged_any_ || forged;
        if (log_) log_datagram(to, bytes, forged);
        if (forged && bytes.size() >= wire::header_size) {
            const unsigned control_type = (bytes[0] & 0x7F) << 8 | bytes[1];
            if (!(bytes[0] & 0x80)) {
                side(to).forged_data_received = true;
            } else if (encrypted_ && (control_type == 0 || control_type == 0x7FFF)) {
                // A forged handshake or KMREQ/KMRSP under the passphrase both sides know (the
                // captures') can legitimately change the keys of either direction.
                side(caller_side).forged_data_received = side(listener_side).forged_data_received = true;
            }
        }
        side(to).endpoint.handle_datagram(now_, from, bytes);
    }

    void deliver_head(std::uint8_t dir, bool keep, const std::vector<std::uint8_t>* replacement = nullptr) {
        auto& q = queue(dir);
        if (q.empty()) return;
        const std::vector<std::uint8_t> bytes = replacement ? *replacement : q.front().bytes;
        if (!keep) q.pop_front();
        if ((dir & 1) == 0)
            deliver_to(listener_side, caller_address, bytes, replacement != nullptr);
        else
            deliver_to(caller_side, listener_address, bytes, replacement != nullptr);
    }

    /// ENDPOINT_FUZZ_LOG=1: one line per datagram delivered, for finding where a stream stalls.
    void log_datagram(int to, const std::vector<std::uint8_t>& bytes, bool forged) const {
        std::fprintf(stderr, "%10lld us %s %s%zu bytes:", static_cast<long long>(now_),
                     to == listener_side ? "->L" : "->C", forged ? "forged " : "", bytes.size());
        const auto packet = wire::decode_packet(wire::Bytes(bytes.data(), bytes.size()));
        if (!packet) {
            std::fprintf(stderr, " undecodable\n");
            return;
        }
        std::fprintf(stderr, " %s", wire::packet_kind(*packet));
        if (const auto* data = std::get_if<wire::DataPacket>(&*packet))
            std::fprintf(stderr, " seq %u msg %u ts %u dst %u%s", data->seq.value(), data->message_number.value(),
                         data->timestamp_us, data->dest_socket_id, data->retransmitted ? " R" : "");
        else if (const auto* control = std::get_if<wire::ControlPacket>(&*packet))
            std::fprintf(stderr, " ts %u dst %u info %u", control->header.timestamp_us, control->header.dest_socket_id,
                         control->header.type_info);
        if (const auto* control = std::get_if<wire::ControlPacket>(&*packet))
            if (const auto* ack = std::get_if<wire::AckBody>(&control->body))
                std::fprintf(stderr, " acks %u", ack->last_acknowledged.value());
        std::fprintf(stderr, "\n");
    }

    /// Collects every datagram both endpoints want to send now, checking each.
    void flush() {
        for (int s = 0; s < 2; ++s) {
            int count = 0;
            while (auto t = side(s).endpoint.poll_transmit(now_, out_)) {
                if (++count > max_datagrams_per_flush) violated("poll_transmit does not run dry", count);
                if (t->size == 0 || t->size > out_.size())
                    violated("transmit size out of range", static_cast<long long>(t->size));
                const wire::Bytes bytes(out_.data(), t->size);
                if (!wire::decode_packet(bytes))
                    violated("the core emitted a datagram its own codec rejects", static_cast<long long>(t->size));
                route(s, t->to, bytes);
            }
        }
    }

    void route(int from, const SocketAddress& to, wire::Bytes bytes) {
        std::deque<Queued>* q = nullptr;
        if (from == caller_side && to == listener_address) q = &queues_[0];
        if (from == listener_side &&
            (to == caller_address || to == caller_alt_addresses[0] || to == caller_alt_addresses[1]))
            q = &queues_[1];
        if (!q || q->size() >= max_queued) return;
        q->push_back({now_ + link_delay_us, {bytes.begin(), bytes.end()}});
    }

    // ---- the clock ----

    void fire_timers(Micros until, bool deliver, int& wakeups) {
        for (;;) {
            flush();
            drain();
            std::optional<Micros> next;
            for (int s = 0; s < 2; ++s)
                if (auto t = side(s).endpoint.next_timeout(); t && (!next || *t < *next)) next = t;
            if (deliver)
                for (auto& q : queues_)
                    if (!q.empty() && (!next || q.front().due < *next)) next = q.front().due;
            if (!next || *next > until) break;
            const Micros at = std::max(now_, *next);
            same_instant_ = at == now_ ? same_instant_ + 1 : 0;
            if (same_instant_ > max_wakeups_at_one_instant) violated("timers do not advance (busy loop)", now_);
            if (++wakeups > max_wakeups_per_op) violated("too many timer wakeups in one step", wakeups);
            now_ = at;
            if (deliver)
                for (std::uint8_t dir = 0; dir < 2; ++dir)
                    while (!queue(dir).empty() && queue(dir).front().due <= now_) deliver_head(dir, false);
            for (int s = 0; s < 2; ++s) side(s).endpoint.handle_timeout(now_);
        }
        now_ = std::max(now_, until);
        same_instant_ = 0;
    }

    void advance(Micros duration) {
        int wakeups = 0;
        fire_timers(now_ + duration, false, wakeups);
    }
    void run_clean(Micros duration) {
        int wakeups = 0;
        fire_timers(now_ + duration, true, wakeups);
    }

    // ---- the application ----

    void send(int s, std::size_t size) {
        if (!side(s).live.empty()) send(s, side(s).live.back(), size);
    }
    void send(int s, ConnectionId id, std::size_t size) {
        SideState& from = side(s);
        const std::uint32_t index = next_index_[s]++;
        const auto message = message_bytes(index, size);
        const auto outcome = from.endpoint.send(id, now_, message);
        if (outcome == core::SendOutcome::ok) {
            if (size > static_cast<std::size_t>(payload_limit_[s]))
                violated("send() accepted a message above the payload size", static_cast<long long>(size));
            // One live message is one packet, and the peer takes none above the negotiated MSS.
            if (const core::Connection* connection = from.endpoint.connection(id)) {
                const int overhead = connection->crypto() ? static_cast<int>(connection->crypto()->overhead()) : 0;
                if (static_cast<int>(size) + overhead + core::header_overhead > connection->negotiated().mss)
                    violated("send() accepted a message the negotiated MSS cannot carry", static_cast<long long>(size));
            }
            from.sent[index] = size;
        }
    }

    void drain() {
        for (int s = 0; s < 2; ++s) {
            SideState& me = side(s);
            while (auto event = me.endpoint.poll_event()) on_event(s, *event);
            const SideState& peer = side(1 - s);
            for (const ConnectionId id : me.live) {
                while (auto size = me.endpoint.receive(id, now_, receive_buffer_)) {
                    if (*size > receive_buffer_.size())
                        violated("receive() size beyond the buffer", static_cast<long long>(*size));
                    ++me.delivered_count[id];
                    if (me.forged_data_received) continue;
                    check_delivery(me, peer, id, *size);
                }
            }
        }
    }

    void check_delivery(SideState& me, const SideState& peer, ConnectionId id, std::size_t size) {
        if (size < 4) violated("delivered a message shorter than any sent", static_cast<long long>(size));
        const std::uint32_t index = receive_buffer_[0] | receive_buffer_[1] << 8 | receive_buffer_[2] << 16 |
                                    static_cast<std::uint32_t>(receive_buffer_[3]) << 24;
        const auto sent = peer.sent.find(index);
        if (sent == peer.sent.end()) violated("delivered a message that was never sent", index);
        if (sent->second != size) violated("delivered a message of another size than sent", index);
        const auto expected = message_bytes(index, size);
        if (!std::equal(expected.begin(), expected.end(), receive_buffer_.begin()))
            violated("delivered bytes differ from those sent", index);
        // Without TSBPD the message API may deliver a complete message sent without in_order
        // ahead of an earlier one (libsrt's out-of-order reading): then each once, in any order.
        if (unordered_delivery_) {
            if (!me.delivered_indices.insert(index).second) violated("delivered twice", index);
            return;
        }
        auto [last, fresh] = me.last_delivered.emplace(id, -1);
        if (static_cast<std::int64_t>(index) <= last->second) violated("delivered out of order or twice", index);
        last->second = index;
        me.delivered_indices.insert(index);
    }

    void on_event(int s, const core::Event& event) {
        SideState& me = side(s);
        switch (event.kind) {
        case core::EventKind::connected:
        case core::EventKind::accepted:
            if (me.closed.contains(event.connection)) violated("connected after closed", event.connection);
            if (!me.opened.insert(event.connection).second) violated("connected twice", event.connection);
            if (event.kind == core::EventKind::accepted) me.live.push_back(event.connection);
            break;
        case core::EventKind::closed:
            if (!me.closed.insert(event.connection).second) violated("closed twice", event.connection);
            me.close_reasons[event.connection] = event.reason;
            std::erase(me.live, event.connection);
            break;
        case core::EventKind::refused:
        case core::EventKind::writable:
        case core::EventKind::drained: break;
        }
    }

    /// Checks the bounds after each op.
    void settle() {
        flush();
        drain();
        if (side(listener_side).endpoint.connection_count() > listener_source_addresses + max_connect_ops)
            violated("listener holds more connections than peer addresses and reconnects",
                     static_cast<long long>(side(listener_side).endpoint.connection_count()));
        if (side(caller_side).endpoint.connection_count() > static_cast<std::size_t>(connects_))
            violated("caller holds more connections than it opened",
                     static_cast<long long>(side(caller_side).endpoint.connection_count()));
    }

    // ---- the program ----

    /// Inject: flags bit0 to the listener (else the caller); bits 1-2 from the peer's address,
    /// an alternative caller address, the stranger, the peer again; bit3 overwrite the dest
    /// socket id (bytes 12-15) with the target's newest connection id; bit4 with its peer's.
    void inject() {
        const std::uint8_t flags = in_.u8();
        const std::size_t length = std::min<std::size_t>(in_.u16(), datagram_buffer);
        auto bytes = in_.bytes(length);
        const int to = (flags & 1) ? listener_side : caller_side;
        const SocketAddress peer = to == listener_side ? caller_address : listener_address;
        const SocketAddress sources[4] = {peer, caller_alt_addresses[(flags >> 5) & 1], stranger_address, peer};
        const SocketAddress& from = sources[(flags >> 1) & 3];
        const std::vector<ConnectionId>* ids = nullptr;
        if (flags & 8)
            ids = &side(to).live;
        else if (flags & 0x10)
            ids = &side(1 - to).live;
        if (ids && !ids->empty() && bytes.size() >= wire::header_size) {
            const ConnectionId id = ids->back();
            for (int i = 0; i < 4; ++i) bytes[12 + i] = static_cast<std::uint8_t>(id >> (24 - 8 * i));
        }
        deliver_to(to, from, bytes, true);
    }

    void step(Op op) {
        switch (op) {
        case op_advance: {
            const Micros n = in_.u8() + 1;
            advance(n * n * 100);
            break;
        }
        case op_run: run_clean(milliseconds(in_.u8() + 1)); break;
        case op_deliver: deliver_head(in_.u8(), false); break;
        case op_drop: {
            auto& q = queue(in_.u8());
            if (!q.empty()) q.pop_front();
            break;
        }
        case op_duplicate: deliver_head(in_.u8(), true); break;
        case op_mutate: {
            const std::uint8_t dir = in_.u8();
            const int count = in_.u8() % 4 + 1;
            auto& q = queue(dir);
            std::vector<std::uint8_t> bytes = q.empty() ? std::vector<std::uint8_t>{} : q.front().bytes;
            for (int i = 0; i < count; ++i) {
                const std::uint16_t pos = in_.u16();
                const std::uint8_t x = in_.u8();
                if (!bytes.empty()) bytes[pos % bytes.size()] ^= x;
            }
            deliver_head(dir, false, &bytes);
            break;
        }
        case op_reorder: {
            auto& q = queue(in_.u8());
            if (q.size() > 1) {
                q.push_back(std::move(q.front()));
                q.pop_front();
            }
            break;
        }
        case op_truncate: {
            const std::uint8_t dir = in_.u8();
            const std::size_t n = in_.u8();
            auto& q = queue(dir);
            if (q.empty()) break;
            std::vector<std::uint8_t> bytes(
                q.front().bytes.begin(),
                q.front().bytes.begin() + static_cast<std::ptrdiff_t>(std::min(n, q.front().bytes.size())));
            deliver_head(dir, false, &bytes);
            break;
        }
        case op_deliver_alt: {
            const std::uint8_t k = in_.u8();
            auto& q = queue(0);
            if (q.empty()) break;
            const auto bytes = std::move(q.front().bytes);
            q.pop_front();
            rebound_ = true;
            deliver_to(listener_side, caller_alt_addresses[k & 1], bytes, false);
            break;
        }
        case op_inject: inject(); break;
        case op_send: {
            const int s = in_.u8() & 1;
            send(s, 4 + std::size_t{in_.u8()} * 6);
            break;
        }
        case op_send_burst: {
            const int s = in_.u8() & 1;
            const int count = in_.u8() % 32 + 1;
            const std::size_t size = 4 + std::size_t{in_.u8()} * 6;
            for (int i = 0; i < count; ++i) send(s, size);
            break;
        }
        case op_close: {
            const std::uint8_t how = in_.u8();  // bit0 the side, bit1 graceful
            SideState& me = side(how & 1);
            if (!me.live.empty()) me.endpoint.close(me.live.back(), now_, (how & 2) != 0);
            break;
        }
        case op_connect: connect(); break;
        case op_stats: {
            SideState& me = side(in_.u8() & 1);
            const bool clear = in_.u8() & 1;
            if (!me.live.empty()) (void)me.endpoint.stats(me.live.back(), now_, clear);
            break;
        }
        case op_count: break;
        }
    }

    Input in_;
    std::optional<SideState> sides_[2];
    core::ConnectionConfig caller_config_;
    int payload_limit_[2] = {};
    int connects_ = 0;
    bool encrypted_ = false;
    bool unordered_delivery_ = false;  // messages may be delivered out of order (check_delivery)
    bool forged_any_ = false;
    bool rebound_ = false;  // a deliver_alt op ran
    const bool log_ = std::getenv("ENDPOINT_FUZZ_LOG") != nullptr;
    std::map<ConnectionId, Micros> connect_deadline_;  // caller connections, as connect() was called
    Micros connect_timeout_ = 0;
    Micros idle_timeout_ = 0;
    std::uint32_t next_index_[2] = {0, 0x40000000};  // the two directions never share an index
    Micros now_ = 0;
    int same_instant_ = 0;
    std::deque<Queued> queues_[2];
    std::vector<std::uint8_t> out_ = std::vector<std::uint8_t>(datagram_buffer);
    std::vector<std::uint8_t> receive_buffer_ = std::vector<std::uint8_t>(datagram_buffer);
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Harness harness(data, size);
    harness.run();
    return 0;
}
