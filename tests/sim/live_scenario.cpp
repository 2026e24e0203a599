#include "live_scenario.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <map>

#include "core/random_source.hpp"
#include "simulator.hpp"

namespace websrt::sim {

namespace {

const core::SocketAddress listener_address = core::SocketAddress::v4(10, 0, 0, 1, 9000);
const core::SocketAddress caller_address = core::SocketAddress::v4(10, 0, 0, 2, 40000);
constexpr std::size_t header_size = 12;  // message index (4 bytes) + global send time (8 bytes)
/// After the last message: the latency, the sender's 1 s drop threshold, and a margin.
constexpr Micros settle_time = core::seconds(3);
constexpr Micros buffer_sample_period = core::milliseconds(100);
/// A message that arrived after its time is delivered within this (the next timer tick).
constexpr Micros belated_allowance = core::milliseconds(1);

std::vector<std::uint8_t> make_message(std::uint32_t index, Micros sent_at, std::size_t size) {
    std::vector<std::uint8_t> message(std::max(size, header_size), static_cast<std::uint8_t>(index));
    std::memcpy(message.data(), &index, 4);
    std::memcpy(message.data() + 4, &sent_at, 8);
    return message;
}

class Run {
public:
    Run(const LiveScenario& scenario, std::uint64_t seed) : s_(scenario) { out_.seed = seed; }

    LiveOutcome go() {
        try {
            if (!connect()) return out_;
            stream();
            check_deliveries();
            check_counters();
        } catch (const std::exception& e) {
            fail(std::string("exception: ") + e.what());
        }
        return out_;
    }

private:
    template <typename... Parts>
    void fail(const Parts&... parts) {
        constexpr std::size_t max_reported = 8;
        if (out_.violations.size() >= max_reported) {
            if (out_.violations.size() == max_reported) out_.violations.push_back("... and more");
            return;
        }
        std::string text;
        ((text += parts), ...);
        out_.violations.push_back(std::move(text));
    }

    /// A damaging link: headers may be hit too, so counters and buffers are not checked.
    bool corrupting() const { return s_.corrupt_percent > 0 || s_.truncate_percent > 0; }
    /// Damage that reaches the application: a flipped payload bit goes unnoticed in the clear and
    /// under AES-CTR; AES-GCM's tag catches it (a truncated packet fails it too).
    bool payload_unverifiable() const { return corrupting() && !s_.aes_gcm; }

    bool connect() {
        // The seed picks this run's RTT and latency, and seeds both links and both nodes.
        core::SeededRandom pick(out_.seed * 7919 + 17);
        const auto uniform = [&] { return pick.next_u32() / 4294967296.0; };
        out_.rtt = s_.min_rtt + static_cast<Micros>(uniform() * static_cast<double>(s_.max_rtt - s_.min_rtt));
        const double rtts = s_.min_latency_rtts + uniform() * (s_.max_latency_rtts - s_.min_latency_rtts);
        out_.latency_ms = static_cast<int>(std::ceil(rtts * static_cast<double>(out_.rtt) / 1000.0));

        native::ImpairmentConfig link;
        link.loss_percent = s_.loss_percent;
        link.burst_length = s_.burst_length;
        link.delay = out_.rtt / 2;
        link.jitter = s_.jitter;
        link.reorder_percent = s_.reorder_percent;
        link.duplicate_percent = s_.duplicate_percent;
        link.corrupt_percent = s_.corrupt_percent;
        link.truncate_percent = s_.truncate_percent;
        // A damaged KM cannot be told from a wrong passphrase (the key wrap's check fails either
        // way) and is refused as libsrt refuses it: an encrypted link goes bad once connected.
        if (!s_.passphrase.empty()) link.corrupt_percent = link.truncate_percent = 0;
        native::ImpairmentConfig forward = link;
        forward.rate_mbit = s_.forward_rate_mbit;
        forward.seed = out_.seed * 2 + 1;
        link.seed = out_.seed * 2 + 2;

        listener_ = sim_.add_node(listener_address, out_.seed + 1000, NodeClock{0, s_.receiver_drift_ppm});
        std::vector<std::uint32_t> caller_draws;
        // The caller endpoint draws its 128-bit cookie secret (four words), then the socket id and ISN.
        if (s_.initial_seq) caller_draws = {1, 2, 3, 4, 5, *s_.initial_seq};
        caller_ = sim_.add_node(caller_address, out_.seed + 2000, {}, caller_draws);
        sim_.set_link(caller_, listener_, forward);
        sim_.set_link(listener_, caller_, link);
        sim_.on_arrival = [this](int to, const std::vector<std::uint8_t>& datagram) { record_arrival(to, datagram); };

        core::ConnectionConfig config;
        config.receiver_latency_ms = config.peer_latency_ms = out_.latency_ms;
        config.connect_timeout = core::seconds(10);  // 30 % loss both ways takes a few rounds
        config.passphrase = s_.passphrase;
        config.km_refresh_rate_pkts = s_.km_refresh_rate_pkts;
        config.km_preannounce_pkts = s_.km_preannounce_pkts;
        if (s_.aes_gcm) config.crypto_mode = core::CryptoMode::aes_gcm;
        config.packet_filter = s_.packet_filter;
        if (auto refused = sim_.endpoint(listener_).listen(config))
            return fail("listen() refused the config: " + *refused), false;
        const auto started = sim_.endpoint(caller_).connect(sim_.local_now(caller_), listener_address, config);
        if (!started) return fail("connect() refused the config: " + started.error()), false;
        caller_id_ = *started;
        const Micros deadline = sim_.now() + core::seconds(11);
        while (sim_.now() < deadline) {
            sim_.run_for(core::milliseconds(10));
            const auto& caller_events = sim_.events(caller_);
            const auto& listener_events = sim_.events(listener_);
            const auto connected = std::find_if(caller_events.begin(), caller_events.end(), [](const core::Event& e) {
                return e.kind == core::EventKind::connected;
            });
            const auto accepted =
                std::find_if(listener_events.begin(), listener_events.end(),
                             [](const core::Event& e) { return e.kind == core::EventKind::accepted; });
            if (connected != caller_events.end() && accepted != listener_events.end()) {
                listener_id_ = accepted->connection;
                const auto isn = sim_.endpoint(caller_).connection(caller_id_)->negotiated().initial_seq.value();
                isn_ = wire::SeqNo(isn);
                if (!s_.passphrase.empty()) {
                    sim_.set_link_damage(caller_, listener_, s_.corrupt_percent, s_.truncate_percent);
                    sim_.set_link_damage(listener_, caller_, s_.corrupt_percent, s_.truncate_percent);
                }
                if (s_.initial_seq && isn != *s_.initial_seq)
                    fail("the initial sequence number is ", std::to_string(isn));
                return true;
            }
            if (!caller_events.empty() && caller_events.back().kind == core::EventKind::closed) break;
        }
        const auto& caller_events = sim_.events(caller_);
        const auto& listener_events = sim_.events(listener_);
        fail("did not connect",
             caller_events.empty() ? std::string() : ": the caller's last event: " + caller_events.back().detail,
             listener_events.empty() ? std::string() : "; the listener's: " + listener_events.back().detail, " state ",
             std::to_string(sim_.endpoint(caller_).connection(caller_id_)
                                ? static_cast<int>(sim_.endpoint(caller_).connection(caller_id_)->state())
                                : -1),
             " events ", std::to_string(caller_events.size()), "/", std::to_string(listener_events.size()));
        return false;
    }

    /// The first arrival of each message at the listener. Each message is one packet, sent in
    /// order from the ISN, so its index is its sequence number's distance from the ISN (the
    /// payload may be encrypted).
    void record_arrival(int to, const std::vector<std::uint8_t>& datagram) {
        note_silence(to);
        last_arrival_[to] = sim_.now();
        constexpr std::size_t data_header = 16;
        if (to != listener_ || datagram.size() < data_header || (datagram[0] & 0x80) != 0) return;
        // An FEC packet (message number 0) carries its group's last sequence number, not that packet.
        const std::uint32_t message_number = (std::uint32_t{datagram[4]} << 24 | std::uint32_t{datagram[5]} << 16 |
                                              std::uint32_t{datagram[6]} << 8 | datagram[7]) &
                                             wire::MsgNo::max_value;
        if (message_number == 0) return;
        const wire::SeqNo seq(std::uint32_t{datagram[0]} << 24 | std::uint32_t{datagram[1]} << 16 |
                              std::uint32_t{datagram[2]} << 8 | datagram[3]);
        const auto index = wire::SeqNo::offset(isn_, seq);
        if (index >= 0) first_arrival_.emplace(static_cast<std::uint32_t>(index), sim_.now());
    }

    void stream() {
        sim_.run_for(s_.idle_before_stream);
        const Micros start = sim_.now();
        for (int i = 0; i < s_.messages; ++i) {
            sim_.at(start + i * s_.interval, [this, i] {
                const auto message = make_message(static_cast<std::uint32_t>(i), sim_.now(), s_.message_size);
                if (sim_.endpoint(caller_).send(caller_id_, sim_.local_now(caller_), message) == core::SendOutcome::ok)
                    ++out_.sent;
                else
                    fail("message ", std::to_string(i), " refused by send()");
            });
        }
        const Micros end = start + s_.messages * s_.interval + core::milliseconds(out_.latency_ms) + settle_time;
        for (Micros t = start; t < end; t += buffer_sample_period) sim_.at(t, [this] { sample_buffers(); });
        sim_.run_until(end);
    }

    /// Bounded buffers: the sender keeps a packet at most its drop threshold (max(latency, 1 s) +
    /// 20 ms, libsrt), the receiver at most the latency after it could have arrived.
    void sample_buffers() {
        const auto sender = sim_.endpoint(caller_).stats(caller_id_, sim_.local_now(caller_), false);
        const auto receiver = sim_.endpoint(listener_).stats(listener_id_, sim_.local_now(listener_), false);
        if (!sender || !receiver || corrupting()) return;
        const Micros kept =
            std::max<Micros>(core::milliseconds(out_.latency_ms), core::seconds(1)) + core::milliseconds(20);
        const auto bound = static_cast<int>((kept + buffer_sample_period) / s_.interval) + 1;
        if (sender->pktSndBuf > bound)
            fail("sender buffer at ", std::to_string(sender->pktSndBuf), " packets, bound ", std::to_string(bound));
        if (receiver->pktRcvBuf > bound)
            fail("receiver buffer at ", std::to_string(receiver->pktRcvBuf), " packets, bound ", std::to_string(bound));
    }

    void check_deliveries() {
        out_.min_delay = std::numeric_limits<Micros>::max();
        out_.max_delay = 0;
        std::int64_t last_index = -1;
        for (const Delivery& d : sim_.deliveries(listener_)) {
            ++out_.delivered;
            if (payload_unverifiable()) continue;  // a flipped bit may hit the payload: only survival counts
            if (d.message.size() != std::max(s_.message_size, header_size)) {
                fail("a message of ", std::to_string(d.message.size()), " bytes");
                continue;
            }
            std::uint32_t index = 0;
            Micros sent_at = 0;
            std::memcpy(&index, d.message.data(), 4);
            std::memcpy(&sent_at, d.message.data() + 4, 8);
            if (static_cast<std::int64_t>(index) <= last_index)
                fail("message ", std::to_string(index), " delivered after ", std::to_string(last_index));
            last_index = index;
            last_delivered_index_ = index;
            const auto fill = static_cast<std::uint8_t>(index);
            if (!std::all_of(d.message.begin() + header_size, d.message.end(),
                             [&](std::uint8_t b) { return b == fill; }))
                fail("message ", std::to_string(index), " garbled");
            const Micros delay = d.global_time - sent_at;
            out_.delays.emplace_back(index, delay);
            // A damaged header can make a datagram look like another message's early arrival.
            if (!corrupting()) timing_.push_back({index, sent_at, d.global_time});
        }
        check_timing();
        if (out_.delivery_ratio() < s_.min_seed_delivery_ratio)
            fail("delivered only ", std::to_string(out_.delivered), " of ", std::to_string(out_.sent));
    }

    /// The TSBPD delay is the smallest end-to-end delay seen. A message that arrived before its
    /// time must be delivered within the allowed spread of it; one that arrived later, at once.
    void check_timing() {
        out_.min_delay = out_.max_delay = 0;
        if (timing_.empty()) return;
        out_.min_delay = std::numeric_limits<Micros>::max();
        for (const Timing& t : timing_) out_.min_delay = std::min(out_.min_delay, t.delivered - t.sent);
        for (const Timing& t : timing_) {
            const Micros due = t.sent + out_.min_delay;
            const auto arrival = first_arrival_.find(t.index);
            // Never on the link: rebuilt from FEC, when the packet completing its group arrived,
            // which may be after its time (then it is delivered at once, as a late arrival).
            if (arrival == first_arrival_.end() && !s_.packet_filter.empty()) continue;
            const Micros arrived = arrival == first_arrival_.end() ? due : arrival->second;
            if (arrived <= due) out_.max_delay = std::max(out_.max_delay, t.delivered - t.sent);
            const Micros allowed = std::max(due + s_.max_delay_spread, arrived + belated_allowance);
            if (t.delivered > allowed)
                fail("message ", std::to_string(t.index), " delivered ", std::to_string(t.delivered - allowed),
                     " µs after it was due (arrived ", std::to_string(arrived - due), " µs after its time)");
        }
    }

    void note_closes() {
        for (const int node : {caller_, listener_})
            for (const core::Event& e : sim_.events(node))
                if (e.kind == core::EventKind::closed)
                    out_.closed += std::string(node == caller_ ? "caller" : "listener") + ": " + e.detail + "; ";
    }

    void check_counters() {
        note_closes();
        const auto sender = sim_.endpoint(caller_).stats(caller_id_, sim_.local_now(caller_), false);
        const auto receiver = sim_.endpoint(listener_).stats(listener_id_, sim_.local_now(listener_), false);
        out_.undecodable =
            sim_.endpoint(listener_).counters().undecodable + sim_.endpoint(caller_).counters().undecodable;
        if (!sender || !receiver) {
            // A side that heard nothing for a whole peeridletimeo must close (libsrt's
            // SRT_ECONNLOST): a link lost every datagram for that long (a long burst on the sparse
            // traffic of a stalled receiver). Only a close the links did not force is a violation.
            note_silence(caller_);
            note_silence(listener_);
            const bool link_went_silent = std::max(longest_silence_[caller_], longest_silence_[listener_]) >=
                                          core::ConnectionConfig{}.peer_idle_timeout;
            if (link_went_silent)
                out_.closed += "(the link delivered nothing for a peer idle timeout)";
            else if (!corrupting())
                fail("the connection closed during the stream");
            return;
        }
        out_.counted_dropped = receiver->total.pktRcvDrop;
        out_.unique_sent = sender->total.pktSentUnique;
        out_.retransmitted = sender->total.pktRetrans;
        out_.filter_extra = sender->total.pktSndFilterExtra;
        if (s_.expect_drops && out_.counted_dropped == 0) fail("expected too-late drops, counted none");
        if (corrupting()) return;
        // A receiver can count only what it knows was sent: everything up to the last message it
        // delivered, or that a DROPREQ named. Lost last messages whose DROPREQ was lost too stay
        // unknown (libsrt alike).
        const std::int64_t accounted = out_.delivered + out_.counted_dropped;
        if (accounted < last_delivered_index_ + 1 || accounted > out_.sent)
            fail("delivered ", std::to_string(out_.delivered), " + counted dropped ",
                 std::to_string(out_.counted_dropped), " does not account for the ",
                 std::to_string(last_delivered_index_ + 1), " messages up to the last delivered (",
                 std::to_string(out_.sent), " sent)");
        if (static_cast<std::uint64_t>(sender->total.pktSent) != sim_.data_datagrams_sent(caller_))
            fail("pktSent ", std::to_string(sender->total.pktSent), " but the link carried ",
                 std::to_string(sim_.data_datagrams_sent(caller_)), " data packets");
        if (static_cast<std::uint64_t>(receiver->total.pktRecv) != sim_.data_datagrams_received(listener_))
            fail("pktRecv ", std::to_string(receiver->total.pktRecv), " but the link delivered ",
                 std::to_string(sim_.data_datagrams_received(listener_)), " data packets");
        // Bounded buffers: once the stream has played out, nothing is left anywhere.
        if (sender->pktSndBuf != 0) fail("sender buffer still holds ", std::to_string(sender->pktSndBuf), " packets");
        if (receiver->pktRcvBuf != 0)
            fail("receiver buffer still holds ", std::to_string(receiver->pktRcvBuf), " packets");
    }

    const LiveScenario& s_;
    LiveOutcome out_;
    Simulator sim_;
    int listener_ = -1;
    int caller_ = -1;
    core::ConnectionId caller_id_ = 0;
    core::ConnectionId listener_id_ = 0;
    struct Timing {
        std::uint32_t index;
        Micros sent;
        Micros delivered;
    };
    std::vector<Timing> timing_;
    std::int64_t last_delivered_index_ = -1;
    std::map<std::uint32_t, Micros> first_arrival_;
    std::map<int, Micros> last_arrival_;     // node → when a datagram last reached it
    std::map<int, Micros> longest_silence_;  // node → the longest time nothing reached it

    /// Extends the node's longest silence up to now, measured from its last arrival (the handshake
    /// reaches both nodes first, so no silence goes unmeasured before it).
    void note_silence(int node) {
        const auto last = last_arrival_.find(node);
        if (last != last_arrival_.end())
            longest_silence_[node] = std::max(longest_silence_[node], sim_.now() - last->second);
    }
    wire::SeqNo isn_;
};

}  // namespace

LiveOutcome run_live(const LiveScenario& scenario, std::uint64_t seed) { return Run(scenario, seed).go(); }

std::vector<LiveScenario> standard_live_scenarios() {
    const auto lossy = [](std::string name, double loss_percent) {
        LiveScenario s;
        s.name = std::move(name);
        s.loss_percent = loss_percent;
        return s;
    };
    std::vector<LiveScenario> all;
    for (const int loss : {5, 10, 20, 30}) all.push_back(lossy(std::to_string(loss) + " % random loss", loss));

    auto s = lossy("10 % random loss, latency >= 4 RTT", 10);
    s.min_latency_rtts = 4;
    s.min_mean_delivery_ratio = 0.999;
    all.push_back(s);

    s = lossy("5 % loss in bursts of 8", 5);
    s.burst_length = 8;
    all.push_back(s);

    s = lossy("5 % loss, 10 ms jitter, 2 % reordered", 5);
    s.jitter = core::milliseconds(10);
    s.reorder_percent = 2;
    s.max_delay_spread = core::milliseconds(2) + 2 * s.jitter;
    all.push_back(s);

    s = lossy("5 % loss, 5 % duplicated", 5);
    s.duplicate_percent = 5;
    all.push_back(s);

    // 200 s of stream: uncorrected, 100 ppm would move the delivery by 20 ms. The drift tracer
    // (libsrt DriftTracer) moves the base in 5 ms steps once the average passes 5 ms, so the
    // delay stays within about ±5 ms of its start.
    for (const int ppm : {100, -100}) {
        s = lossy("receiver clock " + std::string(ppm > 0 ? "+" : "") + std::to_string(ppm) + " ppm, 200 s", 2);
        s.receiver_drift_ppm = ppm;
        s.messages = 4000;
        s.interval = core::milliseconds(50);
        s.max_delay_spread = core::milliseconds(11);
        all.push_back(s);
    }

    // 1316-byte messages every 2 ms are 5.3 Mbit/s of payload. In 6 s the link's 500 ms queue
    // fills and tail-drops; latencies up to 3 × 100 ms cannot hide that.
    s = lossy("rate limit 4 Mbit/s under a 5.3 Mbit/s stream", 0);
    s.forward_rate_mbit = 4;
    s.max_rtt = core::milliseconds(100);
    s.max_latency_rtts = 3;
    s.messages = 3000;
    s.expect_drops = true;
    all.push_back(s);

    s = lossy("5 % loss, 1 % corrupted, 1 % truncated", 5);
    s.corrupt_percent = 1;
    s.truncate_percent = 1;
    // A damaged timestamp must not stall the stream (it once held back everything after it).
    s.min_seed_delivery_ratio = 0.95;
    all.push_back(s);

    // The ISN 500 below 2³¹: the 31-bit sequence numbers wrap to 0 in the middle of the stream.
    s = lossy("5 % loss, sequence numbers wrap mid-stream", 5);
    s.initial_seq = 0x7FFF'FFFFu - 500;
    all.push_back(s);

    // Issue 4's "key refresh under loss": 2000 packets, a new key every 200 (announced 50 ahead)
    // from a sender whose announcements and their answers are lost like anything else.
    s = lossy("10 % loss, AES-128 key refresh every 200 packets", 10);
    s.passphrase = "websrt-simulated-secret";
    s.km_refresh_rate_pkts = 200;
    s.km_preannounce_pkts = 50;
    s.messages = 2000;
    all.push_back(s);

    // AES-GCM authenticates every packet: a damaged one is dropped and comes again, so even on a
    // corrupting link every delivered message is intact.
    s = lossy("5 % loss, 1 % corrupted, 1 % truncated, AES-128-GCM", 5);
    s.corrupt_percent = 1;
    s.truncate_percent = 1;
    s.passphrase = "websrt-simulated-secret";
    s.aes_gcm = true;
    s.min_seed_delivery_ratio = 0.95;
    all.push_back(s);

    // The stream starts 2 s before the 32-bit microsecond timestamps wrap (71.6 min in).
    s = lossy("5 % loss, timestamps wrap mid-stream", 5);
    s.idle_before_stream = (Micros{1} << 32) - core::seconds(2);
    s.max_seeds = 20;
    all.push_back(s);

    // The fec packet filter, 10 × 5 staircase (libsrt's layout default): alone (arq:never), where
    // what it cannot rebuild is dropped; with one NAK for what it gives up on (arq:onreq, libsrt's
    // default); and beside SRT's own retransmission (arq:always). The table's overhead column
    // counts FEC packets with retransmissions.
    for (const int loss : {1, 5, 10}) {
        s = lossy(std::to_string(loss) + " % loss, FEC 10x5 alone (arq:never)", loss);
        s.packet_filter = "fec,cols:10,rows:5,arq:never";
        all.push_back(s);
    }
    for (const char* arq : {"onreq", "always"})
        for (const int loss : {1, 5, 10}) {
            s = lossy(std::to_string(loss) + " % loss, FEC 10x5 and ARQ (arq:" + arq + ")", loss);
            s.packet_filter = std::string("fec,cols:10,rows:5,arq:") + arq;
            all.push_back(s);
        }
    // Rows only, across the sequence number wrap, with AES-CTR: rebuilt packets decrypt.
    s = lossy("5 % loss, FEC rows of 5, AES-128, sequence wrap", 5);
    s.packet_filter = "fec,cols:5,arq:always";
    s.passphrase = "websrt-simulated-secret";
    s.initial_seq = 0x7FFF'FFFFu - 500;
    all.push_back(s);
    return all;
}

}  // namespace websrt::sim
