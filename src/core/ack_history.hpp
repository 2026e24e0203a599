// The receiver's record of full ACKs sent, to measure the RTT when the ACKACK comes back
// (libsrt CACKWindow, 1024 entries; draft-sharabayko-srt §4.10).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "core/time.hpp"
#include "wire/seq.hpp"

namespace websrt::core {

/// ACK numbers count from 1 and wrap after 0x7FFFFFFF back to 1; 0 marks a light ACK
/// (libsrt m_iAckSeqNo, CAckNo::incack).
std::int32_t next_ack_number(std::int32_t current);

class AckHistory {
public:
    static constexpr std::size_t capacity = 1024;

    void record(std::int32_t ack_number, wire::SeqNo ack_seq, Micros sent_time);

    struct Acked {
        Micros rtt;
        wire::SeqNo ack_seq;
    };
    /// The entry for an ACKACK's number, removed; nothing when unknown or already overwritten.
    std::optional<Acked> acknowledge(std::int32_t ack_number, Micros now);

private:
    struct Entry {
        std::int32_t ack_number = 0;
        wire::SeqNo ack_seq;
        Micros sent_time = 0;
    };
    std::array<Entry, capacity> entries_{};
};

}  // namespace websrt::core
