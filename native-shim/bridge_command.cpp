// `websrt bridge`: browsers cannot open UDP sockets, so the wasm SRT core in a page sends its
// datagrams over a WebSocket and this bridge relays them over UDP. One WebSocket is one UDP flow,
// one binary message one datagram, both ways, or several with the "websrt-batch" subprotocol
// (datagram_batch.hpp); the SRT session stays end to end (encryption included). The bridge relays
// only to allowlisted targets, checks Origin and Host (host_check.hpp), caps sessions and pending
// connections globally and per client (client_limits.hpp), refuses request bodies and oversize
// headers, charges each datagram its headers against a byte and a packet rate (relay_budget.hpp),
// closes idle sessions, logs one line per session with what it dropped, and serves static files
// for the demo page (static_path_policy.hpp). A bad request gets an HTTP error with its reason.
#include "bridge_command.hpp"

#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <csignal>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <set>
#include <sstream>

#include "bridge_policy.hpp"
#include "client_limits.hpp"
#include "datagram_batch.hpp"
#include "host_check.hpp"
#include "relay_budget.hpp"
#include "static_path_policy.hpp"

namespace websrt::native {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using asio::ip::udp;
using Clock = std::chrono::steady_clock;

struct BridgeOptions {
    std::string listen = "127.0.0.1:8080";
    std::vector<std::string> allow;
    std::vector<std::string> origins;
    std::vector<std::string> hosts;
    std::string static_dir;
    int max_sessions = bridge_limits::max_sessions;
    ClientLimitsConfig client_limits;
    double max_rate_mbit = bridge_limits::max_rate_mbit;
    double max_packets_per_second = bridge_limits::max_packets_per_second;
    int idle_seconds = bridge_limits::idle_seconds;
    bool quiet = false;
};

void log_line(const std::string& line) { std::cerr << "websrt bridge: " << line << std::endl; }

IpLiteral literal_of(const asio::ip::address& address) {
    IpLiteral literal;
    literal.bytes = address.is_v4() ? asio::ip::make_address_v6(asio::ip::v4_mapped, address.to_v4()).to_bytes()
                                    : address.to_v6().to_bytes();
    return literal;
}

template <class Endpoint>
std::string endpoint_text(const Endpoint& endpoint) {
    return native::endpoint_text(literal_of(endpoint.address()), endpoint.port());
}

/// The allowlist's HOST:PORT entries, names resolved once at start. Errors name the bad entry.
Expected<std::vector<AllowedTarget>, std::string> resolve_allowlist(const std::vector<std::string>& allow) {
    asio::io_context io;
    udp::resolver resolver(io);
    std::vector<AllowedTarget> allowed;
    for (const auto& entry : allow) {
        const auto host_port = parse_host_port(entry);
        if (!host_port) return "--allow expects HOST:PORT, got '" + entry + "'";
        beast::error_code ec;
        const auto results = resolver.resolve(host_port->host, std::to_string(host_port->port), ec);
        if (ec || results.empty()) return "--allow " + entry + ": cannot resolve " + host_port->host;
        for (const auto& result : results)
            allowed.push_back({literal_of(result.endpoint().address()), host_port->port});
    }
    return allowed;
}

struct Server;

/// One WebSocket relayed to one UDP target.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(Server& server, websocket::stream<beast::tcp_stream> ws, udp::endpoint target, std::string peer,
            ClientLimits::Client client);

    void start(http::request<http::empty_body> request);
    void stop(const std::string& why);

private:
    void close(websocket::close_code code, const std::string& why);
    void read_websocket();
    void relay_to_udp(asio::const_buffer datagram);
    void read_udp();
    void write_next();
    void write_soon();
    void arm_idle();

    Server& server_;
    websocket::stream<beast::tcp_stream> ws_;
    udp::socket udp_;
    udp::endpoint target_;
    std::string peer_;
    ClientLimits::Client client_;
    asio::steady_timer idle_timer_;
    asio::steady_timer batch_timer_;
    bool batch_timer_armed_ = false;
    Clock::time_point last_write_{};
    beast::flat_buffer ws_buffer_;
    std::array<std::uint8_t, 2048> udp_buffer_{};
    std::deque<std::vector<std::uint8_t>> to_websocket_;
    std::vector<std::uint8_t> writing_message_;  // what async_write is sending
    bool batched_ = false;                       // the client asked for datagram_batch::subprotocol
    bool writing_ = false;
    bool stopped_ = false;
    Clock::time_point started_;
    Clock::time_point last_activity_;
    // Each direction has its own budget, so a page's uploads never starve its downloads.
    RelayBudget to_udp_budget_;
    RelayBudget from_udp_budget_;
    std::uint64_t packets_out_ = 0, bytes_out_ = 0, packets_in_ = 0, bytes_in_ = 0;
    std::uint64_t oversize_from_udp_ = 0;  // over max_datagram: cannot be SRT from our peer
    std::uint64_t queue_full_ = 0;         // the browser read too slowly
};

struct Server {
    asio::io_context& io;
    BridgeOptions options;
    BridgePolicy policy;
    std::filesystem::path static_root;  // canonical; empty without --static
    HostAllowlist hosts;
    ClientLimits client_limits;
    tcp::acceptor acceptor;
    asio::steady_timer accept_retry;
    std::set<std::shared_ptr<Session>> sessions;
    int pending_requests = 0;

    void accept();
    [[nodiscard]] RelayBudgetConfig relay_budget() const {
        return {options.max_rate_mbit * 1e6 / 8, options.max_packets_per_second, bridge_limits::burst_seconds};
    }
};

Session::Session(Server& server, websocket::stream<beast::tcp_stream> ws, udp::endpoint target, std::string peer,
                 ClientLimits::Client client)
    : server_(server),
      ws_(std::move(ws)),
      udp_(ws_.get_executor()),
      target_(target),
      peer_(std::move(peer)),
      client_(client),
      idle_timer_(ws_.get_executor()),
      batch_timer_(ws_.get_executor()),
      started_(Clock::now()),
      last_activity_(started_),
      to_udp_budget_(server.relay_budget(), started_),
      from_udp_budget_(server.relay_budget(), started_) {
    server_.client_limits.session_opened(client_);
}

/// Why a connection only gets a short time to send its request before a 503.
enum class Busy { no, bridge, client };

/// Reads one HTTP request header on a fresh TCP connection, then upgrades it or answers it. A
/// request body is never read: a request that has one is refused and the connection closed.
class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
public:
    /// `busy`: over a pending-request cap; the request is read (briefly) only to answer 503.
    HttpConnection(Server& server, tcp::socket socket, ClientLimits::Client client, Busy busy)
        : server_(server), stream_(std::move(socket)), client_(client), busy_(busy) {
        if (busy_ == Busy::no) ++server_.pending_requests;
        parser_.header_limit(bridge_limits::max_header_bytes);
        // Bodies are refused from the header, never read: no limit, or beast would call a large
        // Content-Length malformed. (Boost 1.74 treats body_limit(boost::none) as "exceeded".)
        parser_.body_limit(std::numeric_limits<std::uint64_t>::max());
    }
    ~HttpConnection() {
        if (busy_ == Busy::no) --server_.pending_requests;
        server_.client_limits.connection_done(client_);
    }
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    void start() {
        stream_.expires_after(std::chrono::seconds(busy_ != Busy::no ? 1 : bridge_limits::request_seconds));
        http::async_read_header(
            stream_, buffer_, parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
                // Gone or too slow before a whole request: nothing to answer. Garbage: say so.
                if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
                    ec == asio::error::connection_reset)
                    return;
                if (ec == http::error::header_limit)
                    return self->respond(http::status::request_header_fields_too_large, "request header too large\n");
                if (ec == http::error::body_limit)
                    return self->respond(http::status::payload_too_large, "request bodies are not accepted\n");
                if (ec)
                    return self->respond(http::status::bad_request, "malformed HTTP request: " + ec.message() + "\n");
                if (self->busy_ == Busy::bridge)
                    return self->respond(http::status::service_unavailable, "too many connections still pending\n");
                if (self->busy_ == Busy::client) {
                    return self->respond(
                        http::status::service_unavailable,
                        "too many connections still pending from your address (--max-pending-per-ip " +
                            std::to_string(self->server_.client_limits.config().max_pending_per_client) + ")\n");
                }
                self->handle();
            });
    }

private:
    const http::request<http::empty_body>& request() const { return parser_.get(); }

    void respond(http::status status, std::string body, std::string content_type = "text/plain; charset=utf-8") {
        auto response = std::make_shared<http::response<http::string_body>>(status, parser_.get().version());
        response->set(http::field::server, "websrt-bridge");
        response->set(http::field::content_type, content_type);
        // Bodies may quote a refused value: never let a browser sniff them into HTML.
        response->set("X-Content-Type-Options", "nosniff");
        response->keep_alive(false);
        response->body() = std::move(body);
        response->prepare_payload();
        http::async_write(stream_, *response, [self = shared_from_this(), response](beast::error_code, std::size_t) {
            beast::error_code ignored;
            self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        });
    }

    /// A request with a body: Content-Length above zero, or any Transfer-Encoding.
    bool has_body() const {
        const auto length = parser_.content_length();
        return (length && *length > 0) || parser_.chunked() || request().count(http::field::transfer_encoding) > 0;
    }

    void handle() {
        const std::string target(request().target());
        beast::error_code gone;  // the throwing overload would end the bridge when a client left
        const std::string peer = endpoint_text(stream_.socket().remote_endpoint(gone));
        if (has_body()) return respond(http::status::payload_too_large, "request bodies are not accepted\n");
        const auto host = request()[http::field::host];
        if (!server_.hosts.admits(std::string_view(host.data(), host.size())))
            return respond(http::status::misdirected_request,
                           "unknown Host (the bridge serves only its --host names)\n");
        if (websocket::is_upgrade(request())) {
            if (!server_.client_limits.take_upgrade(client_, Clock::now())) {
                return respond(
                    http::status::too_many_requests,
                    "too many WebSocket upgrades from your address (--upgrades-per-ip " +
                        std::to_string(static_cast<int>(server_.client_limits.config().upgrades_per_second)) + "/s)\n");
            }
            const auto decision = server_.policy.admit(target, std::string(request()[http::field::origin]),
                                                       static_cast<int>(server_.sessions.size()));
            if (!decision.ok) {
                if (!server_.options.quiet) log_line("refused " + peer + ": " + decision.reason);
                return respond(static_cast<http::status>(decision.status), decision.reason + "\n");
            }
            if (!server_.client_limits.session_fits(client_)) {
                return respond(http::status::too_many_requests,
                               "too many sessions from your address (--max-sessions-per-ip " +
                                   std::to_string(server_.client_limits.config().max_sessions_per_client) + ")\n");
            }
            udp::endpoint endpoint(asio::ip::make_address(decision.target_host), decision.target_port);
            stream_.expires_never();
            auto session = std::make_shared<Session>(server_, websocket::stream<beast::tcp_stream>(std::move(stream_)),
                                                     endpoint, peer, client_);
            server_.sessions.insert(session);
            session->start(parser_.release());
            return;
        }
        if (request().method() != http::verb::get && request().method() != http::verb::head)
            return respond(http::status::method_not_allowed, "only GET, and WebSocket upgrades on /srt\n");
        // Every refusal is the same fixed 404: nothing of the request, nothing of the tree.
        if (server_.static_root.empty()) return respond(http::status::not_found, "not found\n");
        const auto file = resolve_static_path(server_.static_root, target);
        if (!file) return respond(http::status::not_found, "not found\n");
        std::ifstream in(*file, std::ios::binary);
        std::ostringstream content;
        content << in.rdbuf();
        respond(http::status::ok, content.str(), std::string(content_type_for(file->string())));
    }

    Server& server_;
    beast::tcp_stream stream_;
    ClientLimits::Client client_;
    Busy busy_;
    beast::flat_buffer buffer_;
    http::request_parser<http::empty_body> parser_;
};

void Server::accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;  // stopping
        if (ec) {
            // Out of file descriptors (a flood): keep the bridge alive and try again shortly.
            if (!options.quiet) log_line("cannot accept a connection: " + ec.message());
            accept_retry.expires_after(std::chrono::milliseconds(100));
            accept_retry.async_wait([this](beast::error_code wait_ec) {
                if (!wait_ec) accept();
            });
            return;
        }
        beast::error_code gone;
        const auto remote = socket.remote_endpoint(gone);
        if (gone) return accept();  // reset before we looked: nothing to serve
        const auto client = ClientLimits::client_of(literal_of(remote.address()));
        const auto admission = client_limits.connection_opened(client, Clock::now());
        if (admission == ClientLimits::Admission::close) {
            // One client holding twice its pending cap already: not even a 503 (each costs a
            // file descriptor for a second); the socket closes here.
            return accept();
        }
        const Busy busy = admission == ClientLimits::Admission::busy                ? Busy::client
                          : pending_requests >= bridge_limits::max_pending_requests ? Busy::bridge
                                                                                    : Busy::no;
        std::make_shared<HttpConnection>(*this, std::move(socket), client, busy)->start();
        accept();
    });
}

/// Whether the client's Sec-WebSocket-Protocol list names the batch subprotocol.
bool asks_for_batches(const http::request<http::empty_body>& request) {
    const auto header = request[http::field::sec_websocket_protocol];
    std::string_view offered(header.data(), header.size());
    while (!offered.empty()) {
        const auto comma = offered.find(',');
        auto token = offered.substr(0, comma);
        while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
        while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
        if (token == datagram_batch::subprotocol) return true;
        offered = comma == std::string_view::npos ? std::string_view{} : offered.substr(comma + 1);
    }
    return false;
}

void Session::start(http::request<http::empty_body> request) {
    beast::error_code ec;
    udp_.open(target_.protocol(), ec);
    if (!ec) udp_.connect(target_, ec);
    if (ec) return stop("cannot open a UDP socket: " + ec.message());
    // The kernel's default (208 KB, ~140 SRT packets) overflows while a 100 Mbit/s stream waits
    // for its next batch; capped by net.core.rmem_max, and a failure only means the default.
    udp_.set_option(asio::socket_base::receive_buffer_size(bridge_limits::udp_receive_buffer), ec);
    batched_ = asks_for_batches(request);
    if (batched_) {
        ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
            response.set(http::field::sec_websocket_protocol, std::string(datagram_batch::subprotocol));
        }));
    }
    ws_.binary(true);
    // Larger messages close the session (1009).
    ws_.read_message_max(batched_ ? datagram_batch::max_message : bridge_limits::max_datagram);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(request, [self = shared_from_this()](beast::error_code ec) {
        if (ec) return self->stop("WebSocket handshake failed: " + ec.message());
        self->read_websocket();
        self->read_udp();
        self->arm_idle();
    });
}

void Session::read_websocket() {
    ws_.async_read(ws_buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t size) {
        if (ec)
            return self->stop(ec == websocket::error::closed ? "closed by the client" : "WebSocket: " + ec.message());
        self->last_activity_ = Clock::now();
        if (!self->ws_.got_binary())
            return self->close(websocket::close_code::unknown_data, "text frames are not datagrams");
        const auto message = self->ws_buffer_.data();
        if (self->batched_) {
            const std::span bytes(static_cast<const std::uint8_t*>(message.data()), message.size());
            const auto malformed = datagram_batch::split(bytes, bridge_limits::max_datagram, [&](auto datagram) {
                self->relay_to_udp(asio::buffer(datagram.data(), datagram.size()));
            });
            if (malformed != datagram_batch::Malformed::none) {
                return self->close(malformed == datagram_batch::Malformed::oversize_datagram
                                       ? websocket::close_code::too_big
                                       : websocket::close_code::protocol_error,
                                   std::string(datagram_batch::describe(malformed)));
            }
        } else {
            self->relay_to_udp(message);
        }
        self->ws_buffer_.consume(size);
        self->read_websocket();
    });
}

void Session::relay_to_udp(asio::const_buffer datagram) {
    // Too short to be SRT, or over the session's rate: dropped (and counted), as a congested
    // link would. Nothing is queued, so a flood costs the bridge only this check per datagram.
    if (to_udp_budget_.admit(datagram.size(), Clock::now()) != RelayBudget::Verdict::relay) return;
    beast::error_code ignored;
    udp_.send(datagram, 0, ignored);  // UDP: a failed send is a lost datagram
    ++packets_out_;
    bytes_out_ += datagram.size();
}

void Session::read_udp() {
    udp_.async_receive(asio::buffer(udp_buffer_), [self = shared_from_this()](beast::error_code ec, std::size_t size) {
        if (self->stopped_) return;
        if (!ec && size > bridge_limits::max_datagram) ++self->oversize_from_udp_;
        if (!ec && size <= bridge_limits::max_datagram) {
            const auto now = Clock::now();
            self->last_activity_ = now;
            if (self->from_udp_budget_.admit(size, now) != RelayBudget::Verdict::relay) return self->read_udp();
            ++self->packets_in_;
            self->bytes_in_ += size;
            // A browser that reads too slowly loses datagrams here, never memory.
            if (self->to_websocket_.size() < bridge_limits::max_queued) {
                self->to_websocket_.emplace_back(self->udp_buffer_.begin(),
                                                 self->udp_buffer_.begin() + static_cast<std::ptrdiff_t>(size));
                self->write_soon();
            } else {
                ++self->queue_full_;
            }
        }
        self->read_udp();  // ICMP errors (peer not there yet) are not fatal for SRT
    });
}

void Session::write_soon() {
    if (!batched_ || Clock::now() - last_write_ >= bridge_limits::batch_hold) return write_next();
    // Busy: hold datagrams until batch_hold after the last message, so they share one.
    if (batch_timer_armed_) return;
    batch_timer_armed_ = true;
    batch_timer_.expires_at(last_write_ + bridge_limits::batch_hold);
    batch_timer_.async_wait([self = shared_from_this()](beast::error_code) {
        self->batch_timer_armed_ = false;
        self->write_next();
    });
}

void Session::write_next() {
    if (writing_ || to_websocket_.empty() || stopped_) return;
    writing_ = true;
    last_write_ = Clock::now();
    if (batched_) {
        // Whatever queued while the last message was written goes out as one message.
        writing_message_.clear();
        while (!to_websocket_.empty() &&
               writing_message_.size() + 2 + to_websocket_.front().size() <= datagram_batch::max_message) {
            datagram_batch::append(writing_message_, to_websocket_.front());
            to_websocket_.pop_front();
        }
    } else {
        writing_message_.swap(to_websocket_.front());
        to_websocket_.pop_front();
    }
    ws_.async_write(asio::buffer(writing_message_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->writing_ = false;
        if (ec) return self->stop("WebSocket write: " + ec.message());
        self->write_next();
    });
}

void Session::arm_idle() {
    idle_timer_.expires_after(std::chrono::seconds(1));
    idle_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->stopped_) return;
        if (Clock::now() - self->last_activity_ > std::chrono::seconds(self->server_.options.idle_seconds)) {
            return self->close(websocket::close_code::going_away,
                               "idle for " + std::to_string(self->server_.options.idle_seconds) + " s");
        }
        self->arm_idle();
    });
}

void Session::close(websocket::close_code code, const std::string& why) {
    // The close frame tells the client why; the session's line says it too.
    ws_.async_close({code, why}, [self = shared_from_this()](beast::error_code) {});
    stop(why);
}

void Session::stop(const std::string& why) {
    if (stopped_) return;
    stopped_ = true;
    server_.client_limits.session_closed(client_);
    beast::error_code ignored;
    udp_.close(ignored);
    idle_timer_.cancel();
    batch_timer_.cancel();
    if (!server_.options.quiet) {
        const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
        std::ostringstream line;
        line.precision(1);
        line << std::fixed << "session " << peer_ << " -> " << endpoint_text(target_) << ": " << seconds
             << " s, to UDP " << packets_out_ << " packets " << bytes_out_ << " bytes (dropped "
             << describe(to_udp_budget_.drops()) << "), from UDP " << packets_in_ << " packets " << bytes_in_
             << " bytes (dropped " << describe(from_udp_budget_.drops()) << ", " << oversize_from_udp_ << " oversize, "
             << queue_full_ << " queue full) (" << why << ")";
        log_line(line.str());
    }
    server_.sessions.erase(shared_from_this());
}

int run_bridge(const BridgeOptions& options) {
    asio::io_context io;
    const auto allowed = resolve_allowlist(options.allow);
    if (!allowed) {
        std::cerr << "websrt bridge: " << allowed.error() << std::endl;
        return 2;
    }
    auto policy = BridgePolicy::create(*allowed, options.origins, options.max_sessions);
    if (!policy) {
        std::cerr << "websrt bridge: " << policy.error() << std::endl;
        return 2;
    }
    std::filesystem::path static_root;
    if (!options.static_dir.empty()) {
        // Canonical once, so every served path is compared with the real directory, symlinks in
        // --static itself resolved.
        std::error_code ec;
        static_root = std::filesystem::canonical(options.static_dir, ec);
        if (ec || !std::filesystem::is_directory(static_root)) {
            std::cerr << "websrt bridge: --static " << options.static_dir << " is not a directory" << std::endl;
            return 2;
        }
    }
    const auto& limits = options.client_limits;
    if (limits.max_pending_per_client < 1 || limits.max_sessions_per_client < 1 || limits.upgrades_per_second < 1) {
        std::cerr
            << "websrt bridge: --max-pending-per-ip, --max-sessions-per-ip and --upgrades-per-ip must be at least 1"
            << std::endl;
        return 2;
    }
    if (!(options.max_packets_per_second > 0) || !(options.max_rate_mbit > 0)) {
        std::cerr << "websrt bridge: --max-rate and --max-pps must be above 0" << std::endl;
        return 2;
    }
    const auto colon = options.listen.rfind(':');
    tcp::endpoint endpoint;
    try {
        std::string host = options.listen.substr(0, colon);
        if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
        endpoint = tcp::endpoint(asio::ip::make_address(host.empty() ? "0.0.0.0" : host),
                                 static_cast<std::uint16_t>(std::stoi(options.listen.substr(colon + 1))));
    } catch (const std::exception&) {
        std::cerr << "websrt bridge: --listen expects ADDRESS:PORT, got '" << options.listen << "'" << std::endl;
        return 2;
    }
    Server server{io,
                  options,
                  std::move(*policy),
                  static_root,
                  HostAllowlist{},
                  ClientLimits(options.client_limits),
                  tcp::acceptor(io),
                  asio::steady_timer(io),
                  {},
                  0};
    beast::error_code ec;
    server.acceptor.open(endpoint.protocol(), ec);
    if (!ec) server.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) server.acceptor.bind(endpoint, ec);
    if (!ec) server.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        std::cerr << "websrt bridge: cannot listen on " << options.listen << ": " << ec.message() << std::endl;
        return 1;
    }
    // After bind: with port 0 the kernel picks the port a Host header must name.
    auto hosts = HostAllowlist::create(endpoint.address().is_loopback(), options.hosts,
                                       server.acceptor.local_endpoint(ec).port());
    if (!hosts) {
        std::cerr << "websrt bridge: " << hosts.error() << std::endl;
        return 2;
    }
    server.hosts = std::move(*hosts);
    if (!server.hosts.enforced()) {
        log_line(
            "warning: listening on a non-loopback address without --host: any Host header is served, so a "
            "DNS-rebinding page can reach this bridge; pass --host NAME for each name it is reached by");
    }
    server.accept();
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) {
        server.acceptor.close();
        server.accept_retry.cancel();
        for (const auto& session : std::set<std::shared_ptr<Session>>(server.sessions))
            session->stop("bridge stopping");
        io.stop();
    });
    log_line("listening on ws://" + endpoint_text(server.acceptor.local_endpoint()) + "/srt" +
             (options.static_dir.empty() ? "" : ", serving " + options.static_dir));
    io.run();
    return 0;
}

}  // namespace

void register_bridge_command(CLI::App& app, CommandJob& job) {
    auto options = std::make_shared<BridgeOptions>();
    auto* command = app.add_subcommand("bridge", "relay SRT datagrams between WebSockets (browsers) and UDP");
    command->add_option("--listen", options->listen, "ADDRESS:PORT for HTTP and WebSockets (default 127.0.0.1:8080)");
    command->add_option("--allow", options->allow, "HOST:PORT an SRT target may be (repeat or comma-separate)")
        ->delimiter(',');
    command->add_option("--origin", options->origins, "allowed Origin (repeat; default: none or localhost)")
        ->delimiter(',');
    command->add_option("--static", options->static_dir, "directory served over HTTP (the demo page)");
    command
        ->add_option("--host", options->hosts,
                     "NAME or NAME:PORT a Host header may name besides 127.x.y.z, [::1] and localhost (repeat); "
                     "on a non-loopback --listen, without --host any Host is served")
        ->delimiter(',');
    command->add_option("--max-sessions", options->max_sessions, "concurrent WebSocket sessions (default 64)");
    command->add_option("--max-sessions-per-ip", options->client_limits.max_sessions_per_client,
                        "concurrent sessions per client IPv4 address or IPv6 /64 (default 8; beyond: 429)");
    command->add_option("--max-pending-per-ip", options->client_limits.max_pending_per_client,
                        "connections per client still sending their request (default 32; beyond: 1 s then 503, "
                        "beyond twice that: closed at once)");
    command->add_option("--upgrades-per-ip", options->client_limits.upgrades_per_second,
                        "WebSocket upgrades per second per client, as many in a burst (default 10; beyond: 429)");
    command->add_option("--max-rate", options->max_rate_mbit,
                        "Mbit/s per session and direction, each datagram charged its IP+UDP headers too (default 100)");
    command->add_option("--max-pps", options->max_packets_per_second,
                        "datagrams per second per session and direction (default 40000); datagrams shorter than an "
                        "SRT header (16 bytes) are dropped");
    command->add_option("--idle-timeout", options->idle_seconds,
                        "seconds without traffic before a session closes (default 30)");
    command->add_flag("-q,--quiet", options->quiet, "log errors only");
    command->callback([options, &job] { job = [options] { return run_bridge(*options); }; });
}

}  // namespace websrt::native
