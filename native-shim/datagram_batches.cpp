#include "datagram_batches.hpp"

#include <cerrno>

#if defined(__linux__)
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#endif
#include <cstring>

namespace websrt::native {

namespace asio = boost::asio;

#if defined(__linux__)

namespace {

/// Whether the kernel took UDP_SEGMENT (GSO, Linux 4.18+); cleared at the first refusal.
bool gso_usable = true;

}  // namespace

bool SendBatch::send(asio::ip::udp::socket& socket) {
    // Runs of equal-size datagrams to one destination go out as one GSO message (UDP_SEGMENT):
    // the kernel carries the run through its stack once and cuts it into datagrams at the end,
    // where each datagram would cross the whole stack alone. The wire sees the same datagrams.
    constexpr int max_segments = 64;  // the kernel's UDP_MAX_SEGMENTS
    std::array<mmsghdr, datagram_batch_capacity> headers{};
    std::array<iovec, datagram_batch_capacity> pieces{};
    std::array<std::array<char, CMSG_SPACE(sizeof(std::uint16_t))>, datagram_batch_capacity> controls{};
    std::array<std::size_t, datagram_batch_capacity> run_lengths{};
    // A run whose segments exceed the path MTU is refused whole (EMSGSIZE), where each datagram
    // alone would leave in IP fragments: the slots before this go one by one.
    std::size_t unsegmented_until = 0;
    while (begin_ < end_) {
        std::size_t messages = 0;
        for (std::size_t slot = begin_; slot < end_; ++messages) {
            std::size_t run = 1;
            if (gso_usable && slot >= unsegmented_until) {
                // A run: same destination, same size; its last datagram may be shorter, not empty (the
                // kernel would send a run of empty datagrams, or an empty tail, as nothing or as one).
                while (slot + run < end_ && run < max_segments && destinations_[slot + run] == destinations_[slot] &&
                       sizes_[slot + run - 1] == sizes_[slot] && sizes_[slot + run] <= sizes_[slot] &&
                       sizes_[slot + run] > 0)
                    ++run;
            }
            for (std::size_t i = 0; i < run; ++i)
                pieces[slot - begin_ + i] = {buffers_.data() + (slot + i) * slot_bytes, sizes_[slot + i]};
            auto& header = headers[messages].msg_hdr;
            header = {};
            header.msg_name = destinations_[slot].data();
            header.msg_namelen = static_cast<socklen_t>(destinations_[slot].size());
            header.msg_iov = &pieces[slot - begin_];
            header.msg_iovlen = run;
            if (run > 1) {
                header.msg_control = controls[messages].data();
                header.msg_controllen = controls[messages].size();
                cmsghdr* control = CMSG_FIRSTHDR(&header);
                control->cmsg_level = SOL_UDP;
                control->cmsg_type = UDP_SEGMENT;
                control->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
                const auto segment = static_cast<std::uint16_t>(sizes_[slot]);
                std::memcpy(CMSG_DATA(control), &segment, sizeof segment);
            }
            run_lengths[messages] = run;
            slot += run;
        }
        const int sent =
            ::sendmmsg(socket.native_handle(), headers.data(), static_cast<unsigned>(messages), MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
            if (errno == EINTR) continue;
            if (run_lengths[0] > 1 && (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT)) {
                gso_usable = false;  // no GSO here (old kernel, or a device without it): one by one
                continue;
            }
            if (run_lengths[0] > 1 && errno == EMSGSIZE) {
                unsegmented_until = begin_ + run_lengths[0];
                continue;
            }
            begin_ += run_lengths[0];  // refused for good (e.g. ICMP unreachable from an earlier send): lost
            continue;
        }
        for (int i = 0; i < sent; ++i) begin_ += run_lengths[static_cast<std::size_t>(i)];
    }
    begin_ = end_ = 0;
    return true;
}

void ReceiveBatch::enable_coalescing(asio::ip::udp::socket& socket) {
    const int on = 1;
    ::setsockopt(socket.native_handle(), SOL_UDP, UDP_GRO, &on, sizeof on);  // refused: one by one
}

std::size_t ReceiveBatch::receive(asio::ip::udp::socket& socket) {
    std::array<mmsghdr, slots> headers{};
    std::array<iovec, slots> pieces{};
    std::array<std::array<char, CMSG_SPACE(sizeof(int))>, slots> controls{};
    for (std::size_t i = 0; i < slots; ++i) {
        pieces[i] = {buffers_.get() + i * slot_bytes, slot_bytes};
        headers[i].msg_hdr.msg_name = senders_[i].data();
        headers[i].msg_hdr.msg_namelen = static_cast<socklen_t>(senders_[i].capacity());
        headers[i].msg_hdr.msg_iov = &pieces[i];
        headers[i].msg_hdr.msg_iovlen = 1;
        headers[i].msg_hdr.msg_control = controls[i].data();
        headers[i].msg_hdr.msg_controllen = controls[i].size();
    }
    datagrams_.clear();
    filled_ = false;
    int received = 0;
    do {
        received = ::recvmmsg(socket.native_handle(), headers.data(), slots, MSG_DONTWAIT, nullptr);
    } while (received < 0 && errno == EINTR);
    if (received <= 0) return 0;  // nothing queued, or an error for an earlier send: not fatal
    filled_ = static_cast<std::size_t>(received) == slots;
    for (std::size_t i = 0; i < static_cast<std::size_t>(received); ++i) {
        const msghdr& header = headers[i].msg_hdr;
        senders_[i].resize(header.msg_namelen);
        std::size_t segment = headers[i].msg_len;  // one datagram, unless GRO says otherwise
        for (cmsghdr* control = CMSG_FIRSTHDR(&header); control;
             control = CMSG_NXTHDR(const_cast<msghdr*>(&header), control)) {
            if (control->cmsg_level == SOL_UDP && control->cmsg_type == UDP_GRO) {
                int size = 0;
                std::memcpy(&size, CMSG_DATA(control), sizeof size);
                if (size > 0) segment = static_cast<std::size_t>(size);
            }
        }
        if (headers[i].msg_len == 0) datagrams_.push_back({i * slot_bytes, 0, i});  // empty, but a datagram
        for (std::size_t at = 0; at < headers[i].msg_len; at += segment)
            datagrams_.push_back({i * slot_bytes + at, std::min(segment, headers[i].msg_len - at), i});
    }
    return datagrams_.size();
}

#else

bool SendBatch::send(asio::ip::udp::socket& socket) {
    while (begin_ < end_) {
        boost::system::error_code error;
        socket.send_to(asio::buffer(buffers_.data() + begin_ * slot_bytes, sizes_[begin_]), destinations_[begin_], 0,
                       error);
        if (error == asio::error::would_block) return false;
        ++begin_;  // sent, or refused for good: UDP is best effort
    }
    begin_ = end_ = 0;
    return true;
}

void ReceiveBatch::enable_coalescing(asio::ip::udp::socket&) {}

std::size_t ReceiveBatch::receive(asio::ip::udp::socket& socket) {
    datagrams_.clear();
    std::size_t count = 0;
    for (; count < slots; ++count) {
        boost::system::error_code error;
        const std::size_t size = socket.receive_from(asio::buffer(buffers_.get() + count * slot_bytes, slot_bytes),
                                                     senders_[count], 0, error);
        if (error) break;  // nothing queued, or an error for an earlier send: the next wait retries
        datagrams_.push_back({count * slot_bytes, size, count});
    }
    filled_ = count == slots;
    return datagrams_.size();
}

#endif

}  // namespace websrt::native
