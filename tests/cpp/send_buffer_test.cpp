// SendBuffer: sequence and message numbering, the unsent cursor, acknowledgement, too-late drop.
#define BOOST_TEST_MODULE send_buffer
#include <boost/test/unit_test.hpp>

#include <vector>

#include "core/send_buffer.hpp"

using websrt::core::SendBuffer;
using websrt::wire::SeqNo;

namespace {
const std::vector<std::uint8_t> payload(100, 0xAB);
}

BOOST_AUTO_TEST_CASE(submitted_messages_get_consecutive_seqs_from_the_isn_and_msgnos_from_one) {
    SendBuffer buffer(8, 1456);
    buffer.set_initial_seq(SeqNo(SeqNo::max_value));  // wraps to 0 after the first packet
    for (int i = 0; i < 3; ++i) BOOST_TEST((buffer.submit(payload, 1000 + i, false) == SendBuffer::SubmitOutcome::ok));
    const auto* first = buffer.next_unsent();
    BOOST_REQUIRE(first);
    BOOST_TEST(first->seq.value() == SeqNo::max_value);
    BOOST_TEST(first->msgno.value() == 1u);
    buffer.mark_sent(first->seq, 2000);
    BOOST_TEST(buffer.next_unsent()->seq.value() == 0u);
    BOOST_TEST(buffer.next_unsent()->msgno.value() == 2u);
    BOOST_TEST(buffer.unsent_packets() == 2);
    BOOST_TEST(buffer.bytes() == 300);
}

BOOST_AUTO_TEST_CASE(a_full_buffer_and_an_oversized_message_are_refused) {
    SendBuffer buffer(2, 50);
    BOOST_TEST((buffer.submit(payload, 0, false) == SendBuffer::SubmitOutcome::too_large));
    const std::vector<std::uint8_t> small(10);
    BOOST_TEST((buffer.submit(small, 0, false) == SendBuffer::SubmitOutcome::ok));
    BOOST_TEST((buffer.submit(small, 0, false) == SendBuffer::SubmitOutcome::ok));
    BOOST_TEST((buffer.submit(small, 0, false) == SendBuffer::SubmitOutcome::full));
}

BOOST_AUTO_TEST_CASE(acknowledge_frees_everything_before_the_ack_and_ignores_acks_beyond_what_was_sent) {
    SendBuffer buffer(8, 1456);
    buffer.set_initial_seq(SeqNo(100));
    for (int i = 0; i < 5; ++i) buffer.submit(payload, i, false);
    for (int i = 0; i < 3; ++i) buffer.mark_sent(SeqNo(100 + i), 10);
    BOOST_TEST(buffer.acknowledge(SeqNo(104)) == 0);  // 103 and 104 were never sent
    BOOST_TEST(buffer.acknowledge(SeqNo(102)) == 2);
    BOOST_TEST(buffer.first_seq().value() == 102u);
    BOOST_TEST(!buffer.find(SeqNo(101)));
    BOOST_TEST(buffer.find(SeqNo(102)));
    BOOST_TEST(buffer.acknowledge(SeqNo(101)) == 0);  // stale
    BOOST_TEST(buffer.packets() == 3);
}

BOOST_AUTO_TEST_CASE(drop_too_late_drops_from_the_front_sent_or_not_and_reports_the_range) {
    SendBuffer buffer(8, 1456);
    buffer.set_initial_seq(SeqNo(10));
    for (int i = 0; i < 4; ++i) buffer.submit(payload, i * 100, false);  // origin 0, 100, 200, 300
    buffer.mark_sent(SeqNo(10), 0);
    const auto dropped = buffer.drop_too_late(1250, 1000);  // older than 250
    BOOST_REQUIRE(dropped);
    BOOST_TEST(dropped->first.value() == 10u);
    BOOST_TEST(dropped->last.value() == 12u);
    BOOST_TEST(dropped->first_msgno.value() == 1u);
    BOOST_TEST(dropped->packets == 3);
    BOOST_TEST(dropped->bytes == 300);
    BOOST_REQUIRE(buffer.next_unsent());
    BOOST_TEST(buffer.next_unsent()->seq.value() == 13u);
    BOOST_TEST(!buffer.drop_too_late(1250, 1000));
}

BOOST_AUTO_TEST_CASE(storage_is_held_only_until_messages_are_acknowledged) {
    SendBuffer buffer(8192, 1456);
    BOOST_TEST(buffer.allocated_bytes() == 0u);
    buffer.set_initial_seq(SeqNo(0));
    for (int i = 0; i < 40; ++i)
        BOOST_REQUIRE((buffer.submit(payload, 1000 + i, false) == SendBuffer::SubmitOutcome::ok));
    const auto while_buffered = buffer.allocated_bytes();
    BOOST_TEST(while_buffered > 0u);
    BOOST_TEST(while_buffered < 40u * 1456u + 15'000u);  // 40 payloads and three metadata blocks
    for (int i = 0; i < 40; ++i) buffer.mark_sent(SeqNo(static_cast<std::uint32_t>(i)), 2000);
    BOOST_TEST(buffer.acknowledge(SeqNo(40)) == 40);
    BOOST_TEST(buffer.allocated_bytes() <= 16u * 1456u + 5'000u);  // a spare block and 16 spare payloads kept
    BOOST_TEST((buffer.submit(payload, 3000, false) == SendBuffer::SubmitOutcome::ok));
    BOOST_TEST(buffer.next_unsent()->payload()[0] == 0xAB);
}
