// SendBatch and ReceiveBatch over loopback UDP: each datagram committed arrives once, whole, in order, GSO or not.
#define BOOST_TEST_MODULE datagram_batches
#include <boost/test/unit_test.hpp>

#include "datagram_batches.hpp"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include <poll.h>
#if defined(__linux__)
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#endif

namespace asio = boost::asio;
using udp = asio::ip::udp;
using websrt::native::datagram_batch_capacity;
using websrt::native::ReceiveBatch;
using websrt::native::SendBatch;
using Datagram = std::vector<std::uint8_t>;

namespace {

/// How long a test waits for a datagram that should already be queued: a guard against hanging, not a delay.
constexpr int readiness_guard_ms = 5000;

/// A datagram put into a SendBatch, and where it goes.
struct Outgoing {
    udp::endpoint to;
    Datagram bytes;
};

/// A datagram as a ReceiveBatch handed it over.
struct Arrived {
    Datagram bytes;
    udp::endpoint from;
    bool coalesced;  // it shared a receive buffer with the one before it: a GRO run
};

/// Bytes that say which datagram they are (its number in the first two) and where each byte sits, so a datagram
/// cut, merged, reordered or duplicated does not compare equal to what was sent.
Datagram numbered(std::size_t number, std::size_t size) {
    Datagram bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(number * 31 + i * 7 + 1);
    if (size >= 2) {
        bytes[0] = static_cast<std::uint8_t>(number >> 8);
        bytes[1] = static_cast<std::uint8_t>(number);
    }
    return bytes;
}

/// Sent outside the batch after it: everything the batch sent is queued before it (loopback keeps order).
const Datagram end_marker{'e', 'n', 'd', '-', 'o', 'f', '-', 'b', 'a', 't', 'c', 'h'};

/// A socket on `loopback`, port chosen by the kernel.
udp::socket bound_socket(asio::io_context& io, const asio::ip::address& loopback) {
    udp::socket socket(io, udp::endpoint(loopback, 0).protocol());
    socket.bind(udp::endpoint(loopback, 0));
    return socket;
}

/// ::1 when this machine has IPv6 loopback (containers often do not).
std::optional<asio::ip::address> ipv6_loopback() {
    asio::io_context io;
    boost::system::error_code error;
    udp::socket probe(io);
    probe.open(udp::v6(), error);
    if (!error) probe.bind(udp::endpoint(asio::ip::address_v6::loopback(), 0), error);
    if (error) return std::nullopt;
    return asio::ip::address(asio::ip::address_v6::loopback());
}

std::vector<asio::ip::address> loopbacks() {
    std::vector<asio::ip::address> out{asio::ip::address_v4::loopback()};
    if (auto v6 = ipv6_loopback()) {
        out.push_back(*v6);
    } else {
        BOOST_TEST_MESSAGE("no IPv6 loopback here: IPv4 only");
    }
    return out;
}

/// Waits until `socket` has something to read (or an error to report); false when the guard ran out.
bool wait_readable(udp::socket& socket) {
    pollfd waiting{socket.native_handle(), POLLIN, 0};
    int ready = 0;
    do ready = ::poll(&waiting, 1, readiness_guard_ms);
    while (ready < 0 && errno == EINTR);
    return ready == 1;
}

/// Commits every datagram into `batch` and sends it; send() must take all of it.
void send_all(SendBatch& batch, udp::socket& socket, const std::vector<Outgoing>& datagrams) {
    BOOST_TEST_REQUIRE(datagrams.size() <= datagram_batch_capacity);
    for (const Outgoing& d : datagrams) {
        BOOST_TEST_REQUIRE(!batch.full());
        const auto slot = batch.next_slot();
        BOOST_TEST_REQUIRE(d.bytes.size() <= slot.size());
        std::copy(d.bytes.begin(), d.bytes.end(), slot.begin());
        batch.commit(d.to, d.bytes.size());
    }
    BOOST_TEST(batch.send(socket));
    BOOST_TEST(batch.empty());
}

/// Every datagram `receiver` gets until the end marker (which is left out), through one ReceiveBatch.
std::vector<Arrived> receive_until_marker(udp::socket& receiver) {
    static ReceiveBatch batch;  // 512 KB of buffers: one for the whole test run
    std::vector<Arrived> arrived;
    for (;;) {
        if (!wait_readable(receiver)) {
            BOOST_TEST(false, "no end marker within " << readiness_guard_ms << " ms; " << arrived.size()
                                                      << " datagrams arrived before it");
            return arrived;
        }
        const std::size_t count = batch.receive(receiver);
        for (std::size_t i = 0; i < count; ++i) {
            const auto bytes = batch.datagram(i);
            if (Datagram(bytes.begin(), bytes.end()) == end_marker) {
                BOOST_TEST(i + 1 == count, "datagrams after the end marker in the same receive");
                return arrived;
            }
            const bool coalesced = i > 0 && batch.datagram(i - 1).data() + batch.datagram(i - 1).size() == bytes.data();
            arrived.push_back({Datagram(bytes.begin(), bytes.end()), batch.sender(i), coalesced});
        }
    }
}

/// What the batch was given for `receiver`, in the order it was given.
std::vector<Datagram> sent_to(const std::vector<Outgoing>& datagrams, const udp::endpoint& receiver) {
    std::vector<Datagram> out;
    for (const Outgoing& d : datagrams)
        if (d.to == receiver) out.push_back(d.bytes);
    return out;
}

/// Each datagram once, whole and in order, from `sender`.
void check_arrived(const std::vector<Arrived>& arrived, const std::vector<Datagram>& expected,
                   const udp::endpoint& sender) {
    BOOST_TEST(arrived.size() == expected.size());
    for (std::size_t i = 0; i < std::min(arrived.size(), expected.size()); ++i) {
        BOOST_TEST(arrived[i].bytes.size() == expected[i].size(), "datagram " << i << "'s size");
        BOOST_TEST((arrived[i].bytes == expected[i]), "datagram " << i << "'s bytes");
        BOOST_TEST(arrived[i].from == sender, "datagram " << i << "'s sender");
    }
}

/// Sends the end marker to `receiver` outside the batch, then takes what arrived before it.
std::vector<Arrived> drain(udp::socket& sender, udp::socket& receiver) {
    sender.send_to(asio::buffer(end_marker), receiver.local_endpoint());
    return receive_until_marker(receiver);
}

bool coalescing_enabled(udp::socket& socket) {
#if defined(__linux__)
    int on = 0;
    socklen_t size = sizeof on;
    return ::getsockopt(socket.native_handle(), SOL_UDP, UDP_GRO, &on, &size) == 0 && on != 0;
#else
    return false;
#endif
}

/// Says which path carried the datagrams: on loopback only a GSO send coalesces, so a coalesced arrival at a
/// receiver with UDP_GRO on proves both; none means the datagrams went one per message (the fallback).
std::size_t report_path(const std::string& what, const std::vector<Arrived>& arrived, bool gro_on) {
    const auto coalesced = static_cast<std::size_t>(
        std::count_if(arrived.begin(), arrived.end(), [](const Arrived& a) { return a.coalesced; }));
    if (coalesced > 0) {
        BOOST_TEST_MESSAGE(what << ": GSO send and GRO receive (" << coalesced << " of " << arrived.size()
                                << " datagrams arrived inside another's receive buffer)");
    } else {
        BOOST_TEST_MESSAGE(what << ": fallback, one datagram per message (UDP_GRO "
                                << (gro_on ? "on, nothing coalesced: no GSO send" : "refused") << ")");
    }
    return coalesced;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_run_of_equal_size_datagrams_with_a_shorter_last_arrives_whole_and_in_order) {
    for (const auto& loopback : loopbacks()) {
        asio::io_context io;
        udp::socket sender = bound_socket(io, loopback);
        udp::socket receiver = bound_socket(io, loopback);
        ReceiveBatch::enable_coalescing(receiver);
        std::vector<Outgoing> datagrams;
        for (std::size_t n = 0; n < 10; ++n) datagrams.push_back({receiver.local_endpoint(), numbered(n, 1316)});
        datagrams.push_back({receiver.local_endpoint(), numbered(10, 200)});
        SendBatch batch;
        send_all(batch, sender, datagrams);
        const auto arrived = drain(sender, receiver);
        check_arrived(arrived, sent_to(datagrams, receiver.local_endpoint()), sender.local_endpoint());
        report_path("equal-size run over " + loopback.to_string(), arrived, coalescing_enabled(receiver));
    }
}

BOOST_AUTO_TEST_CASE(mixed_sizes_to_two_interleaved_peers_arrive_at_each_in_order) {
    for (const auto& loopback : loopbacks()) {
        asio::io_context io;
        udp::socket sender = bound_socket(io, loopback);
        udp::socket peer_a = bound_socket(io, loopback);
        udp::socket peer_b = bound_socket(io, loopback);
        ReceiveBatch::enable_coalescing(peer_a);
        ReceiveBatch::enable_coalescing(peer_b);
        const auto a = peer_a.local_endpoint();
        const auto b = peer_b.local_endpoint();
        // Runs broken by a change of peer, by a longer datagram after a shorter, and by a shorter one mid-run.
        const std::vector<std::pair<udp::endpoint, std::size_t>> plan{
            {a, 100},  {b, 100},  {a, 100},  {a, 100}, {a, 50},   {a, 100},  {b, 1500}, {b, 1500},
            {b, 1499}, {b, 1500}, {a, 16},   {a, 16},  {a, 16},   {b, 64},   {a, 1},    {a, 1316},
            {a, 1316}, {b, 700},  {b, 1400}, {b, 700}, {a, 1316}, {a, 1315}, {a, 1316}};
        std::vector<Outgoing> datagrams;
        for (std::size_t n = 0; n < plan.size(); ++n) datagrams.push_back({plan[n].first, numbered(n, plan[n].second)});
        SendBatch batch;
        send_all(batch, sender, datagrams);
        const auto at_a = drain(sender, peer_a);
        const auto at_b = drain(sender, peer_b);
        check_arrived(at_a, sent_to(datagrams, a), sender.local_endpoint());
        check_arrived(at_b, sent_to(datagrams, b), sender.local_endpoint());
        report_path("mixed sizes, two peers over " + loopback.to_string() + " (peer A)", at_a,
                    coalescing_enabled(peer_a));
    }
}

BOOST_AUTO_TEST_CASE(a_full_batch_arrives_whole_as_one_run_and_as_separate_messages) {
    asio::io_context io;
    const auto loopback = asio::ip::address(asio::ip::address_v4::loopback());
    udp::socket sender = bound_socket(io, loopback);
    udp::socket receiver = bound_socket(io, loopback);
    ReceiveBatch::enable_coalescing(receiver);
    SendBatch batch;
    // Equal sizes: one GSO message of datagram_batch_capacity segments. Alternating sizes: that many messages.
    for (const bool alternating : {false, true}) {
        std::vector<Outgoing> datagrams;
        for (std::size_t n = 0; n < datagram_batch_capacity; ++n)
            datagrams.push_back({receiver.local_endpoint(), numbered(n, alternating && n % 2 ? 333 : 1200)});
        for (std::size_t n = 0; n < datagrams.size(); ++n) {
            BOOST_TEST(!batch.full(), "full after " << n << " datagrams");
            const auto slot = batch.next_slot();
            std::copy(datagrams[n].bytes.begin(), datagrams[n].bytes.end(), slot.begin());
            batch.commit(datagrams[n].to, datagrams[n].bytes.size());
        }
        BOOST_TEST(batch.full());
        BOOST_TEST(batch.send(sender));
        BOOST_TEST(batch.empty());
        BOOST_TEST(!batch.full());
        const auto arrived = drain(sender, receiver);
        check_arrived(arrived, sent_to(datagrams, receiver.local_endpoint()), sender.local_endpoint());
        report_path(alternating ? "full batch, alternating sizes" : "full batch, equal sizes", arrived,
                    coalescing_enabled(receiver));
    }
}

BOOST_AUTO_TEST_CASE(the_largest_slot_and_a_one_byte_datagram_arrive_whole) {
    for (const auto& loopback : loopbacks()) {
        asio::io_context io;
        udp::socket sender = bound_socket(io, loopback);
        udp::socket receiver = bound_socket(io, loopback);
        ReceiveBatch::enable_coalescing(receiver);
        const auto to = receiver.local_endpoint();
        // A run of full slots cut short by one byte, then each size alone.
        const std::vector<Outgoing> datagrams{{to, numbered(0, SendBatch::slot_bytes)},
                                              {to, numbered(1, SendBatch::slot_bytes)},
                                              {to, numbered(2, 1)},
                                              {to, numbered(3, 1)},
                                              {to, numbered(4, SendBatch::slot_bytes)}};
        BOOST_TEST(datagrams[2].bytes.size() == 1U);
        SendBatch batch;
        send_all(batch, sender, datagrams);
        check_arrived(drain(sender, receiver), sent_to(datagrams, to), sender.local_endpoint());
    }
}

BOOST_AUTO_TEST_CASE(a_run_reaches_a_receiver_without_coalescing_as_separate_datagrams) {
    asio::io_context io;
    const auto loopback = asio::ip::address(asio::ip::address_v4::loopback());
    udp::socket sender = bound_socket(io, loopback);
    udp::socket receiver = bound_socket(io, loopback);  // no UDP_GRO: the kernel cuts a GSO run before queueing
    std::vector<Outgoing> datagrams;
    for (std::size_t n = 0; n < 20; ++n) datagrams.push_back({receiver.local_endpoint(), numbered(n, 1000)});
    datagrams.push_back({receiver.local_endpoint(), numbered(20, 999)});
    SendBatch batch;
    send_all(batch, sender, datagrams);

    // Without coalescing, each receive takes at most ReceiveBatch::slots, and filled() says when it took that many.
    ReceiveBatch receiving;
    std::vector<Arrived> arrived;
    while (arrived.size() < datagrams.size()) {
        BOOST_TEST_REQUIRE(wait_readable(receiver));
        const std::size_t count = receiving.receive(receiver);
        BOOST_TEST(count <= ReceiveBatch::slots);
        BOOST_TEST(receiving.filled() == (count == ReceiveBatch::slots));
        for (std::size_t i = 0; i < count; ++i) {
            const auto bytes = receiving.datagram(i);
            arrived.push_back({Datagram(bytes.begin(), bytes.end()), receiving.sender(i), false});
        }
    }
    BOOST_TEST(drain(sender, receiver).empty());  // and nothing more
    check_arrived(arrived, sent_to(datagrams, receiver.local_endpoint()), sender.local_endpoint());
}

BOOST_AUTO_TEST_CASE(an_empty_batch_sends_nothing_and_an_empty_socket_receives_nothing) {
    asio::io_context io;
    const auto loopback = asio::ip::address(asio::ip::address_v4::loopback());
    udp::socket sender = bound_socket(io, loopback);
    udp::socket receiver = bound_socket(io, loopback);
    ReceiveBatch::enable_coalescing(receiver);
    SendBatch batch;
    BOOST_TEST(batch.empty());
    BOOST_TEST(batch.send(sender));
    BOOST_TEST(batch.empty());

    ReceiveBatch receiving;
    BOOST_TEST(receiving.receive(receiver) == 0U);  // returns at once: the socket is blocking, the call is not
    BOOST_TEST(!receiving.filled());
    BOOST_TEST(drain(sender, receiver).empty());
}

BOOST_AUTO_TEST_CASE(a_destination_the_network_refuses_loses_only_its_own_datagrams) {
    asio::io_context io;
    const auto loopback = asio::ip::address(asio::ip::address_v4::loopback());
    udp::socket sender = bound_socket(io, loopback);
    udp::socket receiver = bound_socket(io, loopback);
    ReceiveBatch::enable_coalescing(receiver);
    const auto to = receiver.local_endpoint();
    // An IPv6 destination on an IPv4 socket: sendmmsg takes the messages before it, then refuses it outright
    // (EAFNOSUPPORT) — the kernel takes only part of the batch.
    const udp::endpoint wrong_family(asio::ip::address_v6::loopback(), 9);
    // A closed port: the datagram leaves; the ICMP refusal is not reported on an unconnected socket.
    udp::endpoint closed_port;
    {
        udp::socket gone = bound_socket(io, loopback);
        closed_port = gone.local_endpoint();
    }
    const std::vector<Outgoing> datagrams{{to, numbered(0, 500)},           {to, numbered(1, 500)},
                                          {wrong_family, numbered(2, 500)}, {wrong_family, numbered(3, 500)},
                                          {to, numbered(4, 500)},           {closed_port, numbered(5, 500)},
                                          {to, numbered(6, 500)},           {wrong_family, numbered(7, 100)},
                                          {to, numbered(8, 500)},           {to, numbered(9, 20)}};
    SendBatch batch;
    send_all(batch, sender, datagrams);
    check_arrived(drain(sender, receiver), sent_to(datagrams, to), sender.local_endpoint());

    // The batch and the socket go on working.
    const std::vector<Outgoing> after{{to, numbered(10, 500)}, {to, numbered(11, 500)}};
    send_all(batch, sender, after);
    check_arrived(drain(sender, receiver), sent_to(after, to), sender.local_endpoint());
}

BOOST_AUTO_TEST_CASE(an_error_left_by_an_earlier_send_loses_no_queued_datagram) {
    // A connected socket learns of an ICMP port unreachable as a pending error, which the next receive reports
    // instead of data; receive() returns nothing that time, and the datagrams queued before come next.
    asio::io_context io;
    const auto loopback = asio::ip::address(asio::ip::address_v4::loopback());
    udp::socket receiver = bound_socket(io, loopback);
    ReceiveBatch::enable_coalescing(receiver);
    std::vector<Outgoing> datagrams;
    {
        udp::socket peer = bound_socket(io, loopback);
        receiver.connect(peer.local_endpoint());
        for (std::size_t n = 0; n < 5; ++n) datagrams.push_back({receiver.local_endpoint(), numbered(n, 300)});
        SendBatch batch;
        send_all(batch, peer, datagrams);
    }  // the peer is gone: its port refuses
    SendBatch to_gone_peer;
    send_all(to_gone_peer, receiver, {{receiver.remote_endpoint(), numbered(99, 10)}});
    pollfd waiting{receiver.native_handle(), POLLERR, 0};
    BOOST_TEST_REQUIRE(::poll(&waiting, 1, readiness_guard_ms) == 1);  // the refusal has come back
    BOOST_TEST((waiting.revents & POLLERR) != 0);

    ReceiveBatch receiving;
    std::vector<Datagram> arrived;
    for (int attempt = 0; attempt < 4 && arrived.size() < datagrams.size(); ++attempt) {
        BOOST_TEST_REQUIRE(wait_readable(receiver));
        const std::size_t count = receiving.receive(receiver);
        for (std::size_t i = 0; i < count; ++i)
            arrived.emplace_back(receiving.datagram(i).begin(), receiving.datagram(i).end());
    }
    BOOST_TEST(arrived.size() == datagrams.size());
    BOOST_TEST((arrived == sent_to(datagrams, receiver.local_endpoint())));
}

BOOST_AUTO_TEST_CASE(zero_length_datagrams_put_into_a_batch_each_leave_as_one) {
    // Counted by plain receives, so only SendBatch is under test: a run of empty datagrams must not become one.
    asio::io_context io;
    const auto loopback = asio::ip::address(asio::ip::address_v4::loopback());
    udp::socket sender = bound_socket(io, loopback);
    udp::socket receiver = bound_socket(io, loopback);
    const auto to = receiver.local_endpoint();
    const std::vector<Outgoing> datagrams{{to, {}}, {to, {}}, {to, {}}, {to, numbered(3, 40)}, {to, {}}};
    SendBatch batch;
    send_all(batch, sender, datagrams);
    sender.send_to(asio::buffer(end_marker), to);
    std::vector<Datagram> arrived;
    for (;;) {
        BOOST_TEST_REQUIRE(wait_readable(receiver));
        Datagram buffer(SendBatch::slot_bytes);
        udp::endpoint from;
        buffer.resize(receiver.receive_from(asio::buffer(buffer), from));
        if (buffer == end_marker) break;
        arrived.push_back(buffer);
    }
    BOOST_TEST(arrived.size() == datagrams.size());
    BOOST_TEST((arrived == sent_to(datagrams, to)));
}

BOOST_AUTO_TEST_CASE(a_zero_length_datagram_received_is_handed_over) {
    // Sent by plain sends, so only ReceiveBatch is under test (its fallback loop hands empty datagrams over).
    asio::io_context io;
    const auto loopback = asio::ip::address(asio::ip::address_v4::loopback());
    udp::socket sender = bound_socket(io, loopback);
    udp::socket receiver = bound_socket(io, loopback);
    ReceiveBatch::enable_coalescing(receiver);
    const std::vector<Datagram> datagrams{{}, numbered(1, 40), {}};
    for (const Datagram& d : datagrams) sender.send_to(asio::buffer(d), receiver.local_endpoint());
    const auto arrived = drain(sender, receiver);
    check_arrived(arrived, datagrams, sender.local_endpoint());
}

// Late: a fix that answers EMSGSIZE by turning GSO off for the process would leave later tests without it.
BOOST_AUTO_TEST_CASE(a_run_of_datagrams_larger_than_the_path_mtu_arrives_like_lone_ones) {
    // A lone datagram over the MTU leaves in IP fragments; a GSO run of them is refused (EMSGSIZE), since the
    // kernel will not fragment segments. The run must still arrive. IPV6_MTU lowers the MTU without privileges.
    const auto v6 = ipv6_loopback();
    if (!v6) {
        BOOST_TEST_MESSAGE("no IPv6 loopback here: path MTU case skipped");
        return;
    }
    asio::io_context io;
    udp::socket sender = bound_socket(io, *v6);
    udp::socket receiver = bound_socket(io, *v6);
    ReceiveBatch::enable_coalescing(receiver);
#if defined(__linux__)
    const int path_mtu = 1280;  // IPv6's minimum: 1500-byte datagrams need two fragments
    BOOST_TEST_REQUIRE(::setsockopt(sender.native_handle(), IPPROTO_IPV6, IPV6_MTU, &path_mtu, sizeof path_mtu) == 0);
#endif
    const auto to = receiver.local_endpoint();
    const std::vector<Outgoing> datagrams{{to, numbered(0, 1400)}, {to, numbered(1, 1400)}, {to, numbered(2, 1400)},
                                          {to, numbered(3, 1)},    {to, numbered(4, 1400)}, {to, numbered(5, 1000)},
                                          {to, numbered(6, 1000)}};
    SendBatch batch;
    send_all(batch, sender, datagrams);
    check_arrived(drain(sender, receiver), sent_to(datagrams, to), sender.local_endpoint());
}

// Last: the refusal turns GSO off for the rest of the process, as it would on a kernel or device without it.
BOOST_AUTO_TEST_CASE(a_run_the_kernel_refuses_to_segment_goes_one_by_one) {
    asio::io_context io;
    const auto loopback = asio::ip::address(asio::ip::address_v4::loopback());
    udp::socket sender = bound_socket(io, loopback);
    udp::socket receiver = bound_socket(io, loopback);
    ReceiveBatch::enable_coalescing(receiver);
#if defined(__linux__)
    // Linux refuses UDP_SEGMENT (EINVAL) on a socket that sends without UDP checksums; plain IPv4 datagrams go.
    const int no_checksum = 1;
    BOOST_TEST_REQUIRE(
        ::setsockopt(sender.native_handle(), SOL_SOCKET, SO_NO_CHECK, &no_checksum, sizeof no_checksum) == 0);
#endif
    std::vector<Outgoing> datagrams;
    for (std::size_t n = 0; n < 12; ++n) datagrams.push_back({receiver.local_endpoint(), numbered(n, 800)});
    datagrams.push_back({receiver.local_endpoint(), numbered(12, 8)});
    SendBatch batch;
    send_all(batch, sender, datagrams);
    const auto arrived = drain(sender, receiver);
    check_arrived(arrived, sent_to(datagrams, receiver.local_endpoint()), sender.local_endpoint());
    BOOST_TEST(report_path("run refused for GSO", arrived, coalescing_enabled(receiver)) == 0U);
}
