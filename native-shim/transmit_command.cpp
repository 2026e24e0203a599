// The transmit command: one SRT side (caller or listener) and one plain side (UDP, the console or
// a file), driven by one io_context. Exit status: 0 when the input ended and everything sent was
// acknowledged, or the SRT peer closed cleanly; 1 with a one-line reason on a rejection, a
// timeout, a lost peer or a file that cannot be read or written; 2 for a bad URI or usage.
#include "transmit_command.hpp"

#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <memory>
#include <unistd.h>

#include "core/media_uri.hpp"
#include "core/random_source.hpp"
#include "core/stats_line.hpp"
#include "core/transmit_report.hpp"
#include "input_reader.hpp"
#include "udp_driver.hpp"

namespace websrt::native {

namespace {

namespace asio = boost::asio;
using asio::ip::udp;

struct TransmitOptions {
    std::string input;
    std::string output;
    int stats_every_ms = 0;
    std::string stats_format = "json";
    bool quiet = false;
    std::string reject_stream_id;
    double timeout_s = 0;
};

class Transmitter {
public:
    Transmitter(TransmitOptions options, core::SrtUri srt, bool srt_is_input, core::MediaUri other)
        : options_(std::move(options)),
          srt_(std::move(srt)),
          srt_is_input_(srt_is_input),
          other_(std::move(other)),
          endpoint_(random_),
          stats_timer_(io_),
          deadline_timer_(io_),
          signals_(io_, SIGINT, SIGTERM) {}

    int run() {
        try {
            start();
            io_.run();
        } catch (const std::exception& e) {
            finish(1, e.what());
        }
        close_output_file();
        if (options_.stats_every_ms > 0 && connection_) print_stats();
        // Datagrams the port threw away before any connection saw them, and callers turned away.
        if (const std::string dropped = endpoint_.counters().summary(); !dropped.empty())
            info("datagrams and callers not taken: " + dropped);
        if (srt_is_input_ && last_stats_) outcome_.line += core::receiver_drops_note(last_stats_->total.pktRcvDrop);
        if (!outcome_.line.empty() && (outcome_.status != 0 || !options_.quiet))
            std::cerr << "websrt transmit: " << outcome_.line << std::endl;
        return outcome_.status;
    }

    /// Whether a thread reads its input (standard input or a file; that thread may outlive the
    /// transfer).
    [[nodiscard]] bool reads_input() const { return input_ != nullptr; }

private:
    void info(const std::string& line) {
        if (!options_.quiet) std::cerr << "websrt transmit: " << line << std::endl;
    }

    /// Ends the transfer with a status and its line; the io_context stops and run() returns it.
    void finish(int status, std::string line) { finish(core::TransferEnd{status, std::move(line)}); }
    void finish(core::TransferEnd end) {
        if (finished_) return;
        flush_output();  // what was delivered before the end is written
        finished_ = true;
        // A failed write ends the transfer whatever else ended it meanwhile (see write_output).
        outcome_ = output_error_ ? core::TransferEnd{1, *output_error_} : std::move(end);
        if (connection_)
            if (auto stats = endpoint_.stats(*connection_, steady_now(), false)) last_stats_ = stats;
        if (connection_ && endpoint_.connection(*connection_)) {
            endpoint_.close(*connection_, steady_now(), false);
            if (driver_) driver_->service();  // the SHUTDOWN goes out before we stop
        }
        if (driver_) driver_->stop();
        io_.stop();
    }

    udp::endpoint resolve(const std::string& host, std::uint16_t port, bool passive) {
        udp::resolver resolver(io_);
        const auto flags = passive ? udp::resolver::passive : udp::resolver::flags{};
        const auto results = resolver.resolve(host.empty() ? "0.0.0.0" : host, std::to_string(port), flags);
        if (results.empty()) throw std::runtime_error("cannot resolve '" + host + "'");
        return *results.begin();
    }

    void start() {
        signals_.async_wait([this](const boost::system::error_code& error, int) {
            if (!error) finish(0, "interrupted");
        });
        if (options_.timeout_s > 0) {
            deadline_timer_.expires_after(std::chrono::milliseconds(static_cast<int>(options_.timeout_s * 1000)));
            deadline_timer_.async_wait([this](const boost::system::error_code& error) {
                if (!error) finish(1, "timed out after " + std::to_string(options_.timeout_s) + " s (--timeout)");
            });
        }
        start_plain_side();
        start_srt_side();
        // Socket ids, sequence numbers and cookies came from the system's generator.
        if (!random_.healthy()) throw std::runtime_error("the system's random number generator failed");
        if (options_.stats_every_ms > 0) arm_stats();
    }

    // ---- the plain side: console, file or UDP ----

    void start_plain_side() {
        const std::size_t payload = static_cast<std::size_t>(srt_.config.payload_size);
        if (const auto* file = std::get_if<core::FileUri>(&other_)) {
            // Opened before the SRT side starts: a path that cannot be used ends the command at once.
            if (srt_is_input_) {
                output_name_ = "file '" + file->path + "'";
                output_fd_ = ::open(file->path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                if (output_fd_ < 0)
                    throw std::runtime_error("cannot create output " + output_name_ + ": " + std::strerror(errno));
            } else {
                const std::string name = "file '" + file->path + "'";
                const int fd = ::open(file->path.c_str(), O_RDONLY | O_CLOEXEC);
                if (fd < 0) throw std::runtime_error("cannot open input " + name + ": " + std::strerror(errno));
                input_ =
                    std::make_unique<InputReader>(io_, InputSource{fd, name, true}, payload, 256, [this] { pump(); });
            }
            return;
        }
        if (std::holds_alternative<core::UdpUri>(other_)) {
            const auto& uri = std::get<core::UdpUri>(other_);
            if (srt_is_input_) {
                udp_target_ = resolve(uri.host.empty() ? "127.0.0.1" : uri.host, uri.port, false);
                udp_socket_.emplace(io_, udp_target_.protocol());
                if (uri.adapter) udp_socket_->bind(udp::endpoint(asio::ip::make_address(*uri.adapter), 0));
            } else {
                const auto bind_to = resolve(uri.adapter.value_or(uri.host), uri.port, true);
                udp_socket_.emplace(io_, bind_to.protocol());
                udp_socket_->set_option(udp::socket::reuse_address(true));
                udp_socket_->bind(bind_to);
                udp_buffer_.resize(65536);
                receive_udp();
            }
        } else if (!srt_is_input_) {
            input_ = std::make_unique<InputReader>(io_, InputSource{STDIN_FILENO, "standard input", false}, payload,
                                                   256, [this] { pump(); });
        }
    }

    void receive_udp() {
        udp_socket_->async_receive_from(
            asio::buffer(udp_buffer_), udp_sender_, [this](const boost::system::error_code& error, std::size_t size) {
                if (error == asio::error::operation_aborted || finished_) return;
                if (!error && connection_) {
                    // UDP input is live and lossy by nature: a datagram that finds no room is dropped.
                    const std::size_t payload = static_cast<std::size_t>(srt_.config.payload_size);
                    for (std::size_t offset = 0; offset < size; offset += payload)
                        endpoint_.send(*connection_, steady_now(),
                                       wire::Bytes(udp_buffer_.data() + offset, std::min(payload, size - offset)));
                    driver_->service();
                }
                receive_udp();
            });
    }

    void write_output(wire::Bytes message) {
        if (udp_socket_) {
            boost::system::error_code ignored;
            udp_socket_->send_to(asio::buffer(message.data(), message.size()), udp_target_, 0, ignored);
            return;
        }
        if (finished_ || output_error_) return;  // a write failed: the rest goes nowhere
        // Gathered and written once the event loop's current handler is done, which delivers
        // every message due: one write per packet was the receiver's largest cost at high rates
        // (a system call per 1456 bytes, 69,000 a second at 800 Mbit/s).
        if (pending_output_.empty()) asio::post(io_, [this] { flush_output(); });
        pending_output_.insert(pending_output_.end(), message.begin(), message.end());
        if (pending_output_.size() >= max_pending_output) flush_output();
    }

    void flush_output() {
        if (finished_ || output_error_) {
            pending_output_.clear();
            return;
        }
        const wire::Bytes message(pending_output_);
        std::size_t written = 0;
        while (written < message.size()) {
            const ssize_t n = ::write(output_fd_, message.data() + written, message.size() - written);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                output_error_ = output_fd_ == STDOUT_FILENO ? "cannot write to standard output"
                                                            : "cannot write to output " + output_name_ + ": " +
                                                                  std::strerror(n < 0 ? errno : ENOSPC);
                // Not finish() here: this runs inside the driver's delivery loop over its open
                // connections, and finish() closes ours (a nested service() erased it mid-loop).
                asio::post(io_, [this] { finish(1, *output_error_); });
                break;
            }
            written += static_cast<std::size_t>(n);
        }
        pending_output_.clear();
    }

    /// Closes an output file; a failure there (a delayed write error) fails a transfer that had
    /// not failed already.
    void close_output_file() {
        if (output_fd_ == STDOUT_FILENO) return;
        const int fd = std::exchange(output_fd_, STDOUT_FILENO);
        if (::close(fd) != 0 && outcome_.status == 0)
            outcome_ = {1, "cannot write to output " + output_name_ + ": " + std::strerror(errno)};
    }

    // ---- the SRT side ----

    void start_srt_side() {
        const bool listener = srt_.mode == core::ConnectMode::listener;
        udp::endpoint bind_to;
        udp::endpoint peer;
        if (listener) {
            bind_to = resolve(srt_.adapter.value_or(srt_.host), srt_.port, true);
        } else {
            peer = resolve(srt_.host, srt_.port, false);
            const std::string any = peer.address().is_v6() ? "::" : "0.0.0.0";
            bind_to = udp::endpoint(asio::ip::make_address(srt_.adapter.value_or(any)), core::bind_port(srt_));
        }
        driver_ = std::make_unique<UdpDriver>(
            io_, endpoint_, bind_to,
            UdpDriver::Callbacks{[this](const core::Event& e) { on_event(e); },
                                 [this](core::ConnectionId, wire::Bytes m) { write_output(m); }});
        if (listener) {
            // One caller, as srt-live-transmit: the Endpoint refuses the next with SRT_REJ_BACKLOG
            // even when two conclusions arrive in one batch, before the first one's event is seen.
            const auto refused = endpoint_.listen(
                srt_.config,
                [this](const core::AcceptRequest& request) {
                    // A caller restarted on its fixed port takes over: its stream continues ours.
                    if (connection_ && request.replaces != connection_)
                        return core::AcceptDecision::no(static_cast<int>(core::RejectReason::backlog));
                    if (!options_.reject_stream_id.empty() && request.stream_id == options_.reject_stream_id)
                        return core::AcceptDecision::no(core::reject_forbidden);
                    return core::AcceptDecision::yes();
                },
                core::ListenerLimits{.max_connections = 1, .max_connections_per_source = 1});
            if (refused) return finish(2, *refused);
            info("listening on srt://" + driver_->local_endpoint().address().to_string() + ":" +
                 std::to_string(driver_->local_endpoint().port()));
        } else if (srt_.mode == core::ConnectMode::rendezvous) {
            if (auto started = endpoint_.rendezvous(steady_now(), to_core(peer), srt_.config); !started)
                return finish(2, started.error());
            info("rendezvous with srt://" + peer.address().to_string() + ":" + std::to_string(peer.port()) +
                 " from port " + std::to_string(driver_->local_endpoint().port()));
        } else {
            if (auto started = endpoint_.connect(steady_now(), to_core(peer), srt_.config); !started)
                return finish(2, started.error());
            info("connecting to srt://" + peer.address().to_string() + ":" + std::to_string(peer.port()));
        }
        driver_->service();
    }

    void on_event(const core::Event& event) {
        switch (event.kind) {
        case core::EventKind::connected:
        case core::EventKind::accepted:
            connection_ = event.connection;
            info(core::connection_line(event.kind == core::EventKind::accepted, event.peer.to_string(),
                                       event.stream_id));
            asio::post(io_, [this] { pump(); });
            return;
        case core::EventKind::refused:
            // Like srt-live-transmit, the listener stays up for the next caller.
            info(event.detail + " (" + event.peer.to_string() + ", reject code " + std::to_string(event.reject_code) +
                 ")");
            return;
        case core::EventKind::writable:
            pump();  // the send buffer has room again
            return;
        case core::EventKind::drained: return;  // the closed event that follows says so
        case core::EventKind::closed:
            if (event.connection != connection_ && connection_) return;  // a refused extra caller, or one replaced
            if (event.reason == core::CloseReason::superseded) {
                info(event.detail);
                connection_.reset();  // the new caller's accepted event follows
                return;
            }
            if (event.stats) last_stats_ = event.stats;
            // What was received before the peer's SHUTDOWN was delivered before this event.
            if (event.reason == core::CloseReason::local_close && ending_input_) return end_of_input(event);
            if (event.reason == core::CloseReason::local_close) return;
            return finish(core::connection_ended(event.reason == core::CloseReason::peer_shutdown, event.detail));
        }
    }

    /// Moves the input (console or file) into the connection while it has room; at the end of input, closes
    /// gracefully: the core waits for acknowledgement and play-out (at most its linger).
    void pump() {
        if (!input_ || !connection_ || finished_ || pumping_ || ending_input_) return;
        pumping_ = true;
        bool sent = false;
        while (auto chunk = input_->take()) {
            if (endpoint_.send(*connection_, steady_now(), *chunk) == core::SendOutcome::buffer_full) {
                input_->put_back(std::move(*chunk));  // the writable event calls pump() again
                break;
            }
            sent = true;
        }
        pumping_ = false;
        if (input_->finished()) {
            if (auto error = input_->error()) return finish(1, *error);
            ending_input_ = true;
            endpoint_.close(*connection_, steady_now(), true);
            sent = true;
        }
        if (sent) driver_->service();
    }

    /// The graceful close after the end of input is over: the status says whether it all arrived.
    void end_of_input(const core::Event& closed) {
        finish(core::end_of_input(closed.unacknowledged, last_stats_ ? last_stats_->total.pktSndDrop : 0));
    }

    // ---- statistics ----

    void arm_stats() {
        stats_timer_.expires_after(std::chrono::milliseconds(options_.stats_every_ms));
        stats_timer_.async_wait([this](const boost::system::error_code& error) {
            if (error) return;
            if (connection_) {
                if (auto stats = endpoint_.stats(*connection_, steady_now(), true)) {
                    last_stats_ = stats;
                    std::cerr << core::format_stats_line(*stats, format()) << std::endl;
                }
            }
            arm_stats();
        });
    }

    void print_stats() {
        if (auto stats = endpoint_.stats(*connection_, steady_now(), false)) last_stats_ = stats;
        if (last_stats_) std::cerr << core::format_stats_line(*last_stats_, format()) << std::endl;
    }

    [[nodiscard]] core::StatsFormat format() const {
        return options_.stats_format == "text" ? core::StatsFormat::text : core::StatsFormat::json;
    }

    TransmitOptions options_;
    core::SrtUri srt_;
    bool srt_is_input_;
    core::MediaUri other_;
    asio::io_context io_;
    core::CryptoRandom random_;
    core::Endpoint endpoint_;
    std::unique_ptr<UdpDriver> driver_;
    std::optional<core::ConnectionId> connection_;
    std::unique_ptr<InputReader> input_;
    int output_fd_ = STDOUT_FILENO;             // where SRT input goes unless UDP takes it: stdout or a file
    std::vector<std::uint8_t> pending_output_;  // delivered, not written yet (write_output)
    static constexpr std::size_t max_pending_output = 256 * 1024;  // written at once beyond this
    std::string output_name_;                                      // the output file, as error lines name it
    std::optional<std::string> output_error_;                      // the line of the write that failed
    std::optional<udp::socket> udp_socket_;
    udp::endpoint udp_target_;
    udp::endpoint udp_sender_;
    std::vector<std::uint8_t> udp_buffer_;
    asio::steady_timer stats_timer_;
    asio::steady_timer deadline_timer_;
    asio::signal_set signals_;
    std::optional<core::ConnectionStats> last_stats_;
    bool pumping_ = false;
    bool ending_input_ = false;  // the input ended: the graceful close is under way
    bool finished_ = false;
    core::TransferEnd outcome_{0, ""};  // how the transfer ended: run() prints its line, returns its status
};

int run_transmit(const TransmitOptions& options) {
    const auto usage_error = [](const std::string& message) {
        std::cerr << "websrt transmit: " << message << std::endl;
        return 2;
    };
    auto input = core::parse_media_uri(options.input);
    if (!input) return usage_error("bad input URI: " + input.error().message);
    auto output = core::parse_media_uri(options.output);
    if (!output) return usage_error("bad output URI: " + output.error().message);
    const bool srt_in = std::holds_alternative<core::SrtUri>(*input);
    const bool srt_out = std::holds_alternative<core::SrtUri>(*output);
    if (srt_in == srt_out)
        return usage_error("exactly one side must be srt:// (the other udp://, file://con or file:///path)");
    if (options.stats_format != "json" && options.stats_format != "text")
        return usage_error("--stats-format must be json or text");
    std::signal(SIGPIPE, SIG_IGN);
    core::SrtUri srt = std::get<core::SrtUri>(srt_in ? *input : *output);
    auto transmitter = std::make_unique<Transmitter>(options, std::move(srt), srt_in, srt_in ? *output : *input);
    const int status = transmitter->run();
    // Kept when it reads its input: that thread may still be blocked in read() and touch it; the
    // process exits right after with the status.
    if (transmitter->reads_input()) static_cast<void>(transmitter.release());
    return status;
}

}  // namespace

void register_transmit_command(CLI::App& app, CommandJob& job) {
    auto options = std::make_shared<TransmitOptions>();
    CLI::App* command = app.add_subcommand("transmit",
                                           "Move a live stream between SRT and UDP, stdin/stdout or a file, "
                                           "like srt-live-transmit");
    command->add_option("input", options->input, "srt://, udp://, file://con (stdin) or file:///path")->required();
    command->add_option("output", options->output, "srt://, udp://, file://con (stdout) or file:///path")->required();
    command->add_option("--stats-every", options->stats_every_ms, "print statistics every N milliseconds to stderr")
        ->check(CLI::PositiveNumber);
    command->add_option("--stats-format", options->stats_format, "json (one object per line) or text");
    command->add_option("--timeout", options->timeout_s, "give up after this many seconds (exit 1)");
    command->add_option("--reject-streamid", options->reject_stream_id,
                        "listener: refuse a caller with this stream id (reject code 1403, forbidden)");
    command->add_flag("-q,--quiet", options->quiet, "print errors only");
    command->callback([options, &job] { job = [options] { return run_transmit(*options); }; });
}

}  // namespace websrt::native
