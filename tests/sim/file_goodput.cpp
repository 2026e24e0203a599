// File-mode goodput on the simulator: one transfer per link (rate, loss, RTT), websrt's FileCC
// sender to a websrt receiver, and the goodput as a share of the link's rate. The benchmarks'
// "file" section prints these rows (bench/run.py); libsrt has no simulator to run the same rows.
//
//   websrt_sim_file [--size BYTES] [--rates 10,100] [--losses 0,1,5,10] [--rtts 20,100,200] [--limit SECONDS]
//                   [--trace 1]
//
// --trace 1 prints the sender's period, flight and rates every half second on stderr (to see why
// a row is slow).
// Each row is one JSON object on a line of its own:
//   {"rate_mbit":…, "loss":…, "rtt_ms":…, "delivered":…, "seconds":…, "goodput_mbit":…, "finished":…}
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "link_impairment.hpp"
#include "simulator.hpp"

using namespace websrt;
using namespace websrt::core;

namespace {

std::vector<double> list(const std::string& text) {
    std::vector<double> values;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) values.push_back(std::strtod(item.c_str(), nullptr));
    return values;
}

struct Row {
    std::size_t delivered = 0;
    double seconds = 0;
    bool finished = false;
    std::int64_t unique = 0;  // data packets sent once
    std::int64_t resent = 0;  // ... and again
};

/// Sends `size` bytes from a caller to a listener over links of `rate_mbit` (forward; the return
/// path is unlimited), `loss` % each way and `rtt_ms`; runs until everything is acknowledged and
/// the sender closed, or `limit` of simulated time.
Row transfer(std::size_t size, double rate_mbit, double loss, double rtt_ms, Micros limit, std::uint64_t seed,
             bool trace) {
    sim::Simulator simulator;
    ConnectionConfig config;
    use_file_mode(config);
    const int listener = simulator.add_node(SocketAddress::v4(127, 0, 0, 1, 9000), seed);
    const int caller = simulator.add_node(SocketAddress::v4(127, 0, 0, 2, 40000), seed + 1);
    native::ImpairmentConfig link;
    link.delay = static_cast<Micros>(rtt_ms * 1000 / 2);
    link.loss_percent = loss;
    link.rate_mbit = rate_mbit;
    link.seed = seed;
    simulator.set_link(caller, listener, link);
    link.rate_mbit = 0;
    link.seed = seed + 100;
    simulator.set_link(listener, caller, link);
    if (simulator.endpoint(listener).listen(config)) return {};
    const auto id = simulator.endpoint(caller).connect(simulator.now(), simulator.address(listener), config);
    if (!id) return {};
    const auto has = [&](int node, EventKind kind) {
        for (const Event& e : simulator.events(node))
            if (e.kind == kind) return true;
        return false;
    };
    for (int i = 0; i < 200 && !has(caller, EventKind::connected); ++i) simulator.run_for(milliseconds(50));
    const Micros start = simulator.now();
    const std::vector<std::uint8_t> chunk(limits::max_live_payload, 0x5a);
    std::size_t sent = 0;
    bool closing = false;
    while (!has(caller, EventKind::closed) && simulator.now() - start < limit) {
        while (sent < size) {
            const std::size_t n = std::min(chunk.size(), size - sent);
            if (simulator.endpoint(caller).send(*id, simulator.now(), {chunk.data(), n}) != SendOutcome::ok) break;
            sent += n;
        }
        if (sent == size && !closing) {
            simulator.endpoint(caller).close(*id, simulator.now(), true);
            closing = true;
        }
        simulator.run_for(milliseconds(1));
        if (trace && (simulator.now() - start) % milliseconds(500) == 0)
            if (const auto st = simulator.endpoint(caller).stats(*id, simulator.now(), false))
                std::fprintf(stderr,
                             "t=%.1f s period=%.0f us flight=%d pkts rtt=%.1f ms bandwidth=%.1f Mbit/s sent=%lld\n",
                             static_cast<double>(simulator.now() - start) / 1e6, st->usPktSndPeriod, st->pktFlightSize,
                             st->msRTT, st->mbpsBandwidth, static_cast<long long>(st->total.pktSent));
    }
    Row row;
    row.seconds = static_cast<double>(simulator.now() - start) / 1e6;
    for (const sim::Delivery& d : simulator.deliveries(listener)) row.delivered += d.message.size();
    row.finished = row.delivered == size && has(caller, EventKind::closed);
    for (const Event& e : simulator.events(caller))
        if (e.kind == EventKind::closed && e.stats) {
            row.unique = e.stats->total.pktSentUnique;
            row.resent = e.stats->total.pktRetrans;
        }
    if (!row.finished)
        if (const auto stats = simulator.endpoint(caller).stats(*id, simulator.now(), false)) {
            row.unique = stats->total.pktSentUnique;
            row.resent = stats->total.pktRetrans;
        }
    return row;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t size = 5'000'000;
    std::vector<double> rates{10, 100};
    std::vector<double> losses{0, 1, 5, 10};
    std::vector<double> rtts{20, 100, 200};
    double limit_seconds = 120;
    bool trace = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        const std::string value = argv[i + 1];
        if (arg == "--size")
            size = std::strtoull(value.c_str(), nullptr, 10);
        else if (arg == "--rates")
            rates = list(value);
        else if (arg == "--losses")
            losses = list(value);
        else if (arg == "--rtts")
            rtts = list(value);
        else if (arg == "--limit")
            limit_seconds = std::strtod(value.c_str(), nullptr);
        else if (arg == "--trace")
            trace = value == "1";
        else {
            std::fprintf(stderr,
                         "usage: websrt_sim_file [--size B] [--rates A,B] [--losses A,B] [--rtts A,B] [--limit S] "
                         "[--trace 1]\n");
            return 2;
        }
    }
    const auto limit = static_cast<Micros>(limit_seconds * 1e6);
    for (const double rate : rates)
        for (const double rtt : rtts)
            for (const double loss : losses) {
                const Row row = transfer(size, rate, loss, rtt, limit, 7, trace);
                std::printf(
                    "{\"rate_mbit\": %g, \"loss\": %g, \"rtt_ms\": %g, \"delivered\": %zu, \"seconds\": %.3f, "
                    "\"goodput_mbit\": %.2f, \"retransmitted\": %.3f, \"finished\": %s}\n",
                    rate, loss, rtt, row.delivered, row.seconds,
                    row.seconds > 0 ? static_cast<double>(row.delivered) * 8 / row.seconds / 1e6 : 0.0,
                    row.unique > 0 ? static_cast<double>(row.resent) / static_cast<double>(row.unique) : 0.0,
                    row.finished ? "true" : "false");
                std::fflush(stdout);
            }
    return 0;
}
