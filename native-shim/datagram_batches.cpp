#include "datagram_batches.hpp"

#include <cerrno>

#if defined(__linux__)
#include <sys/socket.h>
#endif

namespace websrt::native {

namespace asio = boost::asio;

#if defined(__linux__)

bool SendBatch::send(asio::ip::udp::socket& socket) {
    std::array<mmsghdr, datagram_batch_capacity> headers{};
    std::array<iovec, datagram_batch_capacity> pieces{};
    while (begin_ < end_) {
        const std::size_t count = end_ - begin_;
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t slot = begin_ + i;
            pieces[i] = {buffers_.data() + slot * slot_bytes, sizes_[slot]};
            headers[i] = {};
            headers[i].msg_hdr.msg_name = destinations_[slot].data();
            headers[i].msg_hdr.msg_namelen = static_cast<socklen_t>(destinations_[slot].size());
            headers[i].msg_hdr.msg_iov = &pieces[i];
            headers[i].msg_hdr.msg_iovlen = 1;
        }
        const int sent = ::sendmmsg(socket.native_handle(), headers.data(), static_cast<unsigned>(count), MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
            if (errno == EINTR) continue;
            ++begin_;  // refused for good (e.g. ICMP unreachable from an earlier send): lost
            continue;
        }
        begin_ += static_cast<std::size_t>(sent);
    }
    begin_ = end_ = 0;
    return true;
}

std::size_t ReceiveBatch::receive(asio::ip::udp::socket& socket) {
    std::array<mmsghdr, datagram_batch_capacity> headers{};
    std::array<iovec, datagram_batch_capacity> pieces{};
    for (std::size_t i = 0; i < datagram_batch_capacity; ++i) {
        pieces[i] = {buffers_.data() + i * slot_bytes, slot_bytes};
        headers[i].msg_hdr.msg_name = senders_[i].data();
        headers[i].msg_hdr.msg_namelen = static_cast<socklen_t>(senders_[i].capacity());
        headers[i].msg_hdr.msg_iov = &pieces[i];
        headers[i].msg_hdr.msg_iovlen = 1;
    }
    for (;;) {
        const int received = ::recvmmsg(socket.native_handle(), headers.data(), datagram_batch_capacity, MSG_DONTWAIT, nullptr);
        if (received < 0 && errno == EINTR) continue;
        if (received <= 0) return 0;  // nothing queued, or an error for an earlier send: not fatal
        std::size_t kept = 0;
        for (std::size_t i = 0; i < static_cast<std::size_t>(received); ++i) {
            if (headers[i].msg_hdr.msg_flags & MSG_TRUNC) continue;  // larger than any SRT packet
            senders_[i].resize(headers[i].msg_hdr.msg_namelen);
            sizes_[i] = headers[i].msg_len;
            if (kept != i) {  // keep the batch dense
                std::copy_n(buffers_.data() + i * slot_bytes, sizes_[i], buffers_.data() + kept * slot_bytes);
                senders_[kept] = senders_[i];
                sizes_[kept] = sizes_[i];
            }
            ++kept;
        }
        return kept;
    }
}

#else

bool SendBatch::send(asio::ip::udp::socket& socket) {
    while (begin_ < end_) {
        boost::system::error_code error;
        socket.send_to(asio::buffer(buffers_.data() + begin_ * slot_bytes, sizes_[begin_]), destinations_[begin_], 0, error);
        if (error == asio::error::would_block) return false;
        ++begin_;  // sent, or refused for good: UDP is best effort
    }
    begin_ = end_ = 0;
    return true;
}

std::size_t ReceiveBatch::receive(asio::ip::udp::socket& socket) {
    std::size_t count = 0;
    while (count < datagram_batch_capacity) {
        boost::system::error_code error;
        const std::size_t size = socket.receive_from(asio::buffer(buffers_.data() + count * slot_bytes, slot_bytes), senders_[count], 0, error);
        if (error) break;  // nothing queued, or an error for an earlier send: the next wait retries
        sizes_[count++] = size;
    }
    return count;
}

#endif

}  // namespace websrt::native
