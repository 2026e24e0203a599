// SRT's modular sequence arithmetic: 31-bit packet sequence numbers and 26-bit message numbers.
// Ordering is defined within half the number space, as libsrt's CSeqNo (srtcore/common.h) does:
// two numbers closer than the threshold compare directly, otherwise the wrap is assumed.
#pragma once

#include <compare>
#include <cstdint>

namespace websrt::wire {

template <unsigned Bits>
class ModularNumber {
public:
    static constexpr std::uint32_t max_value = (std::uint32_t{1} << Bits) - 1;
    /// Half the space, less one: libsrt's m_iSeqNoTH (0x3FFFFFFF for 31-bit sequence numbers).
    static constexpr std::int32_t threshold = static_cast<std::int32_t>(max_value >> 1);

    constexpr ModularNumber() = default;
    /// Masks to `Bits` bits, so any 32-bit word from the wire is a valid number.
    constexpr explicit ModularNumber(std::uint32_t raw) noexcept : value_(raw & max_value) {}

    [[nodiscard]] constexpr std::uint32_t value() const noexcept { return value_; }

    /// The number `count` places later (count may be negative), wrapping at max_value.
    [[nodiscard]] constexpr ModularNumber plus(std::int64_t count) const noexcept {
        constexpr std::int64_t span = std::int64_t{max_value} + 1;
        std::int64_t v = (std::int64_t{value_} + count) % span;
        if (v < 0) v += span;
        return ModularNumber(static_cast<std::uint32_t>(v));
    }
    [[nodiscard]] constexpr ModularNumber next() const noexcept { return plus(1); }
    [[nodiscard]] constexpr ModularNumber prev() const noexcept { return plus(-1); }

    /// Signed distance from `from` to `to` (libsrt's seqoff): positive when `to` is later.
    static constexpr std::int32_t offset(ModularNumber from, ModularNumber to) noexcept {
        const std::int64_t diff = std::int64_t{to.value_} - std::int64_t{from.value_};
        if (diff > -threshold && diff < threshold) return static_cast<std::int32_t>(diff);
        constexpr std::int64_t span = std::int64_t{max_value} + 1;
        return static_cast<std::int32_t>(diff < 0 ? diff + span : diff - span);
    }

    /// Number of values in the inclusive range [first, last] (libsrt's seqlen).
    static constexpr std::uint32_t length(ModularNumber first, ModularNumber last) noexcept {
        return first.value_ <= last.value_ ? last.value_ - first.value_ + 1
                                           : last.value_ + (max_value - first.value_) + 2;
    }

    friend constexpr bool operator==(ModularNumber, ModularNumber) = default;
    /// Circular order (libsrt's seqcmp): valid while the two are within `threshold` of each other.
    friend constexpr std::strong_ordering operator<=>(ModularNumber a, ModularNumber b) noexcept {
        return offset(b, a) <=> 0;
    }

private:
    std::uint32_t value_ = 0;
};

/// Packet sequence number: 31 bits (draft-sharabayko-srt §3.1, "Packet Sequence Number").
using SeqNo = ModularNumber<31>;

/// Message number: 26 bits (draft-sharabayko-srt §3.1, "Message Number"). libsrt never uses 0:
/// after 0x3FFFFFF the next message is 1 (srtcore/buffer_snd.cpp, MSGNO_SEQ).
class MsgNo : public ModularNumber<26> {
public:
    using ModularNumber<26>::ModularNumber;
    constexpr MsgNo(ModularNumber<26> n) noexcept : ModularNumber<26>(n) {}  // NOLINT
    [[nodiscard]] constexpr MsgNo next_message() const noexcept {
        return value() == max_value ? MsgNo(1) : MsgNo(value() + 1);
    }
};

}  // namespace websrt::wire
