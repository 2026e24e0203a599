// The NAK loss list: lost sequence numbers, with runs compressed into ranges
// (draft-sharabayko-srt §3.2.5, Appendix A: a range's first word has bit 31 set).
#pragma once

#include <vector>

#include "wire/byte_io.hpp"
#include "wire/result.hpp"
#include "wire/seq.hpp"

namespace websrt::wire {

/// Inclusive range of lost packets; `first == last` is a single loss.
struct LossRange {
    SeqNo first;
    SeqNo last;
    friend bool operator==(const LossRange&, const LossRange&) = default;
};

/// Decodes a NAK payload. A range start that is the last word, or is followed by another range
/// start, is an error; any other word sequence is accepted as sent.
Result<std::vector<LossRange>> decode_loss_list(Bytes payload);
/// Writes single losses as one word and ranges as two.
void write_loss_list(const std::vector<LossRange>& ranges, ByteWriter& out);

}  // namespace websrt::wire
