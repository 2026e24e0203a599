// Tests for wire/seq.hpp: 31-bit sequence and 26-bit message number arithmetic, checked at the
// wrap points and against a transcription of libsrt's CSeqNo (srtcore/common.h).
#define BOOST_TEST_MODULE seq
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <cstdint>
#include <cstdlib>

#include "test_support.hpp"
#include "wire/seq.hpp"

using websrt::wire::ModularNumber;
using websrt::wire::MsgNo;
using websrt::wire::SeqNo;

namespace {

/// libsrt's CSeqNo::seqcmp/seqoff/seqlen, computed in 64 bits for a number space of `Bits` bits
/// (m_iMaxSeqNo = 2^Bits - 1, m_iSeqNoTH = m_iMaxSeqNo / 2).
template <unsigned Bits>
struct LibsrtReference {
    static constexpr std::int64_t max_seq = (std::int64_t{1} << Bits) - 1;
    static constexpr std::int64_t threshold = max_seq / 2;

    static std::int64_t seqcmp(std::int64_t seq1, std::int64_t seq2) {
        return std::llabs(seq1 - seq2) < threshold ? seq1 - seq2 : seq2 - seq1;
    }
    static std::int64_t seqoff(std::int64_t seq1, std::int64_t seq2) {
        if (std::llabs(seq1 - seq2) < threshold) return seq2 - seq1;
        if (seq1 < seq2) return seq2 - seq1 - max_seq - 1;
        return seq2 - seq1 + max_seq + 1;
    }
    static std::int64_t seqlen(std::int64_t seq1, std::int64_t seq2) {
        return seq1 <= seq2 ? seq2 - seq1 + 1 : seq2 - seq1 + max_seq + 2;
    }
};

int sign(std::int64_t v) { return (v > 0) - (v < 0); }
int sign(std::strong_ordering o) { return o < 0 ? -1 : (o > 0 ? 1 : 0); }

/// A value of the `Bits`-bit space, often within 256 of either end.
template <unsigned Bits>
std::uint32_t random_value() {
    constexpr std::uint32_t max = ModularNumber<Bits>::max_value;
    return *rc::gen::weightedOneOf<std::uint32_t>({{2, rc::gen::inRange<std::uint32_t>(0, max + 1)},
                                                   {1, rc::gen::inRange<std::uint32_t>(max - 255, max + 1)},
                                                   {1, rc::gen::inRange<std::uint32_t>(0, 256)}});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sequence_numbers)

BOOST_AUTO_TEST_CASE(constants_match_libsrt) {
    BOOST_TEST(SeqNo::max_value == 0x7FFFFFFFu);
    BOOST_TEST(SeqNo::threshold == 0x3FFFFFFF);  // libsrt CSeqNo::m_iSeqNoTH
    BOOST_TEST(MsgNo::max_value == 0x3FFFFFFu);
    BOOST_TEST(MsgNo::threshold == 0x1FFFFFF);
}

BOOST_AUTO_TEST_CASE(construction_masks_to_31_bits) {
    BOOST_TEST(SeqNo(0x80000005u).value() == 5u);
    BOOST_TEST(SeqNo(0xFFFFFFFFu).value() == 0x7FFFFFFFu);
    BOOST_TEST(SeqNo().value() == 0u);
}

BOOST_AUTO_TEST_CASE(next_wraps_from_max_to_zero) {
    BOOST_TEST(SeqNo(0x7FFFFFFFu).next().value() == 0u);
    BOOST_TEST(SeqNo(0x7FFFFFFEu).next().value() == 0x7FFFFFFFu);
    BOOST_TEST(SeqNo(0).next().value() == 1u);
}

BOOST_AUTO_TEST_CASE(prev_wraps_from_zero_to_max) {
    BOOST_TEST(SeqNo(0).prev().value() == 0x7FFFFFFFu);
    BOOST_TEST(SeqNo(1).prev().value() == 0u);
}

BOOST_AUTO_TEST_CASE(plus_wraps_in_both_directions_and_by_more_than_the_space) {
    BOOST_TEST(SeqNo(0x7FFFFFF0u).plus(0x20).value() == 0x10u);
    BOOST_TEST(SeqNo(0x10u).plus(-0x20).value() == 0x7FFFFFF0u);
    BOOST_TEST(SeqNo(7).plus(std::int64_t{0x80000000}).value() == 7u);
    BOOST_TEST(SeqNo(7).plus(-std::int64_t{0x80000000} * 3 - 1).value() == 6u);
}

BOOST_AUTO_TEST_CASE(offset_across_the_wrap_is_small_and_signed) {
    BOOST_TEST(SeqNo::offset(SeqNo(0x7FFFFFFFu), SeqNo(0)) == 1);
    BOOST_TEST(SeqNo::offset(SeqNo(0), SeqNo(0x7FFFFFFFu)) == -1);
    BOOST_TEST(SeqNo::offset(SeqNo(0x7FFFFFF0u), SeqNo(0x10u)) == 0x20);
    BOOST_TEST(SeqNo::offset(SeqNo(0x10u), SeqNo(0x7FFFFFF0u)) == -0x20);
    BOOST_TEST(SeqNo::offset(SeqNo(100), SeqNo(100)) == 0);
    BOOST_TEST(SeqNo::offset(SeqNo(100), SeqNo(90)) == -10);
}

BOOST_AUTO_TEST_CASE(offset_at_the_threshold_assumes_a_wrap_like_libsrt) {
    // |diff| == m_iSeqNoTH is not "< threshold", so libsrt's seqoff takes the wrapped branch.
    BOOST_TEST(SeqNo::offset(SeqNo(0), SeqNo(0x3FFFFFFEu)) == 0x3FFFFFFE);
    BOOST_TEST(SeqNo::offset(SeqNo(0), SeqNo(0x3FFFFFFFu)) == -0x40000001);
    BOOST_TEST(SeqNo::offset(SeqNo(0x3FFFFFFFu), SeqNo(0)) == 0x40000001);
}

BOOST_AUTO_TEST_CASE(length_counts_the_inclusive_range_across_the_wrap) {
    BOOST_TEST(SeqNo::length(SeqNo(0x7FFFFFFEu), SeqNo(1)) == 4u);
    BOOST_TEST(SeqNo::length(SeqNo(0x7FFFFFFFu), SeqNo(0)) == 2u);
    BOOST_TEST(SeqNo::length(SeqNo(5), SeqNo(5)) == 1u);
    BOOST_TEST(SeqNo::length(SeqNo(5), SeqNo(9)) == 5u);
    BOOST_TEST(SeqNo::length(SeqNo(0), SeqNo(0x7FFFFFFFu)) == 0x80000000u);
}

BOOST_AUTO_TEST_CASE(ordering_near_the_wrap_puts_zero_after_max) {
    BOOST_TEST((SeqNo(0x7FFFFFFFu) < SeqNo(0)));
    BOOST_TEST((SeqNo(0) > SeqNo(0x7FFFFFFEu)));
    BOOST_TEST((SeqNo(0x7FFFFF00u) < SeqNo(0x100u)));
    BOOST_TEST((SeqNo(5) < SeqNo(6)));
    BOOST_TEST((SeqNo(6) >= SeqNo(6)));
    BOOST_TEST((SeqNo(6) == SeqNo(0x80000006u)));
    BOOST_TEST((SeqNo(6) != SeqNo(7)));
}

RC_BOOST_PROP(offset_inverts_plus_within_the_threshold, ()) {
    const SeqNo a(random_value<31>());
    const auto k = *rc::gen::inRange<std::int64_t>(-SeqNo::threshold + 1, SeqNo::threshold);
    RC_ASSERT(SeqNo::offset(a, a.plus(k)) == k);
    RC_ASSERT(SeqNo::offset(a.plus(k), a) == -k);
}

RC_BOOST_PROP(length_of_a_forward_run_is_its_offset_plus_one, ()) {
    const SeqNo a(random_value<31>());
    const auto k = *rc::gen::inRange<std::int64_t>(0, std::int64_t{SeqNo::max_value} + 1);
    RC_ASSERT(SeqNo::length(a, a.plus(k)) == static_cast<std::uint32_t>(k + 1));
}

RC_BOOST_PROP(plus_and_minus_cancel_and_next_prev_are_inverse, (std::int64_t k)) {
    const SeqNo a(random_value<31>());
    RC_ASSERT(a.plus(k).plus(-k) == a);
    RC_ASSERT(a.next().prev() == a);
    RC_ASSERT(a.prev().next() == a);
    RC_ASSERT(a.next() == a.plus(1));
}

RC_BOOST_PROP(order_agrees_with_offset_sign, ()) {
    const SeqNo a(random_value<31>());
    const SeqNo b(random_value<31>());
    RC_ASSERT(sign(a <=> b) == -sign(SeqNo::offset(a, b)));
    RC_ASSERT((a == b) == (SeqNo::offset(a, b) == 0));
}

RC_BOOST_PROP(matches_libsrt_seqoff_seqlen_seqcmp, ()) {
    using Ref = LibsrtReference<31>;
    const std::uint32_t a = random_value<31>();
    const std::uint32_t b = random_value<31>();
    RC_ASSERT(std::int64_t{SeqNo::offset(SeqNo(a), SeqNo(b))} == Ref::seqoff(a, b));
    RC_ASSERT(std::int64_t{SeqNo::length(SeqNo(a), SeqNo(b))} == Ref::seqlen(a, b));
    RC_ASSERT(sign(SeqNo(a) <=> SeqNo(b)) == sign(Ref::seqcmp(a, b)));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(message_numbers)

BOOST_AUTO_TEST_CASE(construction_masks_to_26_bits) {
    BOOST_TEST(MsgNo(0x04000001u).value() == 1u);
    BOOST_TEST(MsgNo(0xFFFFFFFFu).value() == 0x3FFFFFFu);
}

BOOST_AUTO_TEST_CASE(next_message_wraps_from_max_to_one_skipping_zero) {
    BOOST_TEST(MsgNo(0x3FFFFFFu).next_message().value() == 1u);
    BOOST_TEST(MsgNo(0x3FFFFFEu).next_message().value() == 0x3FFFFFFu);
    BOOST_TEST(MsgNo(1).next_message().value() == 2u);
    BOOST_TEST(MsgNo(0).next_message().value() == 1u);
}

BOOST_AUTO_TEST_CASE(plain_next_and_prev_wrap_through_zero) {
    BOOST_TEST(MsgNo(0x3FFFFFFu).next().value() == 0u);
    BOOST_TEST(MsgNo(0).prev().value() == 0x3FFFFFFu);
}

BOOST_AUTO_TEST_CASE(offset_and_length_across_the_26_bit_wrap) {
    BOOST_TEST(MsgNo::offset(MsgNo(0x3FFFFFFu), MsgNo(0)) == 1);
    BOOST_TEST(MsgNo::offset(MsgNo(0x3FFFFFFu), MsgNo(1)) == 2);
    BOOST_TEST(MsgNo::offset(MsgNo(1), MsgNo(0x3FFFFFFu)) == -2);
    BOOST_TEST(MsgNo::length(MsgNo(0x3FFFFFEu), MsgNo(1)) == 4u);
    BOOST_TEST((MsgNo(0x3FFFFFFu) < MsgNo(1)));
}

RC_BOOST_PROP(offset_inverts_plus_within_the_threshold, ()) {
    const MsgNo a(random_value<26>());
    const auto k = *rc::gen::inRange<std::int64_t>(-MsgNo::threshold + 1, MsgNo::threshold);
    RC_ASSERT(MsgNo::offset(a, a.plus(k)) == k);
}

RC_BOOST_PROP(length_of_a_forward_run_is_its_offset_plus_one, ()) {
    const MsgNo a(random_value<26>());
    const auto k = *rc::gen::inRange<std::int64_t>(0, MsgNo::threshold);
    RC_ASSERT(MsgNo::length(a, a.plus(k)) == static_cast<std::uint32_t>(k + 1));
}

RC_BOOST_PROP(next_message_is_never_zero_and_otherwise_next, ()) {
    const MsgNo a(random_value<26>());
    const MsgNo n = a.next_message();
    RC_ASSERT(n.value() != 0u);
    if (a.value() != MsgNo::max_value) RC_ASSERT(n == MsgNo(a.next()));
}

RC_BOOST_PROP(matches_libsrt_arithmetic_in_26_bits, ()) {
    using Ref = LibsrtReference<26>;
    const std::uint32_t a = random_value<26>();
    const std::uint32_t b = random_value<26>();
    RC_ASSERT(std::int64_t{MsgNo::offset(MsgNo(a), MsgNo(b))} == Ref::seqoff(a, b));
    RC_ASSERT(std::int64_t{MsgNo::length(MsgNo(a), MsgNo(b))} == Ref::seqlen(a, b));
    RC_ASSERT(sign(MsgNo(a) <=> MsgNo(b)) == sign(Ref::seqcmp(a, b)));
}

BOOST_AUTO_TEST_SUITE_END()
