// Many datagrams per system call, and per trip through the kernel's UDP stack. On Linux,
// sendmmsg/recvmmsg move many datagrams per call, UDP_SEGMENT (GSO) sends a run of equal-size
// datagrams to one peer as one message that the kernel cuts up at the end, and UDP_GRO hands a
// receiver such runs whole. At 100k packets a second the per-datagram trips, not the copies, are
// what UDP costs. The datagrams on the wire are the same. Elsewhere the same interface loops.
#pragma once

#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
#include <boost/asio/ip/udp.hpp>
#include <array>
#include <memory>
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

/// Datagrams received in one call. With UDP_GRO (Linux 5.0+) the kernel hands over runs of
/// same-size datagrams from one sender as one buffer and says where to cut it.
class ReceiveBatch {
public:
    /// Room per receive: a whole GRO run (at most 64 KB), or one datagram where GRO is off.
    static constexpr std::size_t slot_bytes = 64 * 1024;
    static constexpr std::size_t slots = 8;

    /// Buffers left uninitialised: the kernel writes what it delivers, and untouched pages stay
    /// out of the process's memory.
    ReceiveBatch() : buffers_(new std::uint8_t[slots * slot_bytes]) {}

    /// Asks the kernel to coalesce datagrams (UDP_GRO); without it, one datagram per slot.
    static void enable_coalescing(boost::asio::ip::udp::socket& socket);
    /// Receives what is queued, up to the capacity, without blocking; returns how many datagrams.
    std::size_t receive(boost::asio::ip::udp::socket& socket);
    [[nodiscard]] wire::Bytes datagram(std::size_t i) const {
        return {buffers_.get() + datagrams_[i].offset, datagrams_[i].size};
    }
    [[nodiscard]] const boost::asio::ip::udp::endpoint& sender(std::size_t i) const {
        return senders_[datagrams_[i].sender];
    }
    /// Whether the last receive() filled every slot (more may be queued).
    [[nodiscard]] bool filled() const { return filled_; }

private:
    struct Datagram {
        std::size_t offset;
        std::size_t size;
        std::size_t sender;
    };
    std::unique_ptr<std::uint8_t[]> buffers_;
    std::array<boost::asio::ip::udp::endpoint, slots> senders_{};
    std::vector<Datagram> datagrams_;
    bool filled_ = false;
};

}  // namespace websrt::native
