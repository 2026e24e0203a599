// core/fec_sender.hpp and core/fec_receiver.hpp, the fec packet filter: the column layouts, the
// order and bytes of the FEC packets libsrt's sender emits, rebuilding lost packets from rows,
// columns and both in turn (checked against the originals over random streams and losses), the
// losses arq:onreq gives up on, and hostile FEC packets.
#include "core/fec_receiver.hpp"
#include "core/fec_sender.hpp"

#define BOOST_TEST_MODULE fec
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <map>
#include <set>
#include <string>
#include <vector>

using namespace websrt;
using namespace websrt::core;

namespace {

constexpr std::size_t capacity = 1316;

struct SentPacket {
    wire::SeqNo seq;
    std::uint32_t timestamp = 0;
    wire::EncryptionKey key = wire::EncryptionKey::none;
    std::vector<std::uint8_t> payload;
    bool fec = false;
    std::int8_t index = 0;  // FEC packets: -1 row, else column
};

/// Runs a sender over `count` packets from `isn` as Connection does: one FEC packet per slot
/// before each new data packet while any is due, and the tail's after the last. Payloads come
/// from `payload_of`.
template <class PayloadOf>
std::vector<SentPacket> send_stream(const FecConfig& config, wire::SeqNo isn, int count, PayloadOf payload_of) {
    FecSender sender(config, isn, capacity);
    std::vector<SentPacket> wire_order;
    const auto drain_fec = [&](wire::SeqNo last) {
        while (sender.has_packet_due(last)) {
            const auto fec = sender.next_packet(last);
            BOOST_REQUIRE(fec.has_value());
            wire_order.push_back({fec->seq, fec->timestamp, wire::EncryptionKey::none,
                                  std::vector<std::uint8_t>(fec->payload.begin(), fec->payload.end()), true,
                                  static_cast<std::int8_t>(fec->payload[0])});
        }
        BOOST_REQUIRE(!sender.next_packet(last).has_value());
    };
    for (int i = 0; i < count; ++i) {
        if (i > 0) drain_fec(isn.plus(i - 1));
        SentPacket p;
        p.seq = isn.plus(i);
        p.timestamp = 1000u + 37u * static_cast<std::uint32_t>(i);
        p.key = i % 3 == 0 ? wire::EncryptionKey::odd : wire::EncryptionKey::even;
        p.payload = payload_of(i);
        sender.on_data_sent(p.seq, p.timestamp, p.key, p.payload);
        wire_order.push_back(std::move(p));
    }
    drain_fec(isn.plus(count - 1));
    return wire_order;
}

wire::DataPacket as_received(const SentPacket& p) {
    wire::DataPacket packet;
    packet.seq = p.seq;
    packet.key = p.fec ? wire::EncryptionKey::none : p.key;
    packet.message_number = wire::MsgNo(p.fec ? 0 : 5);
    packet.timestamp_us = p.timestamp;
    packet.payload = p.payload;
    return packet;
}

/// "V540(0)" / "H549" for FEC packets, "" for data.
std::string describe(const SentPacket& p, wire::SeqNo isn, std::uint32_t shown_isn) {
    if (!p.fec) return "";
    const auto seq = shown_isn + static_cast<std::uint32_t>(wire::SeqNo::offset(isn, p.seq));
    return p.index < 0 ? "H" + std::to_string(seq) : "V" + std::to_string(seq) + "(" + std::to_string(p.index) + ")";
}

std::vector<std::string> fec_order(const FecConfig& config, int count) {
    const wire::SeqNo isn(500);
    std::vector<std::string> order;
    for (const auto& p : send_stream(config, isn, count, [](int) { return std::vector<std::uint8_t>(10, 1); }))
        if (p.fec) order.push_back(describe(p, isn, 500));
    return order;
}

}  // namespace

BOOST_AUTO_TEST_CASE(staircase_columns_start_one_row_and_one_packet_apart) {
    // libsrt fec.cpp's example (10 × 5): column bases 500, 511, 522, 533, 544, 505, 516, 527, 538, 549.
    const std::vector<int> expected{0, 11, 22, 33, 44, 5, 16, 27, 38, 49};
    BOOST_TEST(fec_column_offsets(FecConfig{10, 5, FecLayout::staircase}) == expected,
               boost::test_tools::per_element());
    const std::vector<int> even{0, 1, 2, 3};
    BOOST_TEST(fec_column_offsets(FecConfig{4, 3, FecLayout::even}) == even, boost::test_tools::per_element());
    for (int cols = 2; cols < 30; ++cols)
        for (int rows = 2; rows < 30; ++rows) {
            const auto offsets = fec_column_offsets(FecConfig{cols, rows, FecLayout::staircase});
            for (int c = 0; c < cols; ++c) {
                BOOST_TEST(offsets[static_cast<std::size_t>(c)] % cols == c);
                BOOST_TEST(offsets[static_cast<std::size_t>(c)] < cols * rows);
            }
        }
}

BOOST_AUTO_TEST_CASE(the_sender_emits_columns_before_rows_in_libsrts_order) {
    // Even 10 × 5 from 500: each column's FEC right after its last member, then the row's.
    const auto even = fec_order(FecConfig{10, 5, FecLayout::even}, 50);
    const std::vector<std::string> even_expected{"H509",    "H519",    "H529",    "H539",    "V540(0)",
                                                 "V541(1)", "V542(2)", "V543(3)", "V544(4)", "V545(5)",
                                                 "V546(6)", "V547(7)", "V548(8)", "V549(9)", "H549"};
    BOOST_TEST(even == even_expected, boost::test_tools::per_element());
    // Staircase: ..539, H539, 540, V540(0), 541..545, V545(5), 546..549, H549, 550, 551, V551(1), ...
    const auto stairs = fec_order(FecConfig{10, 5, FecLayout::staircase}, 100);
    const std::vector<std::string> stairs_expected{"H509", "H519",    "H529",    "H539", "V540(0)", "V545(5)",
                                                   "H549", "V551(1)", "V556(6)", "H559", "V562(2)", "V567(7)",
                                                   "H569", "V573(3)", "V578(8)", "H579", "V584(4)", "V589(9)",
                                                   "H589", "V590(0)", "V595(5)", "H599"};
    BOOST_TEST(stairs == stairs_expected, boost::test_tools::per_element());
    // Columns only: no rows.
    const auto columns_only = fec_order(FecConfig{4, -2, FecLayout::even}, 8);
    const std::vector<std::string> columns_expected{"V504(0)", "V505(1)", "V506(2)", "V507(3)"};
    BOOST_TEST(columns_only == columns_expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_fec_packet_is_the_xor_of_its_group_as_libsrt_lays_it_out) {
    // Rows of 2 from S: "AB" at 0x10 and "C" at 0x20 give FF 00 00 03 | 02 42 00 …, timestamp 0x30.
    FecSender sender(FecConfig{2, 1}, wire::SeqNo(77), capacity);
    const std::vector<std::uint8_t> ab{'A', 'B'};
    const std::vector<std::uint8_t> c{'C'};
    sender.on_data_sent(wire::SeqNo(77), 0x10, wire::EncryptionKey::none, ab);
    BOOST_TEST(!sender.has_packet_due(wire::SeqNo(77)));
    sender.on_data_sent(wire::SeqNo(78), 0x20, wire::EncryptionKey::none, c);
    const auto fec = sender.next_packet(wire::SeqNo(78));
    BOOST_REQUIRE(fec.has_value());
    BOOST_TEST(fec->seq.value() == 78u);
    BOOST_TEST(fec->timestamp == 0x30u);
    BOOST_REQUIRE(fec->payload.size() == fec_header_size + capacity);
    const std::vector<std::uint8_t> head(fec->payload.begin(), fec->payload.begin() + 6);
    const std::vector<std::uint8_t> expected{0xFF, 0x00, 0x00, 0x03, 0x02, 0x42};
    BOOST_TEST(head == expected, boost::test_tools::per_element());
    BOOST_TEST(std::all_of(fec->payload.begin() + 6, fec->payload.end(), [](std::uint8_t b) { return b == 0; }));

    // The receiver that lost S rebuilds it: length 2, timestamp 0x10, "AB", R set, message 1.
    FecReceiver receiver(FecConfig{2, 1}, wire::SeqNo(77), capacity);
    wire::DataPacket second;
    second.seq = wire::SeqNo(78);
    second.message_number = wire::MsgNo(9);
    second.timestamp_us = 0x20;
    second.payload = c;
    BOOST_TEST(receiver.on_packet(second).rebuilt.empty());
    wire::DataPacket fec_packet;
    fec_packet.seq = wire::SeqNo(78);
    fec_packet.message_number = wire::MsgNo(0);
    fec_packet.timestamp_us = fec->timestamp;
    fec_packet.payload = fec->payload;
    const auto& result = receiver.on_packet(fec_packet);
    BOOST_TEST(result.is_fec);
    BOOST_REQUIRE(result.rebuilt.size() == 1u);
    const wire::DataPacket& rebuilt = result.rebuilt.front();
    BOOST_TEST(rebuilt.seq.value() == 77u);
    BOOST_TEST(rebuilt.timestamp_us == 0x10u);
    BOOST_TEST(std::vector<std::uint8_t>(rebuilt.payload.begin(), rebuilt.payload.end()) == ab,
               boost::test_tools::per_element());
    BOOST_TEST(rebuilt.retransmitted);
    BOOST_TEST(rebuilt.message_number.value() == 1u);
}

namespace {

/// A random fec configuration: rows only, a matrix or columns only, either layout.
FecConfig random_config() {
    FecConfig config;
    config.cols = *rc::gen::inRange(2, 13);
    const int shape = *rc::gen::inRange(0, 3);
    const int depth = *rc::gen::inRange(2, 7);
    config.rows = shape == 0 ? 1 : shape == 1 ? depth : -depth;
    config.layout = *rc::gen::element(FecLayout::even, FecLayout::staircase);
    config.arq = *rc::gen::element(FecArq::never, FecArq::onreq, FecArq::always);
    return config;
}

}  // namespace

RC_BOOST_PROP(every_rebuilt_packet_is_the_lost_original_and_a_lone_loss_per_group_is_always_rebuilt, ()) {
    const FecConfig config = random_config();
    const wire::SeqNo isn(*rc::gen::element(0u, 123456u, wire::SeqNo::max_value - 40u));
    const int count = *rc::gen::inRange(1, 6 * config.cols * config.column_depth());
    const auto sent = send_stream(config, isn, count, [](int) {
        return *rc::gen::container<std::vector<std::uint8_t>>(*rc::gen::inRange<std::size_t>(0, capacity + 1),
                                                              rc::gen::arbitrary<std::uint8_t>());
    });
    // Losses: random, or at most one data packet per row (which rows FEC must then rebuild).
    const bool lone_losses = config.sends_rows() && *rc::gen::arbitrary<bool>();
    const int loss_percent = *rc::gen::inRange(0, 30);
    std::set<std::uint32_t> lost_data;
    std::set<int> rows_with_loss;
    std::vector<const SentPacket*> arriving;
    for (const SentPacket& p : sent) {
        const int offset = wire::SeqNo::offset(isn, p.seq);
        bool lose = *rc::gen::inRange(0, 100) < loss_percent;
        if (lone_losses) lose = lose && !p.fec && rows_with_loss.insert(offset / config.cols).second;
        if (!lose)
            arriving.push_back(&p);
        else if (!p.fec)
            lost_data.insert(p.seq.value());
    }
    std::map<std::uint32_t, const SentPacket*> originals;
    for (const SentPacket& p : sent)
        if (!p.fec) originals[p.seq.value()] = &p;

    FecReceiver receiver(config, isn, capacity);
    std::set<std::uint32_t> rebuilt;
    for (const SentPacket* p : arriving) {
        const auto packet = as_received(*p);
        const auto& result = receiver.on_packet(packet);
        RC_ASSERT(result.is_fec == p->fec);
        for (const wire::DataPacket& r : result.rebuilt) {
            RC_ASSERT(lost_data.count(r.seq.value()) == 1u);
            RC_ASSERT(rebuilt.insert(r.seq.value()).second);
            const SentPacket& original = *originals.at(r.seq.value());
            RC_ASSERT(r.timestamp_us == original.timestamp);
            RC_ASSERT(r.key == original.key);
            RC_ASSERT(std::equal(r.payload.begin(), r.payload.end(), original.payload.begin(), original.payload.end()));
        }
    }
    RC_CLASSIFY(!rebuilt.empty(), "some rebuilt");
    if (lone_losses) {
        // A lost packet in a row whose FEC packet was sent (the row is complete) comes back.
        const int complete_rows = count / config.cols;
        for (const std::uint32_t seq : lost_data)
            if (wire::SeqNo::offset(isn, wire::SeqNo(seq)) / config.cols < complete_rows)
                RC_ASSERT(rebuilt.count(seq) == 1u);
    }
}

BOOST_AUTO_TEST_CASE(two_losses_in_a_row_come_back_through_the_columns_and_then_the_row) {
    // Even 4 × 4: lose two packets of row 1; each column rebuilds one (the row alone cannot).
    const FecConfig config{4, 4, FecLayout::even, FecArq::never};
    const wire::SeqNo isn(1000);
    const auto sent = send_stream(config, isn, 16,
                                  [](int i) { return std::vector<std::uint8_t>(100, static_cast<std::uint8_t>(i)); });
    FecReceiver receiver(config, isn, capacity);
    std::set<std::uint32_t> rebuilt;
    for (const SentPacket& p : sent) {
        if (!p.fec && (p.seq == isn.plus(5) || p.seq == isn.plus(6))) continue;
        for (const auto& r : receiver.on_packet(as_received(p)).rebuilt) rebuilt.insert(r.seq.value());
    }
    const std::set<std::uint32_t> expected{isn.plus(5).value(), isn.plus(6).value()};
    BOOST_TEST(rebuilt == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(with_arq_onreq_what_a_row_cannot_rebuild_is_given_up_once_a_row_later) {
    const FecConfig config{5, 1, FecLayout::staircase, FecArq::onreq};
    const wire::SeqNo isn(wire::SeqNo::max_value - 3);  // across the wrap
    const auto sent = send_stream(config, isn, 20, [](int) { return std::vector<std::uint8_t>(50, 7); });
    FecReceiver receiver(config, isn, capacity);
    std::vector<wire::LossRange> given_up;
    int given_up_at = -1;
    for (const SentPacket& p : sent) {
        if (!p.fec && (p.seq == isn.plus(1) || p.seq == isn.plus(2))) continue;  // two in row 0
        const auto& result = receiver.on_packet(as_received(p));
        BOOST_TEST(result.rebuilt.empty());
        if (!result.given_up.empty()) {
            BOOST_TEST(given_up.empty(), "reported twice");
            given_up = result.given_up;
            given_up_at = wire::SeqNo::offset(isn, p.seq);
        }
    }
    BOOST_REQUIRE(given_up.size() == 1u);
    BOOST_TEST((given_up.front() == wire::LossRange{isn.plus(1), isn.plus(2)}));
    BOOST_TEST(given_up_at == 10);  // the first packet two rows after row 0's start (libsrt)
}

RC_BOOST_PROP(with_arq_onreq_every_loss_fec_cannot_rebuild_is_given_up_once_within_two_rows_or_a_matrix, ()) {
    FecConfig config = random_config();
    config.arq = FecArq::onreq;
    const wire::SeqNo isn(*rc::gen::element(0u, 123456u, wire::SeqNo::max_value - 40u));
    const int matrix = config.cols * (config.has_columns() ? config.column_depth() : 1);
    const int count = *rc::gen::inRange(1, 12 * matrix);
    // No FEC packet arrives, so nothing is rebuilt and every lost packet must be given up: when
    // a packet at least a row past it arrives (its row's or column's group is then over), and
    // by the time one two rows or a matrix past it does. Runs of losses stay shorter than a row:
    // a longer gap may restart the receiver's window, which drops what it had not reported.
    const int loss_percent = *rc::gen::inRange(0, 40);
    const int latest = std::max(matrix, 2 * config.cols);
    FecReceiver receiver(config, isn, capacity);
    std::map<int, int> reported_at;  // lost offset → offset of the packet whose arrival reported it
    std::set<int> lost;
    int run = 0;
    int previous_arrival = -1;
    for (int offset = 0; offset < count; ++offset) {
        if (run + 1 < config.cols && *rc::gen::inRange(0, 100) < loss_percent) {
            lost.insert(offset);
            ++run;
            continue;
        }
        run = 0;
        SentPacket p;
        p.seq = isn.plus(offset);
        p.payload.assign(20, 1);
        const auto& result = receiver.on_packet(as_received(p));
        RC_ASSERT(result.rebuilt.empty());
        for (const wire::LossRange& range : result.given_up) {
            for (wire::SeqNo seq = range.first;; seq = seq.next()) {
                const int given_up = wire::SeqNo::offset(isn, seq);
                RC_ASSERT(lost.count(given_up) == 1u);
                RC_ASSERT(reported_at.emplace(given_up, offset).second);  // once
                RC_ASSERT(offset >= given_up + config.cols);
                RC_ASSERT(previous_arrival < given_up + latest);  // not later than needed
                if (seq == range.last) break;
            }
        }
        previous_arrival = offset;
    }
    for (const int offset : lost)
        if (previous_arrival >= offset + latest) RC_ASSERT(reported_at.count(offset) == 1u);
    RC_CLASSIFY(config.has_columns(), "columns");
    RC_CLASSIFY(!reported_at.empty(), "some given up");
}

RC_BOOST_PROP(hostile_fec_packets_never_rebuild_what_was_not_lost_nor_crash, ()) {
    const FecConfig config = random_config();
    const wire::SeqNo isn(*rc::gen::inRange<std::uint32_t>(0, wire::SeqNo::max_value + 1));
    FecReceiver receiver(config, isn, capacity);
    std::set<std::uint32_t> received;
    const int steps = *rc::gen::inRange(1, 300);
    for (int i = 0; i < steps; ++i) {
        wire::DataPacket packet;
        packet.seq = isn.plus(*rc::gen::inRange(-50, 5000));
        const bool fec = *rc::gen::arbitrary<bool>();
        packet.message_number = wire::MsgNo(fec ? 0 : 3);
        packet.timestamp_us = *rc::gen::arbitrary<std::uint32_t>();
        const auto bytes = *rc::gen::container<std::vector<std::uint8_t>>(
            *rc::gen::inRange<std::size_t>(0, capacity + 40), rc::gen::arbitrary<std::uint8_t>());
        packet.payload = bytes;
        // (A data payload longer than the peer may send is not the peer's: not clipped, not counted.)
        if (!fec && bytes.size() <= capacity) received.insert(packet.seq.value());
        const auto& result = receiver.on_packet(packet);
        for (const auto& r : result.rebuilt) {
            RC_ASSERT(r.payload.size() <= capacity);
            RC_ASSERT(received.count(r.seq.value()) == 0u);  // only what never arrived
        }
    }
}
