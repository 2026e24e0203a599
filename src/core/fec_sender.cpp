#include "core/fec_sender.hpp"

#include <algorithm>

namespace websrt::core {

namespace {

/// The group index a row's FEC packet carries; a column's carries the column number
/// (fec.cpp PackControl, a signed char).
constexpr std::int8_t row_index = -1;

}  // namespace

FecSender::FecSender(const FecConfig& config, wire::SeqNo first_seq, std::size_t capacity)
    : config_(config),
      matrix_(config.cols * config.column_depth()),
      row_(capacity),
      packet_(fec_header_size + capacity) {
    row_.base = first_seq;
    if (!config_.has_columns()) return;
    const auto offsets = fec_column_offsets(config_);
    columns_.reserve(offsets.size());
    for (const int offset : offsets) {
        columns_.emplace_back(capacity);
        columns_.back().base = first_seq.plus(offset);
    }
}

void FecSender::restart(Group& group, int groups, int stride) {
    group.base = group.base.plus(groups * stride);
    group.collected = 0;
    group.clip.reset();
}

void FecSender::on_data_sent(wire::SeqNo seq, std::uint32_t timestamp, wire::EncryptionKey key,
                             std::span<const std::uint8_t> payload) {
    if (payload.size() > row_.clip.payload.size()) return;  // cannot happen: the sender bounds payloads
    const int offset = wire::SeqNo::offset(row_.base, seq);
    if (offset < 0) return;
    // A row normally closes in next_packet(); sequence numbers skipped (messages whose TTL ran out
    // before they were sent) may leave it short. Then it is given up, and the row moves on to this
    // packet's, whole rows at a time, so that the groups stay where the receiver expects them
    // (libsrt moves one row per packet, and may send FEC of misaligned groups meanwhile).
    const int row_offset = offset % config_.cols;
    if (offset >= config_.cols) restart(row_, offset / config_.cols, config_.cols);
    row_.clip.add(timestamp, key, payload);
    ++row_.collected;
    if (!config_.has_columns()) return;

    Group& column = columns_[static_cast<std::size_t>(row_offset)];
    const int column_offset = wire::SeqNo::offset(column.base, seq);
    // Before the column's first group (staircase's first packets belong to no column).
    if (column_offset < 0 || column_offset % config_.cols != 0) return;
    if (column_offset >= matrix_) restart(column, column_offset / matrix_, matrix_);
    column.clip.add(timestamp, key, payload);
    ++column.collected;
}

std::optional<FecPacketOut> FecSender::next_packet(wire::SeqNo last_sent) {
    if (config_.has_columns()) {
        const int offset = wire::SeqNo::offset(row_.base, last_sent);
        if (offset >= 0) {
            const int c = offset % config_.cols;
            Group& column = columns_[static_cast<std::size_t>(c)];
            if (column.collected >= config_.column_depth()) {
                const FecPacketOut out = pack(column, static_cast<std::int8_t>(c), last_sent);
                restart(column, 1, matrix_);
                return out;
            }
        }
    }
    if (row_.collected < config_.cols) return std::nullopt;
    const bool send_row = config_.sends_rows();
    const FecPacketOut out = send_row ? pack(row_, row_index, last_sent) : FecPacketOut{};
    restart(row_, 1, config_.cols);  // a columns-only filter still steps its rows (fec.cpp)
    if (!send_row) return std::nullopt;
    return out;
}

bool FecSender::has_packet_due(wire::SeqNo last_sent) const {
    if (config_.has_columns()) {
        const int offset = wire::SeqNo::offset(row_.base, last_sent);
        if (offset >= 0 &&
            columns_[static_cast<std::size_t>(offset % config_.cols)].collected >= config_.column_depth())
            return true;
    }
    return config_.sends_rows() && row_.collected >= config_.cols;
}

FecPacketOut FecSender::pack(Group& group, std::int8_t index, wire::SeqNo seq) {
    // fec.cpp PackControl: index, flag clip, length clip (network order), payload clip.
    packet_[0] = static_cast<std::uint8_t>(index);
    packet_[1] = group.clip.flags;
    packet_[2] = static_cast<std::uint8_t>(group.clip.length >> 8);
    packet_[3] = static_cast<std::uint8_t>(group.clip.length);
    std::copy(group.clip.payload.begin(), group.clip.payload.end(), packet_.begin() + fec_header_size);
    return FecPacketOut{seq, group.clip.timestamp, packet_};
}

}  // namespace websrt::core
