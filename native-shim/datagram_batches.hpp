// Many datagrams per system call. On Linux, sendmmsg/recvmmsg move up to `capacity` datagrams in
// one call where send_to/receive_from take one each; at 100k packets a second the calls, not the
// copies, are what a UDP sender spends its time on. Elsewhere the same interface loops.
#pragma once

#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
#include <boost/asio/ip/udp.hpp>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "wire/byte_io.hpp"

namespace websrt::native {

inline constexpr std::size_t datagram_batch_capacity = 32;

/// Datagrams waiting to be sent, filled slot by slot and sent in as few calls as the socket takes.
class SendBatch {
public:
    /// Room for one SRT packet (draft §3: at most the MSS, 1500 bytes).
    static constexpr std::size_t slot_bytes = 1500;

    SendBatch() : buffers_(datagram_batch_capacity * slot_bytes) {}

    [[nodiscard]] bool empty() const { return begin_ == end_; }
    [[nodiscard]] bool full() const { return end_ == datagram_batch_capacity; }
    /// Where the next datagram goes (then commit() it).
    std::span<std::uint8_t> next_slot() { return {buffers_.data() + end_ * slot_bytes, slot_bytes}; }
    void commit(const boost::asio::ip::udp::endpoint& to, std::size_t size) {
        destinations_[end_] = to;
        sizes_[end_] = size;
        ++end_;
    }
    /// Sends what it holds; false when the socket would block with datagrams left (they stay).
    /// A datagram the network refuses for good (unreachable) is dropped, as UDP does.
    bool send(boost::asio::ip::udp::socket& socket);

private:
    std::vector<std::uint8_t> buffers_;
    std::array<boost::asio::ip::udp::endpoint, datagram_batch_capacity> destinations_{};
    std::array<std::size_t, datagram_batch_capacity> sizes_{};
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

/// Datagrams received in one call.
class ReceiveBatch {
public:
    /// Larger than any SRT packet, so that an oversize datagram is seen as one (and refused).
    static constexpr std::size_t slot_bytes = 2048;

    ReceiveBatch() : buffers_(datagram_batch_capacity * slot_bytes) {}

    /// Receives what is queued, up to the capacity, without blocking; returns how many.
    std::size_t receive(boost::asio::ip::udp::socket& socket);
    [[nodiscard]] wire::Bytes datagram(std::size_t i) const { return {buffers_.data() + i * slot_bytes, sizes_[i]}; }
    [[nodiscard]] const boost::asio::ip::udp::endpoint& sender(std::size_t i) const { return senders_[i]; }

private:
    std::vector<std::uint8_t> buffers_;
    std::array<boost::asio::ip::udp::endpoint, datagram_batch_capacity> senders_{};
    std::array<std::size_t, datagram_batch_capacity> sizes_{};
};

}  // namespace websrt::native
