#include "core/ack_history.hpp"

namespace websrt::core {

std::int32_t next_ack_number(std::int32_t current) { return current >= 0x7FFF'FFFF || current < 1 ? 1 : current + 1; }

void AckHistory::record(std::int32_t ack_number, wire::SeqNo ack_seq, Micros sent_time) {
    entries_[static_cast<std::uint32_t>(ack_number) % capacity] = {ack_number, ack_seq, sent_time};
}

std::optional<AckHistory::Acked> AckHistory::acknowledge(std::int32_t ack_number, Micros now) {
    if (ack_number <= 0) return std::nullopt;
    Entry& entry = entries_[static_cast<std::uint32_t>(ack_number) % capacity];
    if (entry.ack_number != ack_number) return std::nullopt;
    entry.ack_number = 0;
    return Acked{now - entry.sent_time, entry.ack_seq};
}

}  // namespace websrt::core
