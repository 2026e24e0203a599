// ReceiveBuffer: TSBPD delivery in sequence order, gaps, too-late drop, ACK point, DROPREQ.
#define BOOST_TEST_MODULE receive_buffer
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <algorithm>
#include <set>
#include <vector>

#include "core/receive_buffer.hpp"

using websrt::core::ReceiveBuffer;
using websrt::wire::MsgNo;
using websrt::wire::SeqNo;

namespace {
std::vector<std::uint8_t> message(std::uint8_t tag) { return std::vector<std::uint8_t>(10, tag); }
using Outcome = ReceiveBuffer::InsertOutcome;
}  // namespace

BOOST_AUTO_TEST_CASE(a_packet_is_delivered_only_when_its_time_has_come) {
    ReceiveBuffer buffer(16, 1456, SeqNo(5));
    BOOST_TEST((buffer.insert(SeqNo(5), message(1), 1000, MsgNo(1), false) == Outcome::inserted));
    BOOST_TEST(!buffer.pop_ready(999, true));
    const auto delivered = buffer.pop_ready(1000, true);
    BOOST_REQUIRE(delivered);
    BOOST_TEST(delivered->seq.value() == 5u);
    BOOST_TEST(delivered->payload[0] == 1);
    BOOST_TEST(delivered->dropped_before == 0);
    BOOST_TEST(buffer.delivery_point().value() == 6u);
}

BOOST_AUTO_TEST_CASE(bringing_forward_makes_every_held_packet_due_sooner) {
    ReceiveBuffer buffer(16, 1456, SeqNo(0));
    buffer.insert(SeqNo(0), message(0), 5000, MsgNo(1), false);
    buffer.insert(SeqNo(2), message(2), 6000, MsgNo(3), false);
    buffer.bring_forward(4000);
    BOOST_TEST(buffer.next_delivery_time().value() == 1000);
    BOOST_TEST(buffer.pop_ready(1000, true)->seq.value() == 0u);
    BOOST_TEST(buffer.pop_ready(2000, true)->seq.value() == 2u);
}

BOOST_AUTO_TEST_CASE(a_gap_holds_the_ack_point_and_is_dropped_only_with_tlpktdrop) {
    ReceiveBuffer buffer(16, 1456, SeqNo(0));
    buffer.insert(SeqNo(0), message(0), 100, MsgNo(1), false);
    buffer.insert(SeqNo(2), message(2), 300, MsgNo(3), false);
    BOOST_TEST(buffer.ack_point().value() == 1u);
    BOOST_TEST(buffer.first_missing()->value() == 1u);
    BOOST_TEST(buffer.pop_ready(1000, false)->seq.value() == 0u);
    BOOST_TEST(!buffer.pop_ready(1000, false));  // head missing, no TLPKTDROP: wait
    const auto delivered = buffer.pop_ready(1000, true);
    BOOST_REQUIRE(delivered);
    BOOST_TEST(delivered->seq.value() == 2u);
    BOOST_TEST(delivered->dropped_before == 1);
    BOOST_TEST((buffer.insert(SeqNo(1), message(1), 200, MsgNo(2), false) == Outcome::too_old));
}

BOOST_AUTO_TEST_CASE(duplicates_and_packets_beyond_the_ring_are_refused) {
    ReceiveBuffer buffer(4, 1456, SeqNo(SeqNo::max_value));
    BOOST_TEST((buffer.insert(SeqNo(SeqNo::max_value), message(0), 0, MsgNo(1), false) == Outcome::inserted));
    BOOST_TEST((buffer.insert(SeqNo(SeqNo::max_value), message(0), 0, MsgNo(1), false) == Outcome::duplicate));
    BOOST_TEST(
        (buffer.insert(SeqNo(2), message(0), 0, MsgNo(1), false) == Outcome::inserted));  // offset 3 across the wrap
    BOOST_TEST((buffer.insert(SeqNo(3), message(0), 0, MsgNo(1), false) == Outcome::beyond_capacity));
    BOOST_TEST(buffer.available_capacity() == 0);
}

BOOST_AUTO_TEST_CASE(a_drop_request_skips_only_what_never_arrived) {
    ReceiveBuffer buffer(16, 1456, SeqNo(0));
    buffer.insert(SeqNo(1), message(1), 0, MsgNo(1), false);
    buffer.insert(SeqNo(4), message(4), 0, MsgNo(1), false);
    BOOST_TEST(!buffer.pop_ready(0, false));  // 0 is missing: without TLPKTDROP, wait
    buffer.forget_missing(SeqNo(0), SeqNo(3));
    // 2 arrives late but in time: kept. 1 and 2 are delivered; 0 and 3 are skipped.
    buffer.insert(SeqNo(2), message(2), 0, MsgNo(1), false);
    const auto first = buffer.pop_ready(0, false);
    BOOST_REQUIRE(first);
    BOOST_TEST(first->seq.value() == 1u);
    BOOST_TEST(first->dropped_before == 1);
    BOOST_TEST(buffer.pop_ready(0, false)->seq.value() == 2u);
    const auto last = buffer.pop_ready(0, false);
    BOOST_REQUIRE(last);
    BOOST_TEST(last->seq.value() == 4u);
    BOOST_TEST(last->dropped_before == 1);
}

BOOST_AUTO_TEST_CASE(a_drop_request_forgets_only_its_range_and_a_missing_packet_before_it_is_awaited) {
    ReceiveBuffer buffer(16, 1456, SeqNo(0));
    buffer.insert(SeqNo(5), message(5), 0, MsgNo(6), false);
    buffer.forget_missing(SeqNo(2), SeqNo(4));  // message 3-5 given up; 0 and 1 were not
    BOOST_TEST(buffer.skip_forgotten() == 0);
    BOOST_TEST(!buffer.pop_ready(0, false));  // 0 is missing and not given up: wait
    buffer.insert(SeqNo(0), message(0), 0, MsgNo(1), false);
    BOOST_TEST(buffer.pop_ready(0, false)->seq.value() == 0u);
    BOOST_TEST(!buffer.pop_ready(0, false));  // 1 is still awaited
    buffer.insert(SeqNo(1), message(1), 0, MsgNo(2), false);
    BOOST_TEST(buffer.pop_ready(0, false)->seq.value() == 1u);
    BOOST_TEST(buffer.skip_forgotten() == 3);  // 2, 3, 4
    const auto last = buffer.pop_ready(0, false);
    BOOST_REQUIRE(last);
    BOOST_TEST(last->seq.value() == 5u);
}

BOOST_AUTO_TEST_CASE(a_forgotten_range_beyond_the_ring_does_not_hold_up_what_follows) {
    ReceiveBuffer buffer(8, 1456, SeqNo(0));
    buffer.forget_missing(SeqNo(0), SeqNo(19));
    BOOST_TEST(buffer.skip_forgotten() == 20);
    BOOST_TEST(buffer.delivery_point().value() == 20u);
    BOOST_TEST((buffer.insert(SeqNo(20), message(20), 0, MsgNo(21), false) == Outcome::inserted));
    BOOST_TEST(buffer.pop_ready(0, false)->seq.value() == 20u);
}

RC_BOOST_PROP(every_inserted_packet_is_delivered_once_in_sequence_order, (std::vector<std::uint16_t> arrivals)) {
    const SeqNo start(SeqNo::max_value - 20);  // exercise the 31-bit wrap
    ReceiveBuffer buffer(512, 16, start);
    std::set<int> inserted;
    for (std::uint16_t a : arrivals) {
        const int offset = a % 300;
        const std::uint8_t tag = static_cast<std::uint8_t>(offset);
        const auto outcome =
            buffer.insert(start.plus(offset), std::vector<std::uint8_t>(1, tag), offset, MsgNo(1), false);
        RC_ASSERT((outcome == Outcome::inserted) == inserted.insert(offset).second);
    }
    std::vector<int> delivered;
    while (auto d = buffer.pop_ready(1'000'000, true)) delivered.push_back(SeqNo::offset(start, d->seq));
    RC_ASSERT(delivered == std::vector<int>(inserted.begin(), inserted.end()));
    RC_ASSERT(buffer.packets() == 0);
}

RC_BOOST_PROP(with_tlpktdrop_the_first_packet_held_is_the_next_due_and_delivered_whatever_the_gaps, ()) {
    // Capacities around the 64-slot words the buffer finds packets by, a start near the wrap.
    const int capacity = *rc::gen::element(1, 63, 64, 65, 100, 130);
    const SeqNo start(*rc::gen::element(0u, 1000u, SeqNo::max_value - 70u));
    ReceiveBuffer buffer(capacity, 1456, start);
    std::set<int> held;  // offsets from `start` of the packets held (the model)
    int delivery_point = 0;
    const int operations = *rc::gen::inRange(1, 300);
    for (int op = 0; op < operations; ++op) {
        if (*rc::gen::inRange(0, 3) != 0) {
            const int offset = delivery_point + *rc::gen::inRange(0, capacity);
            const auto outcome = buffer.insert(start.plus(offset), message(1), 1000 + offset, MsgNo(1), false);
            RC_ASSERT((outcome == Outcome::inserted) == held.insert(offset).second);
        } else {
            const auto delivered = buffer.pop_ready(1'000'000, true);
            RC_ASSERT(delivered.has_value() == !held.empty());
            if (delivered) {
                RC_ASSERT(delivered->seq == start.plus(*held.begin()));
                delivery_point = *held.begin() + 1;
                held.erase(held.begin());
            }
        }
        const auto due = buffer.next_delivery_time();
        RC_ASSERT(due.has_value() == !held.empty());
        if (due) RC_ASSERT(*due == 1000 + *held.begin());
    }
}

BOOST_AUTO_TEST_CASE(storage_is_held_only_for_the_packets_buffered) {
    // 8192 packets of capacity (12 MB) cost nothing until packets arrive, and go back as they
    // are delivered: memory follows latency × rate, not the configured capacity.
    ReceiveBuffer buffer(8192, 1456, SeqNo(0));
    BOOST_TEST(buffer.allocated_bytes() == 0u);
    for (std::uint32_t seq = 0; seq < 20; ++seq) buffer.insert(SeqNo(seq), message(1), 1000, MsgNo(seq + 1), false);
    const auto while_buffered = buffer.allocated_bytes();
    BOOST_TEST(while_buffered > 0u);
    BOOST_TEST(while_buffered < 20u * 1456u + 10'000u);  // 20 payloads and two metadata blocks
    for (int i = 0; i < 20; ++i) BOOST_REQUIRE(buffer.pop_ready(1000, true));
    BOOST_REQUIRE(!buffer.pop_ready(1000, true));           // gives back the last delivered slot
    BOOST_TEST(buffer.allocated_bytes() < while_buffered);  // a spare block and 16 spare payloads kept
    BOOST_TEST(buffer.allocated_bytes() <= 16u * 1456u + 5'000u);
}

BOOST_AUTO_TEST_CASE(a_packet_every_sixteen_sequence_numbers_pins_one_payload_not_a_block) {
    // The sparse-sequence attack: one packet per metadata block. Each must cost about one
    // payload, not sixteen (23 KB each before).
    ReceiveBuffer buffer(8192, 1456, SeqNo(0));
    for (std::uint32_t i = 0; i < 500; ++i) buffer.insert(SeqNo(i * 16), message(1), 1000, MsgNo(i + 1), false);
    BOOST_TEST(buffer.packets() == 500);
    BOOST_TEST(buffer.allocated_bytes() < 500u * (1456u + 2'000u));
}

BOOST_AUTO_TEST_CASE(a_delivered_payload_stays_readable_until_the_next_change) {
    ReceiveBuffer buffer(64, 1456, SeqNo(0));
    buffer.insert(SeqNo(0), message(7), 10, MsgNo(1), false);
    const auto delivered = buffer.pop_ready(10, true);
    BOOST_REQUIRE(delivered);
    BOOST_TEST(delivered->payload.size() == 10u);
    BOOST_TEST(delivered->payload[9] == 7);
}

namespace {
using websrt::wire::PacketPosition;
constexpr bool whole_messages = true;
/// Inserts packet `seq` of message `msgno` (its byte: the sequence number) at its place.
void insert_part(ReceiveBuffer& buffer, std::uint32_t seq, std::uint32_t msgno, PacketPosition position) {
    buffer.insert(SeqNo(seq), message(static_cast<std::uint8_t>(seq)), 0, MsgNo(msgno), false, position);
}
}  // namespace

BOOST_AUTO_TEST_CASE(the_message_api_delivers_a_message_of_several_packets_whole_once_all_are_in) {
    ReceiveBuffer buffer(16, 1456, SeqNo(0), whole_messages);
    insert_part(buffer, 0, 1, PacketPosition::first);
    insert_part(buffer, 2, 1, PacketPosition::last);
    BOOST_TEST(!buffer.ready_size(0, false));  // the middle packet is missing
    BOOST_TEST(buffer.ack_point().value() == 1u);
    insert_part(buffer, 1, 1, PacketPosition::middle);
    BOOST_TEST(buffer.ready_size(0, false).value() == 30u);
    std::vector<std::uint8_t> out(29);
    BOOST_TEST(!buffer.pop_message(0, false, out));  // too small: nothing taken
    out.resize(30);
    const auto delivered = buffer.pop_message(0, false, out);
    BOOST_REQUIRE(delivered);
    BOOST_TEST(delivered->payload.size() == 30u);
    BOOST_TEST(delivered->msgno.value() == 1u);
    BOOST_TEST((out[0] == 0 && out[10] == 1 && out[20] == 2));
    BOOST_TEST(buffer.delivery_point().value() == 3u);
}

BOOST_AUTO_TEST_CASE(a_message_given_up_in_part_is_dropped_whole_and_solo_packets_are_kept) {
    ReceiveBuffer buffer(16, 1456, SeqNo(0), whole_messages);
    insert_part(buffer, 0, 1, PacketPosition::solo);
    insert_part(buffer, 1, 2, PacketPosition::first);
    insert_part(buffer, 2, 2, PacketPosition::middle);
    insert_part(buffer, 5, 3, PacketPosition::solo);
    // The sender gives up message 2 from packet 3 on (packets 1 and 2 were acknowledged, so it
    // names only the rest): the receiver walks back to the message's first packet.
    buffer.drop_message(SeqNo(3), SeqNo(4), MsgNo(2));
    BOOST_TEST(buffer.skip_forgotten() == 0);  // message 1 is still there to deliver first
    std::vector<std::uint8_t> out(1456);
    BOOST_TEST(buffer.pop_message(0, false, out)->msgno.value() == 1u);
    BOOST_TEST(buffer.discard_undeliverable(false) == 2);  // packets 1 and 2, which arrived
    const auto next = buffer.pop_message(0, false, out);
    BOOST_REQUIRE(next);
    BOOST_TEST(next->dropped_before == 2);  // packets 3 and 4, which never did
    BOOST_TEST(next->msgno.value() == 3u);
    BOOST_TEST(next->seq.value() == 5u);
}

BOOST_AUTO_TEST_CASE(packets_whose_first_packet_is_gone_are_discarded_not_held) {
    ReceiveBuffer buffer(16, 1456, SeqNo(0), whole_messages);
    // The message's first packet (seq 0) was forgotten (DROPREQ) and never came; its last did.
    buffer.forget_missing(SeqNo(0), SeqNo(0));
    insert_part(buffer, 1, 7, PacketPosition::last);
    insert_part(buffer, 2, 8, PacketPosition::solo);
    BOOST_TEST(buffer.skip_forgotten() == 1);
    BOOST_TEST(buffer.discard_undeliverable(false) == 1);
    std::vector<std::uint8_t> out(1456);
    BOOST_TEST(buffer.pop_message(0, false, out)->msgno.value() == 8u);
}
