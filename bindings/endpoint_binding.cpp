// Embind glue for the sans-IO core's Endpoint (class SrtEndpoint in JS). Datagrams and messages
// cross the JS↔WASM boundary in batches through buffers in wasm memory: JS writes records into
// the inbox and calls handleInbox() once per batch; pollTransmits() and receiveBatch() fill the
// outbox with records for JS to read. A record is [u32 size][u32 tag][size bytes], padded to 4
// bytes, little-endian (datagram_records.hpp reads and writes them); the tag is a registered peer
// address (datagrams) or unused (messages).
// No allocation per packet, one call per batch. Errors come back as values; nothing throws.
//
// JS reads the buffers through Module.HEAPU8 at the addresses inboxAddress()/outboxAddress()
// return, taking HEAPU8 afresh after every call (memory growth replaces it).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "datagram_records.hpp"
#include "core/endpoint.hpp"
#include "core/media_uri.hpp"
#include "core/random_source.hpp"
#include "core/stats_fields.hpp"

namespace {

using emscripten::val;
using websrt::core::Micros;

/// The batch buffers each way start with room for 16 full-size datagrams (or messages) and
/// double, up to 128, whenever a batch fills one: an idle or slow endpoint keeps its heap small
/// (48 KiB for both), a busy one gets the large batches that make the crossings few.
constexpr std::size_t record_room = 1536;  // a record of max_record_payload bytes, with room to spare
constexpr std::size_t initial_buffer_size = 16 * record_room;
constexpr std::size_t max_buffer_size = 128 * record_room;

/// Doubles `buffer` up to max_buffer_size; false when memory is short (it keeps its size).
bool grow(websrt::bindings::GrowableBuffer& buffer) {
    return buffer.reserve(std::min(max_buffer_size, std::max(initial_buffer_size, 2 * buffer.size())));
}

/// JS numbers carry microseconds exactly up to 2^53.
Micros micros(double now) { return static_cast<Micros>(now); }
/// A bound for durations and times JS passes (a year): beyond it a double's cast is undefined.
constexpr double max_micros = 365.0 * 24 * 3600 * 1e6;

const char* kind_name(websrt::core::EventKind kind) {
    switch (kind) {
    case websrt::core::EventKind::connected: return "connected";
    case websrt::core::EventKind::accepted: return "accepted";
    case websrt::core::EventKind::writable: return "writable";
    case websrt::core::EventKind::drained: return "drained";
    case websrt::core::EventKind::closed: return "closed";
    case websrt::core::EventKind::refused: return "refused";
    }
    return "closed";
}

const char* reason_name(websrt::core::CloseReason reason) {
    switch (reason) {
    case websrt::core::CloseReason::local_close: return "local_close";
    case websrt::core::CloseReason::peer_shutdown: return "peer_shutdown";
    case websrt::core::CloseReason::peer_idle_timeout: return "peer_idle_timeout";
    case websrt::core::CloseReason::connect_timeout: return "connect_timeout";
    case websrt::core::CloseReason::rejected: return "rejected";
    case websrt::core::CloseReason::failed: return "failed";
    case websrt::core::CloseReason::superseded: return "superseded";
    }
    return "local_close";
}

const char* outcome_name(websrt::core::SendOutcome outcome) {
    switch (outcome) {
    case websrt::core::SendOutcome::ok: return "ok";
    case websrt::core::SendOutcome::too_large: return "too_large";
    case websrt::core::SendOutcome::buffer_full: return "buffer_full";
    case websrt::core::SendOutcome::not_connected: return "not_connected";
    case websrt::core::SendOutcome::bad_source_time: return "bad_source_time";
    }
    return "not_connected";
}

val failure(const std::string& error) {
    val result = val::object();
    result.set("ok", false);
    result.set("error", error);
    return result;
}

/// Parses an srt:// URI with the same option names and checks as `websrt transmit`.
websrt::Expected<websrt::core::SrtUri, std::string> parse_srt(const std::string& text) {
    auto parsed = websrt::core::parse_media_uri(text);
    if (!parsed) return parsed.error().message;
    if (const auto* srt = std::get_if<websrt::core::SrtUri>(&*parsed)) return *srt;
    return std::string("expected an srt:// URI");
}

class SrtEndpoint {
public:
    SrtEndpoint() : endpoint_(random_) {
        // Short of memory, the capacity stays 0 and JS refuses the endpoint (bufferCapacity()).
        if (!inbox_.reserve(initial_buffer_size) || !outbox_.reserve(initial_buffer_size)) {
            inbox_.release();
            outbox_.release();
        }
    }

    [[nodiscard]] std::uintptr_t inbox_address() const { return reinterpret_cast<std::uintptr_t>(inbox_.data()); }
    [[nodiscard]] std::uintptr_t outbox_address() const {
        return reinterpret_cast<std::uintptr_t>(long_outbox_active_ ? long_outbox_.data() : outbox_.data());
    }
    /// The inbox's size: how many bytes of records JS may write before handleInbox(); 0 when the
    /// endpoint could not get its buffers.
    [[nodiscard]] std::size_t buffer_capacity() const { return inbox_.size(); }
    /// For JS when a batch did not fit the inbox: doubles it (up to its bound) and returns the
    /// new capacity. The inbox may move: JS asks inboxAddress() again.
    std::size_t grow_inbox() {
        (void)grow(inbox_);
        return inbox_.size();
    }
    /// False once the entropy source failed: keys and ids can no longer be trusted.
    [[nodiscard]] bool healthy() const { return random_.healthy(); }

    /// "1.2.3.4:5" or "[::1]:5" → a tag for records (the same tag for the same address), or -1.
    int register_address(const std::string& text) {
        const auto address = websrt::core::SocketAddress::parse(text);
        if (!address) return -1;
        return tag_of(*address);
    }

    /// Makes this endpoint a listener with the URI's options. `accept(streamId, peer)` (optional)
    /// returns 0 to admit a caller, a reject code (1403 forbidden, …), or -1 while it is still
    /// deciding (AcceptDecision::later: the caller asks again in 250 ms). At most
    /// `max_connections` at once (0: the core's default); beyond, callers get reject code 5.
    val listen(const std::string& uri, val accept, int max_connections) {
        auto parsed = parse_srt(uri);
        if (!parsed) return failure(parsed.error());
        websrt::core::AcceptPolicy policy;
        if (!accept.isUndefined() && !accept.isNull()) {
            policy = [accept](const websrt::core::AcceptRequest& request) {
                const val answer = accept(request.stream_id, request.peer.to_string());
                const int code = answer.isNumber() ? answer.as<int>() : 0;
                if (code < 0) return websrt::core::AcceptDecision::later();
                return code == 0 ? websrt::core::AcceptDecision::yes() : websrt::core::AcceptDecision::no(code);
            };
        }
        websrt::core::ListenerLimits limits;
        if (max_connections > 0) {
            limits.max_connections = max_connections;
            limits.max_connections_per_source = std::min(limits.max_connections_per_source, max_connections);
        }
        if (auto refused = endpoint_.listen(parsed->config, std::move(policy), limits)) return failure(*refused);
        val result = val::object();
        result.set("ok", true);
        result.set("port", parsed->port);
        return result;
    }

    /// Starts a caller connection (or a rendezvous, mode=rendezvous) to the URI's host, which must
    /// be an IP literal (resolve names before): {ok, id, peer} or {ok: false, error}.
    val connect(double now, const std::string& uri) {
        auto parsed = parse_srt(uri);
        if (!parsed) return failure(parsed.error());
        const std::string host = parsed->host.find(':') != std::string::npos ? "[" + parsed->host + "]" : parsed->host;
        const auto peer = websrt::core::SocketAddress::parse(host + ":" + std::to_string(parsed->port));
        if (!peer) return failure("the host must be an IP address (resolve names first): " + parsed->host);
        const auto started = parsed->mode == websrt::core::ConnectMode::rendezvous
                                 ? endpoint_.rendezvous(micros(now), *peer, parsed->config)
                                 : endpoint_.connect(micros(now), *peer, parsed->config);
        if (!started) return failure(started.error());
        const auto id = *started;
        const int tag = tag_of(*peer);
        tags_in_use_[id] = tag;
        val result = val::object();
        result.set("ok", true);
        result.set("id", id);
        result.set("peer", tag);
        return result;
    }

    /// Hands the core the `count` datagram records JS wrote into the inbox.
    void handle_inbox(double now, int count) {
        websrt::bindings::RecordReader reader(inbox_.span(), count > 0 ? static_cast<std::size_t>(count) : 0);
        while (const auto record = reader.next())
            if (record->tag < addresses_.size())
                endpoint_.handle_datagram(micros(now), addresses_[record->tag], record->bytes);
    }

    /// Fills the outbox with datagrams to send (records tagged with their destination); returns
    /// how many. Call again while it returns a full batch.
    int poll_transmits(double now) {
        use_outbox();
        websrt::bindings::RecordWriter writer(outbox_.span());
        for (auto slot = writer.slot(); !slot.empty(); slot = writer.slot()) {
            const auto transmit = endpoint_.poll_transmit(micros(now), slot);
            if (!transmit) break;
            writer.commit(transmit->size, static_cast<std::uint32_t>(tag_of(transmit->to)));
        }
        outbox_filled_ = writer.slot().empty();
        return static_cast<int>(writer.count());
    }

    /// Microseconds at which handleTimeout() has work, or -1.
    [[nodiscard]] double next_timeout() const {
        const auto t = endpoint_.next_timeout();
        return t ? static_cast<double>(*t) : -1.0;
    }
    void handle_timeout(double now) { endpoint_.handle_timeout(micros(now)); }

    /// Events since the last call: [{kind, id, peer, streamId, reason, rejectCode, detail}]
    /// (kinds as EventKind). A closed event also carries `unacknowledged` and the final `stats`;
    /// when the peer closed, what it had sent stays readable through receiveBatch (all of it due).
    val poll_events() {
        val events = val::array();
        while (auto event = endpoint_.poll_event()) {
            // A connection's peer keeps its tag for as long as the connection lives.
            if (event->kind == websrt::core::EventKind::accepted || event->kind == websrt::core::EventKind::connected)
                tags_in_use_[event->connection] = tag_of(event->peer);
            if (event->kind == websrt::core::EventKind::closed) tags_in_use_.erase(event->connection);
            val e = val::object();
            e.set("kind", std::string(kind_name(event->kind)));
            e.set("id", event->connection);
            e.set("peer", event->peer.to_string());
            e.set("streamId", event->stream_id);
            e.set("reason", std::string(reason_name(event->reason)));
            e.set("rejectCode", event->reject_code);
            e.set("detail", event->detail);
            if (event->kind == websrt::core::EventKind::closed) {
                e.set("unacknowledged", event->unacknowledged);
                e.set("stats", event->stats ? stats_object(*event->stats) : val::null());
            }
            events.call<void>("push", e);
        }
        return events;
    }

    /// Sends the `length`-byte message JS wrote at the start of the inbox with the message API's
    /// options (`ttl_us`, `source_time`: negative or not finite for none): "ok", "too_large",
    /// "buffer_full", "not_connected" or "bad_source_time".
    std::string send(std::uint32_t id, double now, std::uint32_t length, double ttl_us, bool in_order,
                     double source_time) {
        const bool long_message = length > inbox_.size();
        if (long_message && length > long_inbox_.size()) return outcome_name(websrt::core::SendOutcome::too_large);
        const std::uint8_t* message = long_message ? long_inbox_.data() : inbox_.data();
        websrt::core::SendControl control;
        control.in_order = in_order;
        if (std::isfinite(ttl_us) && ttl_us >= 0) control.ttl = micros(std::min(ttl_us, max_micros));
        if (std::isfinite(source_time) && source_time >= 0)
            control.source_time = micros(std::min(source_time, max_micros));
        const auto outcome = endpoint_.send(id, micros(now), {message, length}, control);
        long_inbox_.release();
        return outcome_name(outcome);
    }

    /// Fills the outbox with at most `max_messages` of the messages whose time has come
    /// (untagged records), and for each the message number, sequence and source time, three
    /// doubles from infoAddress(); returns how many. The rest wait in the core's bounded buffer.
    /// -1: the next message is longer than memory can hold (the connection cannot go on).
    int receive_batch(std::uint32_t id, double now, std::uint32_t max_messages) {
        use_outbox();  // JS copied out the long message of the last call
        std::size_t count = 0;
        websrt::bindings::RecordWriter writer(outbox_.span());
        while (count < max_messages) {
            const auto next = endpoint_.next_message_size(id, micros(now));
            if (!next) break;
            auto slot = writer.slot(*next);
            if (slot.empty()) {
                if (count > 0) break;  // the next batch takes it
                // A file-mode message longer than the whole outbox (the core bounds it by its
                // receive buffer) comes alone in a buffer of its own, at outboxAddress().
                if (!long_outbox_.reserve(websrt::bindings::record_header + websrt::bindings::padded(*next))) return -1;
                writer = websrt::bindings::RecordWriter(long_outbox_.span());
                slot = writer.slot(*next);
                long_outbox_active_ = true;
            }
            websrt::core::MessageInfo info;
            const auto size = endpoint_.receive(id, micros(now), slot, &info);
            if (!size) break;
            writer.commit(*size, 0);
            outbox_filled_ = !long_outbox_active_ && writer.slot().empty();
            if (info_.size() < 3 * (count + 1)) info_.resize(3 * (count + 1));
            info_[3 * count] = info.message_number;
            info_[3 * count + 1] = info.sequence;
            info_[3 * count + 2] = static_cast<double>(info.source_time);
            ++count;
        }
        return static_cast<int>(count);
    }
    /// Where JS writes a `length`-byte message for send(): the inbox, or for a file-mode message
    /// longer than it a buffer of its own, freed by send(). 0 when memory is short.
    std::uintptr_t inbox_for(std::uint32_t length) {
        if (length <= inbox_.size()) return inbox_address();
        if (!long_inbox_.reserve(length)) return 0;
        return reinterpret_cast<std::uintptr_t>(long_inbox_.data());
    }

    /// Where receiveBatch's message metadata starts (an index into HEAPF64 is this / 8).
    [[nodiscard]] std::uintptr_t info_address() const { return reinterpret_cast<std::uintptr_t>(info_.data()); }

    /// Endpoint::close: graceful waits for acknowledgement and play-out, at most `linger_ms`
    /// (negative: the connection's own linger); the closed event follows either way.
    void close(std::uint32_t id, double now, bool graceful, double linger_ms) {
        std::optional<Micros> linger;
        if (linger_ms >= 0) linger = websrt::core::milliseconds(static_cast<Micros>(std::min(linger_ms, 3.6e6)));
        endpoint_.close(id, micros(now), graceful, linger);
    }

    /// libsrt-named statistics (as websrt transmit prints them), or null for an unknown id.
    val stats(std::uint32_t id, double now, bool clear) {
        const auto stats = endpoint_.stats(id, micros(now), clear);
        return stats ? stats_object(*stats) : val::null();
    }

    /// Frees the tags of every address no connection uses (callers that were only answered
    /// statelessly, or refused, or are gone) and returns them, for JS to forget: a flood from a
    /// million source addresses then costs a bounded table. Call between batches only: a freed
    /// tag is given to the next new address.
    val release_unused_addresses() {
        std::vector<bool> used(addresses_.size(), false);
        for (const auto& [id, tag] : tags_in_use_) used[static_cast<std::size_t>(tag)] = true;
        val released = val::array();
        for (auto it = tags_.begin(); it != tags_.end();) {
            if (used[static_cast<std::size_t>(it->second)]) {
                ++it;
                continue;
            }
            free_tags_.push_back(it->second);
            released.call<void>("push", it->second);
            it = tags_.erase(it);
        }
        return released;
    }

    /// Datagrams the port dropped and callers it turned away (EndpointCounters).
    [[nodiscard]] val counters() const {
        const auto& c = endpoint_.counters();
        val result = val::object();
        result.set("oversize", static_cast<double>(c.oversize));
        result.set("undecodable", static_cast<double>(c.undecodable));
        result.set("unroutable", static_cast<double>(c.unroutable));
        result.set("badCookie", static_cast<double>(c.bad_cookie));
        result.set("refusalsLimited", static_cast<double>(c.refusals_limited));
        result.set("statelessDropped", static_cast<double>(c.stateless_dropped));
        result.set("deferred", static_cast<double>(c.deferred));
        result.set("refused", static_cast<double>(c.refused));
        result.set("keyDerivations", static_cast<double>(c.key_derivations));
        result.set("addressesTracked", static_cast<double>(tags_.size()));
        return result;
    }

    /// The text form of a record's tag ("1.2.3.4:5"), for the transport to send to.
    [[nodiscard]] std::string address_of(int tag) const {
        return tag >= 0 && static_cast<std::size_t>(tag) < addresses_.size()
                   ? addresses_[static_cast<std::size_t>(tag)].to_string()
                   : "";
    }

private:
    static val stats_object(const websrt::core::ConnectionStats& stats) {
        val result = val::object();
        websrt::core::visit_stats(stats,
                                  [&](const char* name, auto value) { result.set(name, static_cast<double>(value)); });
        return result;
    }

    int tag_of(const websrt::core::SocketAddress& address) {
        if (const auto it = tags_.find(address); it != tags_.end()) return it->second;
        int tag;
        if (!free_tags_.empty()) {
            tag = free_tags_.back();
            free_tags_.pop_back();
            addresses_[static_cast<std::size_t>(tag)] = address;
        } else {
            addresses_.push_back(address);
            tag = static_cast<int>(addresses_.size() - 1);
        }
        tags_.emplace(address, tag);
        return tag;
    }

    websrt::core::CryptoRandom random_;
    websrt::core::Endpoint endpoint_;
    /// Before the outbox is written again (JS has read it): frees the last long message and grows
    /// the outbox if the last batch filled it.
    void use_outbox() {
        long_outbox_active_ = false;
        long_outbox_.release();
        if (outbox_filled_) (void)grow(outbox_);
        outbox_filled_ = false;
    }

    // The batch buffers, and one message longer than them each way: from malloc, so that running
    // out of memory is an error, not an abort (the module has no exceptions: a failing
    // std::vector would abort it).
    websrt::bindings::GrowableBuffer inbox_;
    websrt::bindings::GrowableBuffer outbox_;
    bool outbox_filled_ = false;  // the last batch filled the outbox: it grows before the next
    websrt::bindings::GrowableBuffer long_inbox_;
    websrt::bindings::GrowableBuffer long_outbox_;
    bool long_outbox_active_ = false;                         // outboxAddress() is long_outbox_'s until the next call
    std::vector<double> info_ = std::vector<double>(3 * 64);  // receive_batch's metadata, 3 per message
    std::vector<websrt::core::SocketAddress> addresses_;
    std::unordered_map<websrt::core::SocketAddress, int, websrt::core::SocketAddressHash> tags_;
    std::vector<int> free_tags_;                                       // released tags, given to the next new addresses
    std::unordered_map<websrt::core::ConnectionId, int> tags_in_use_;  // each connection's peer
};

}  // namespace

EMSCRIPTEN_BINDINGS(websrt_endpoint) {
    emscripten::class_<SrtEndpoint>("SrtEndpoint")
        .constructor<>()
        .function("inboxAddress", &SrtEndpoint::inbox_address)
        .function("outboxAddress", &SrtEndpoint::outbox_address)
        .function("bufferCapacity", &SrtEndpoint::buffer_capacity)
        .function("growInbox", &SrtEndpoint::grow_inbox)
        .function("healthy", &SrtEndpoint::healthy)
        .function("registerAddress", &SrtEndpoint::register_address)
        .function("addressOf", &SrtEndpoint::address_of)
        .function("releaseUnusedAddresses", &SrtEndpoint::release_unused_addresses)
        .function("counters", &SrtEndpoint::counters)
        .function("listen", &SrtEndpoint::listen)
        .function("connect", &SrtEndpoint::connect)
        .function("handleInbox", &SrtEndpoint::handle_inbox)
        .function("pollTransmits", &SrtEndpoint::poll_transmits)
        .function("nextTimeout", &SrtEndpoint::next_timeout)
        .function("handleTimeout", &SrtEndpoint::handle_timeout)
        .function("pollEvents", &SrtEndpoint::poll_events)
        .function("send", &SrtEndpoint::send)
        .function("receiveBatch", &SrtEndpoint::receive_batch)
        .function("infoAddress", &SrtEndpoint::info_address)
        .function("inboxFor", &SrtEndpoint::inbox_for)
        .function("close", &SrtEndpoint::close)
        .function("stats", &SrtEndpoint::stats);
}
