// Runs one sans-IO Endpoint on a Boost.Asio io_context: one UDP socket, one timer. After every
// step (datagrams received, timer fired, or the owner called service()) it sends what the core
// has to send, re-arms the timer for the core's next deadline, hands events and delivered
// messages to the owner's callbacks.
#pragma once

#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include "core/endpoint.hpp"
#include "datagram_batches.hpp"

namespace websrt::native {

/// The core's clock: steady_clock in microseconds.
core::Micros steady_now();

core::SocketAddress to_core(const boost::asio::ip::udp::endpoint& endpoint);
boost::asio::ip::udp::endpoint to_asio(const core::SocketAddress& address);

class UdpDriver {
public:
    struct Callbacks {
        std::function<void(const core::Event&)> on_event;
        std::function<void(core::ConnectionId, wire::Bytes)> on_message;
    };

    UdpDriver(boost::asio::io_context& io, core::Endpoint& endpoint, const boost::asio::ip::udp::endpoint& bind_to,
              Callbacks callbacks);

    [[nodiscard]] boost::asio::ip::udp::endpoint local_endpoint() const { return socket_.local_endpoint(); }
    core::Endpoint& endpoint() { return endpoint_; }

    /// Sends, delivers and re-arms after the owner changed something (send, close, connect).
    void service();
    void stop();

private:
    void wait_readable();
    void on_readable();
    void on_timer();
    void flush();
    /// Hands every message of `id` that is due to on_message.
    void deliver(core::ConnectionId id, core::Micros now);
    void rearm_timer();

    core::Endpoint& endpoint_;
    boost::asio::ip::udp::socket socket_;
    boost::asio::steady_timer timer_;
    Callbacks callbacks_;
    std::set<core::ConnectionId> open_;  // connections that may have messages to deliver
    ReceiveBatch received_;
    SendBatch to_send_;  // what the core gave that the socket has not taken yet
    std::vector<std::uint8_t> message_buffer_;
    std::optional<core::Micros> armed_deadline_;  // what timer_ waits for, while it waits
    bool write_wait_armed_ = false;
    bool stopped_ = false;
};

}  // namespace websrt::native
