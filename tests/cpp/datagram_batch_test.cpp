// The bridge's "websrt-batch" framing: what append() builds, split() takes apart, and a malformed
// batch relays nothing.
#define BOOST_TEST_MODULE datagram_batch
#include <boost/test/unit_test.hpp>

#include "datagram_batch.hpp"

namespace batch = websrt::native::datagram_batch;
using Bytes = std::vector<std::uint8_t>;

namespace {
std::vector<Bytes> split_all(const Bytes& message, batch::Malformed expected = batch::Malformed::none) {
    std::vector<Bytes> out;
    const auto why =
        batch::split(message, 1500, [&](std::span<const std::uint8_t> d) { out.emplace_back(d.begin(), d.end()); });
    BOOST_TEST(static_cast<int>(why) == static_cast<int>(expected));
    return out;
}
}  // namespace

BOOST_AUTO_TEST_CASE(appended_datagrams_split_back_in_order) {
    const std::vector<Bytes> datagrams{Bytes(1500, 7), Bytes{1, 2, 3}, Bytes(16, 9)};
    Bytes message;
    for (const auto& d : datagrams) batch::append(message, d);
    BOOST_TEST(message.size() == 1500 + 3 + 16 + 3 * 2);
    BOOST_TEST(message[0] == 0x05);  // 1500, big-endian
    BOOST_TEST(message[1] == 0xdc);
    BOOST_TEST((split_all(message) == datagrams));
}

BOOST_AUTO_TEST_CASE(an_empty_message_is_an_empty_batch) { BOOST_TEST(split_all({}).empty()); }

BOOST_AUTO_TEST_CASE(a_malformed_batch_relays_nothing) {
    Bytes good;
    batch::append(good, Bytes{1, 2, 3});
    Bytes cut_length = good;
    cut_length.push_back(0);  // one byte of the next length
    BOOST_TEST(split_all(cut_length, batch::Malformed::truncated).empty());
    Bytes cut_body = good;
    batch::append(cut_body, Bytes(10, 1));
    cut_body.pop_back();
    BOOST_TEST(split_all(cut_body, batch::Malformed::truncated).empty());
    Bytes empty = good;
    empty.insert(empty.end(), {0, 0});
    BOOST_TEST(split_all(empty, batch::Malformed::empty_datagram).empty());
    Bytes oversize = good;
    batch::append(oversize, Bytes(1501, 1));
    BOOST_TEST(split_all(oversize, batch::Malformed::oversize_datagram).empty());
}
