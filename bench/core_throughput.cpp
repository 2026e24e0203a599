// The core alone at 10 Gbit/s: a caller and a listener Endpoint joined in-process by a simulated
// 10 Gbit/s link (serialisation at the link rate, 100 µs each way) on a virtual clock, the caller's
// application offering 1316-byte live messages as fast as the link carries them. Nothing sleeps
// and nothing touches a socket, so the run measures only what the core costs per packet.
// The same source builds natively and with Emscripten (run with node), so the two compare.
//
//   websrt_core_bench [--packets N] [--passphrase SECRET] [--gcm] [--packet-filter SPEC]
// prints one JSON object: packets sent and delivered, the CPU seconds of the run loop (std::clock:
// process CPU time natively; under Emscripten, time since start, which for this loop that never
// waits is the same), and packets per CPU second, both ends together. With a packet filter
// (SRTO_PACKETFILTER, e.g. fec,cols:10,rows:5), the messages come slower by the FEC packets'
// share, so that both fit the link.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "core/endpoint.hpp"
#include "core/packet_filter_config.hpp"
#include "core/random_source.hpp"

namespace {

using websrt::core::Micros;

constexpr double link_bits_per_second = 10e9;
constexpr Micros propagation_us = 100;
constexpr std::size_t message_size = 1316;  // libsrt's live payload (7 × 188-byte TS packets)

struct InFlight {
    Micros arrives;
    std::vector<std::uint8_t> bytes;
};

/// One direction of the link: FIFO, serialised at the link rate, then the propagation delay.
struct Link {
    std::deque<InFlight> queue;
    double free_at = 0;                            // when the serialiser is free, in µs
    std::vector<std::vector<std::uint8_t>> spare;  // recycled buffers: no allocation per packet

    void carry(Micros now, const std::uint8_t* data, std::size_t size) {
        free_at = std::max(free_at, static_cast<double>(now)) +
                  (static_cast<double>(size) + 28) * 8 / link_bits_per_second * 1e6;
        std::vector<std::uint8_t> bytes;
        if (!spare.empty()) {
            bytes = std::move(spare.back());
            spare.pop_back();
        }
        bytes.assign(data, data + size);
        queue.push_back({static_cast<Micros>(free_at) + propagation_us, std::move(bytes)});
    }
};

struct Side {
    websrt::core::Endpoint& endpoint;
    websrt::core::SocketAddress address;
    Link& outgoing;
};

void flush(Side& side, Micros now, std::vector<std::uint8_t>& scratch) {
    while (auto transmit = side.endpoint.poll_transmit(now, scratch))
        side.outgoing.carry(now, scratch.data(), transmit->size);
}

/// Link packets per message: one, plus a row FEC packet per `cols` and a column one per column
/// depth; nothing for a filter other than FEC.
std::optional<double> link_packets_per_message(const std::string& packet_filter) {
    if (packet_filter.empty()) return 1.0;
    const auto spec = websrt::core::parse_filter_spec(packet_filter);
    if (!spec) return std::nullopt;
    const auto fec = websrt::core::fec_config_of(*spec, true);
    if (!fec) return std::nullopt;
    double share = 1;
    if (fec->sends_rows()) share += 1.0 / fec->cols;
    if (fec->has_columns()) share += 1.0 / fec->column_depth();
    return share;
}

}  // namespace

int main(int argc, char** argv) {
    long packets = 200000;
    websrt::core::ConnectionConfig config;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--packets" && i + 1 < argc)
            packets = std::atol(argv[++i]);
        else if (arg == "--passphrase" && i + 1 < argc)
            config.passphrase = argv[++i];
        else if (arg == "--gcm")
            config.crypto_mode = websrt::core::CryptoMode::aes_gcm;
        else if (arg == "--packet-filter" && i + 1 < argc)
            config.packet_filter = argv[++i];
        else {
            std::fprintf(
                stderr,
                "usage: websrt_core_bench [--packets N] [--passphrase SECRET] [--gcm] [--packet-filter SPEC]\n");
            return 2;
        }
    }
    const auto link_share = link_packets_per_message(config.packet_filter);
    if (!link_share) {
        std::fprintf(stderr, "core_throughput: not an FEC filter: %s\n", config.packet_filter.c_str());
        return 2;
    }
    // Enough buffer for 10 Gbit/s: 20 ms of latency is ~19000 packets in flight and buffered.
    config.receiver_latency_ms = 20;
    config.max_bw_bytes_per_s = static_cast<std::int64_t>(link_bits_per_second / 8 * 1.1);
    config.flight_window_pkts = 65536;
    config.send_buffer_pkts = 65536;
    config.receive_buffer_pkts = 65536;

    websrt::core::SeededRandom caller_random(1), listener_random(2);
    websrt::core::Endpoint caller(caller_random), listener(listener_random);
    Link forward, backward;
    Side caller_side{caller, websrt::core::SocketAddress::v4(10, 0, 0, 1, 5000), forward};
    Side listener_side{listener, websrt::core::SocketAddress::v4(10, 0, 0, 2, 9000), backward};
    if (const auto refused = listener.listen(config)) {
        std::fprintf(stderr, "core_throughput: %s\n", refused->c_str());
        return 2;
    }

    Micros now = 0;
    const auto id = caller.connect(now, listener_side.address, config).value();
    std::vector<std::uint8_t> scratch(1500), received(1500);
    std::vector<std::uint8_t> message(message_size, 0x47);
    websrt::core::ConnectionId accepted = 0;
    bool connected = false;
    long sent = 0, delivered = 0, refused = 0;
    const auto interval_ns =
        static_cast<Micros>(*link_share * (message_size + 16 + 28) * 8 / link_bits_per_second * 1e9);
    Micros next_send_ns = 0;

    const std::clock_t started = std::clock();
    // Virtual time: the run ends 200 ms after the last message (10 × the latency: all played out),
    // or after a minute when it stalls.
    const Micros give_up = 60'000'000;
    Micros last_sent_at = give_up;
    Micros connected_at = 0;
    while (now < give_up && now < last_sent_at + 200'000) {
        // Deliver what has arrived by now, both ways.
        for (auto* link : {&forward, &backward}) {
            auto& to = link == &forward ? listener : caller;
            const auto from = link == &forward ? caller_side.address : listener_side.address;
            while (!link->queue.empty() && link->queue.front().arrives <= now) {
                auto& front = link->queue.front();
                to.handle_datagram(now, from, front.bytes);
                link->spare.push_back(std::move(front.bytes));
                link->queue.pop_front();
            }
        }
        if (auto deadline = caller.next_timeout(); deadline && *deadline <= now) caller.handle_timeout(now);
        if (auto deadline = listener.next_timeout(); deadline && *deadline <= now) listener.handle_timeout(now);
        while (auto event = caller.poll_event()) {
            if (!connected && event->kind == websrt::core::EventKind::connected) connected_at = now;
            connected = connected || event->kind == websrt::core::EventKind::connected;
        }
        while (auto event = listener.poll_event())
            if (event->kind == websrt::core::EventKind::accepted) accepted = event->connection;
        // The application: a message whenever the link has room for one.
        while (connected && sent < packets && next_send_ns <= now * 1000) {
            std::memcpy(message.data(), &sent, sizeof sent);
            const auto outcome = caller.send(id, now, message);
            if (outcome != websrt::core::SendOutcome::ok) {
                ++refused;  // send buffer full: the core is behind the link
                break;
            }
            ++sent;
            next_send_ns += interval_ns;
            if (sent == packets) last_sent_at = now;
        }
        while (accepted) {
            const auto size = listener.receive(accepted, now, received);
            if (!size) break;
            ++delivered;
        }
        flush(caller_side, now, scratch);
        flush(listener_side, now, scratch);
        // Advance to the next thing that happens.
        Micros next = give_up;
        for (auto* link : {&forward, &backward})
            if (!link->queue.empty()) next = std::min(next, link->queue.front().arrives);
        if (auto deadline = caller.next_timeout()) next = std::min(next, *deadline);
        if (auto deadline = listener.next_timeout()) next = std::min(next, *deadline);
        if (connected && sent < packets) next = std::min(next, (next_send_ns + 999) / 1000);
        now = std::max(now + (next <= now ? 1 : 0), next);
    }
    const double seconds = static_cast<double>(std::clock() - started) / CLOCKS_PER_SEC;
    const auto stats = caller.stats(id, now, false).value_or(websrt::core::ConnectionStats{});
    std::printf(
        "{\"packets\":%ld,\"delivered\":%ld,\"retransmitted\":%lld,\"send_refused\":%ld,\"simulated_seconds\":%.3f,"
        "\"cpu_seconds\":%.3f,\"packets_per_cpu_second\":%.0f,\"simulated_gbit\":%.2f,\"encrypted\":%s}\n",
        sent, delivered, static_cast<long long>(stats.total.pktRetrans), refused, static_cast<double>(now) / 1e6,
        seconds, static_cast<double>(sent) / seconds,
        // The stream's own rate: from the connection to its last message.
        static_cast<double>(stats.total.byteSent) * 8 / (static_cast<double>(last_sent_at - connected_at) / 1e6) / 1e9,
        config.passphrase.empty() ? "false" : "true");
    return delivered == sent ? 0 : 1;
}
