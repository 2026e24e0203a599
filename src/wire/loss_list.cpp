// NAK loss list coding (draft-sharabayko-srt Appendix A): a word with bit 31 clear is one lost
// sequence number; a word with bit 31 set starts a range whose last number is the next word.
#include "wire/loss_list.hpp"

namespace websrt::wire {

namespace {
constexpr std::uint32_t range_start_flag = 0x8000'0000u;
}

Result<std::vector<LossRange>> decode_loss_list(Bytes payload) {
    if (payload.size() % 4 != 0) return WireError::bad_length;
    ByteReader in(payload);
    std::vector<LossRange> ranges;
    ranges.reserve(payload.size() / 4);
    while (in.remaining() > 0) {
        const std::uint32_t word = in.u32();
        if ((word & range_start_flag) == 0) {
            ranges.push_back({SeqNo(word), SeqNo(word)});
            continue;
        }
        if (in.remaining() == 0) return WireError::truncated;
        const std::uint32_t last = in.u32();
        if (last & range_start_flag) return WireError::bad_value;
        ranges.push_back({SeqNo(word), SeqNo(last)});
    }
    return ranges;
}

void write_loss_list(const std::vector<LossRange>& ranges, ByteWriter& out) {
    for (const LossRange& r : ranges) {
        if (r.first == r.last) {
            out.u32(r.first.value());
        } else {
            out.u32(r.first.value() | range_start_flag);
            out.u32(r.last.value());
        }
    }
}

}  // namespace websrt::wire
