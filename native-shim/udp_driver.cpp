#include "udp_driver.hpp"

#include <chrono>

namespace websrt::native {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

/// Datagrams drained from the kernel before the core is serviced (a bound on one step's work).
constexpr int max_batches_per_read = 8;

/// Deep socket buffers absorb bursts at high rates (libsrt's UDP buffers default to 8 MB too).
constexpr int socket_buffer_bytes = 8 * 1024 * 1024;

}  // namespace

core::Micros steady_now() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

core::SocketAddress to_core(const udp::endpoint& endpoint) {
    core::SocketAddress address;
    address.port = endpoint.port();
    const auto ip = endpoint.address();
    if (ip.is_v4()) {
        const auto bytes = ip.to_v4().to_bytes();
        std::copy(bytes.begin(), bytes.end(), address.ip.begin());
    } else if (ip.to_v6().is_v4_mapped()) {
        const auto bytes = asio::ip::make_address_v4(asio::ip::v4_mapped, ip.to_v6()).to_bytes();
        std::copy(bytes.begin(), bytes.end(), address.ip.begin());
    } else {
        const auto bytes = ip.to_v6().to_bytes();
        std::copy(bytes.begin(), bytes.end(), address.ip.begin());
        address.is_v6 = true;
    }
    return address;
}

udp::endpoint to_asio(const core::SocketAddress& address) {
    if (address.is_v6) {
        asio::ip::address_v6::bytes_type bytes;
        std::copy(address.ip.begin(), address.ip.end(), bytes.begin());
        return {asio::ip::address_v6(bytes), address.port};
    }
    asio::ip::address_v4::bytes_type bytes;
    std::copy(address.ip.begin(), address.ip.begin() + 4, bytes.begin());
    return {asio::ip::address_v4(bytes), address.port};
}

UdpDriver::UdpDriver(asio::io_context& io, core::Endpoint& endpoint, const udp::endpoint& bind_to, Callbacks callbacks)
    : endpoint_(endpoint),
      socket_(io, bind_to.protocol()),
      timer_(io),
      callbacks_(std::move(callbacks)),
      message_buffer_(core::Endpoint::max_message_size) {
    socket_.set_option(udp::socket::reuse_address(true));
    boost::system::error_code ignored;
    socket_.set_option(asio::socket_base::receive_buffer_size(socket_buffer_bytes), ignored);
    socket_.set_option(asio::socket_base::send_buffer_size(socket_buffer_bytes), ignored);
    socket_.bind(bind_to);
    socket_.non_blocking(true);
    ReceiveBatch::enable_coalescing(socket_);
    wait_readable();
    service();
}

void UdpDriver::stop() {
    stopped_ = true;
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
}

void UdpDriver::wait_readable() {
    socket_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& error) {
        if (stopped_ || error == asio::error::operation_aborted) return;
        on_readable();
    });
}

void UdpDriver::on_readable() {
    // Drain what is queued in the kernel before stepping the core: one service per batch.
    for (int batch = 0; batch < max_batches_per_read; ++batch) {
        const std::size_t count = received_.receive(socket_);
        const core::Micros now = steady_now();
        for (std::size_t i = 0; i < count; ++i)
            endpoint_.handle_datagram(now, to_core(received_.sender(i)), received_.datagram(i));
        if (!received_.filled()) break;
    }
    service();
    wait_readable();
}

void UdpDriver::on_timer() {
    endpoint_.handle_timeout(steady_now());
    service();
}

void UdpDriver::flush() {
    const core::Micros now = steady_now();
    for (;;) {
        while (!to_send_.full()) {
            const auto transmit = endpoint_.poll_transmit(now, to_send_.next_slot());
            if (!transmit) break;
            to_send_.commit(to_asio(transmit->to), transmit->size);
        }
        if (to_send_.empty()) return;
        if (!to_send_.send(socket_)) {
            // The kernel buffer is full: keep the datagrams and continue when there is room.
            if (!write_wait_armed_) {
                write_wait_armed_ = true;
                socket_.async_wait(udp::socket::wait_write, [this](const boost::system::error_code& e) {
                    write_wait_armed_ = false;
                    if (!stopped_ && e != asio::error::operation_aborted) service();
                });
            }
            return;
        }
    }
}

void UdpDriver::service() {
    if (stopped_) return;
    flush();
    const core::Micros now = steady_now();
    while (auto event = endpoint_.poll_event()) {
        if (event->kind == core::EventKind::closed) {
            // What the core still holds for it (all of it due, when the peer closed) goes to the
            // owner before the closed event; then the connection is forgotten.
            deliver(event->connection, now);
            open_.erase(event->connection);
        } else {
            open_.insert(event->connection);
        }
        if (callbacks_.on_event) callbacks_.on_event(*event);
    }
    for (const core::ConnectionId id : open_) deliver(id, now);
    flush();  // ACKs and NAKs the delivery or the callbacks caused
    rearm_timer();
}

void UdpDriver::deliver(core::ConnectionId id, core::Micros now) {
    while (const auto next = endpoint_.next_message_size(id, now)) {
        // A file-mode message may be longer than a packet (bounded by the core's receive buffer).
        if (*next > message_buffer_.size()) message_buffer_.resize(*next);
        const auto size = endpoint_.receive(id, now, message_buffer_);
        if (!size) break;
        if (callbacks_.on_message) callbacks_.on_message(id, wire::Bytes(message_buffer_.data(), *size));
    }
}

void UdpDriver::rearm_timer() {
    const auto deadline = endpoint_.next_timeout();
    if (!deadline) {
        timer_.cancel();
        armed_deadline_.reset();
        return;
    }
    // A timer already set for no later than this stays: firing early only means a service that
    // finds nothing due and re-arms. Setting it again costs a system call (timerfd_settime), and
    // while a stream is paced the deadline moves a little later after every packet.
    if (armed_deadline_ && *armed_deadline_ <= *deadline) return;
    armed_deadline_ = *deadline;
    const auto wait = std::chrono::microseconds(std::max<core::Micros>(*deadline - steady_now(), 0));
    timer_.expires_after(wait);
    timer_.async_wait([this](const boost::system::error_code& error) {
        if (stopped_ || error == asio::error::operation_aborted) return;
        armed_deadline_.reset();
        on_timer();
    });
}

}  // namespace websrt::native
