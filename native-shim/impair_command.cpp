// The relay: the first peer that sends to --listen becomes the client; its datagrams go to --to
// through one LinkImpairment, the answers come back through another (seed and seed + 1).
#include "impair_command.hpp"

#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "link_impairment.hpp"
#include "udp_driver.hpp"

namespace websrt::native {

namespace {

namespace asio = boost::asio;
using asio::ip::udp;

struct ImpairOptions {
    std::string listen;
    std::string to;
    std::string loss = "0";
    double burst = 1;
    double delay_ms = 0;
    double jitter_ms = 0;
    std::string reorder = "0";
    std::string duplicate = "0";
    double rate_mbit = 0;
    std::uint64_t seed = 1;
};

/// "5" or "5%" → 5.0; a bad value is a usage error.
double parse_percent(const std::string& text, const char* option) {
    std::string digits = text;
    if (!digits.empty() && digits.back() == '%') digits.pop_back();
    std::size_t used = 0;
    double value = -1;
    try {
        value = std::stod(digits, &used);
    } catch (const std::exception&) {}
    if (used != digits.size() || value < 0 || value > 100)
        throw CLI::ValidationError(option, "expects a percentage from 0 to 100, got '" + text + "'");
    return value;
}

udp::endpoint parse_endpoint(asio::io_context& io, const std::string& text, const char* option) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) throw CLI::ValidationError(option, "expects HOST:PORT, got '" + text + "'");
    std::string host = text.substr(0, colon);
    if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    udp::resolver resolver(io);
    const auto results = resolver.resolve(host.empty() ? "0.0.0.0" : host, text.substr(colon + 1));
    return *results.begin();
}

class Relay {
public:
    Relay(asio::io_context& io, udp::endpoint listen, udp::endpoint target, const ImpairmentConfig& config)
        : listen_socket_(io, listen),
          target_socket_(io, udp::endpoint(target.protocol(), 0)),
          target_(target),
          to_target_(config),
          to_client_([&] {
              ImpairmentConfig back = config;
              back.seed = config.seed + 1;
              return back;
          }()),
          timer_(io) {
        boost::system::error_code ignored;
        for (auto* socket : {&listen_socket_, &target_socket_}) {
            socket->set_option(asio::socket_base::receive_buffer_size(8 << 20), ignored);
            socket->set_option(asio::socket_base::send_buffer_size(8 << 20), ignored);
        }
        receive_from_client();
        receive_from_target();
    }

    [[nodiscard]] nlohmann::ordered_json counters() const {
        const auto to_json = [](const ImpairmentCounters& c) {
            return nlohmann::ordered_json{{"submitted", c.submitted},         {"dropped", c.dropped},
                                          {"queue_dropped", c.queue_dropped}, {"duplicated", c.duplicated},
                                          {"reordered", c.reordered},         {"corrupted", c.corrupted},
                                          {"delivered", c.delivered}};
        };
        auto to_target = to_json(to_target_.counters());
        // SRT data packets from the client (F bit clear, draft-sharabayko-srt §3.1): less the
        // messages a benchmark sent, they are its retransmissions, counted the same for any peer.
        to_target["srt_data_packets"] = client_data_packets_;
        return {{"to_target", to_target}, {"to_client", to_json(to_client_.counters())}};
    }

private:
    void receive_from_client() {
        listen_socket_.async_receive_from(asio::buffer(client_buffer_), sender_, [this](auto error, std::size_t size) {
            if (error == asio::error::operation_aborted) return;
            if (!error) {
                if (!client_) client_ = sender_;
                if (sender_ == *client_) {
                    if (size > 0 && (client_buffer_[0] & 0x80) == 0) ++client_data_packets_;
                    to_target_.submit(steady_now(), {client_buffer_.data(), size});
                }
                release();
            }
            receive_from_client();
        });
    }

    void receive_from_target() {
        target_socket_.async_receive_from(asio::buffer(target_buffer_), target_sender_,
                                          [this](auto error, std::size_t size) {
                                              if (error == asio::error::operation_aborted) return;
                                              if (!error && client_) {
                                                  to_client_.submit(steady_now(), {target_buffer_.data(), size});
                                                  release();
                                              }
                                              receive_from_target();
                                          });
    }

    /// Sends everything due, then sleeps until the next datagram is.
    void release() {
        const core::Micros now = steady_now();
        boost::system::error_code ignored;
        while (to_target_.pop_ready(now, scratch_)) target_socket_.send_to(asio::buffer(scratch_), target_, 0, ignored);
        while (client_ && to_client_.pop_ready(now, scratch_))
            listen_socket_.send_to(asio::buffer(scratch_), *client_, 0, ignored);
        std::optional<core::Micros> next = to_target_.next_release();
        if (const auto back = to_client_.next_release(); back && (!next || *back < *next)) next = back;
        if (!next) return;
        timer_.expires_after(std::chrono::microseconds(std::max<core::Micros>(*next - now, 0)));
        timer_.async_wait([this](auto error) {
            if (!error) release();
        });
    }

    udp::socket listen_socket_;
    udp::socket target_socket_;
    udp::endpoint target_;
    std::optional<udp::endpoint> client_;
    udp::endpoint sender_;
    udp::endpoint target_sender_;
    LinkImpairment to_target_;
    LinkImpairment to_client_;
    asio::steady_timer timer_;
    std::array<std::uint8_t, 65536> client_buffer_{};
    std::array<std::uint8_t, 65536> target_buffer_{};
    std::vector<std::uint8_t> scratch_;
    std::uint64_t client_data_packets_ = 0;
};

int run_impair(const ImpairOptions& options) {
    asio::io_context io;
    ImpairmentConfig config;
    try {
        config.loss_percent = parse_percent(options.loss, "--loss");
        config.reorder_percent = parse_percent(options.reorder, "--reorder");
        config.duplicate_percent = parse_percent(options.duplicate, "--dup");
    } catch (const CLI::ValidationError& e) {
        std::cerr << "websrt impair: " << e.what() << std::endl;
        return 2;
    }
    config.burst_length = options.burst;
    config.delay = static_cast<core::Micros>(options.delay_ms * 1000);
    config.jitter = static_cast<core::Micros>(options.jitter_ms * 1000);
    config.rate_mbit = options.rate_mbit;
    config.seed = options.seed;
    try {
        const auto listen = parse_endpoint(io, options.listen, "--listen");
        const auto target = parse_endpoint(io, options.to, "--to");
        Relay relay(io, listen, target, config);
        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](auto, int) { io.stop(); });
        std::cerr << "impair: relaying " << options.listen << " <-> " << options.to << std::endl;
        io.run();
        std::cerr << relay.counters().dump() << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "websrt impair: " << e.what() << std::endl;
        return 1;
    }
}

}  // namespace

void register_impair_command(CLI::App& app, CommandJob& job) {
    auto options = std::make_shared<ImpairOptions>();
    CLI::App* command = app.add_subcommand("impair", "A lossy UDP relay for tests and benchmarks (both directions)");
    command->add_option("--listen", options->listen, "HOST:PORT the client sends to")->required();
    command->add_option("--to", options->to, "HOST:PORT the datagrams are relayed to")->required();
    command->add_option("--loss", options->loss, "percentage of datagrams lost (5 or 5%)");
    command->add_option("--burst", options->burst, "mean loss burst length in datagrams")
        ->check(CLI::Range(1.0, 1000.0));
    command->add_option("--delay", options->delay_ms, "one-way delay in ms")->check(CLI::Range(0.0, 60000.0));
    command
        ->add_option("--jitter", options->jitter_ms,
                     "extra random delay up to this many ms (order kept; see --reorder)")
        ->check(CLI::Range(0.0, 60000.0));
    command->add_option("--reorder", options->reorder, "percentage of datagrams held back behind later ones");
    command->add_option("--dup", options->duplicate, "percentage of datagrams duplicated");
    command->add_option("--rate", options->rate_mbit, "rate limit in Mbit/s (0: none)")
        ->check(CLI::Range(0.0, 100000.0));
    command->add_option("--seed", options->seed, "seed of the impairment model");
    command->callback([options, &job] { job = [options] { return run_impair(*options); }; });
}

}  // namespace websrt::native
