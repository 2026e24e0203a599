#include "core/fec_receiver.hpp"

#include <algorithm>
#include <numeric>

namespace websrt::core {

namespace {

/// The index byte of a row's FEC packet (fec.cpp: a signed char, -1).
constexpr std::uint8_t row_index_byte = 0xFF;
/// A rebuilt packet's message number: the original's is not in the clip (fec.cpp RcvRebuild).
constexpr std::uint32_t rebuilt_message_number = 1;

}  // namespace

void FecReceiver::Group::reset() {
    clip.reset();
    collected = 0;
    has_fec = false;
    dismissed = false;
}

FecReceiver::FecReceiver(const FecConfig& config, wire::SeqNo first_seq, std::size_t capacity)
    : config_(config),
      capacity_(capacity),
      depth_(config.has_columns() ? config.column_depth() : 1),
      matrix_(config.cols * depth_),
      anchor_(first_seq),
      cells_(static_cast<std::size_t>((kept_series + 1) * matrix_)) {
    if (config_.has_columns()) {
        column_offsets_ = fec_column_offsets(config_);
        columns_by_offset_.resize(column_offsets_.size());
        std::iota(columns_by_offset_.begin(), columns_by_offset_.end(), 0);
        // (std::sort: Emscripten 3.1.6's libc++ has no std::ranges::sort.)
        std::sort(columns_by_offset_.begin(), columns_by_offset_.end(), [this](int a, int b) {
            return column_offsets_[static_cast<std::size_t>(a)] < column_offsets_[static_cast<std::size_t>(b)];
        });
    }
    for (int i = 0; i < kept_series * depth_; ++i) rows_.emplace_back(capacity);
    if (config_.has_columns())
        for (int i = 0; i < kept_series * config_.cols; ++i) columns_.emplace_back(capacity);
}

std::uint8_t& FecReceiver::cell(int offset) {
    return cells_[(cell_start_ + static_cast<std::size_t>(offset)) % cells_.size()];
}

int FecReceiver::members(Dimension dimension) const { return dimension == Dimension::row ? config_.cols : depth_; }
int FecReceiver::stride(Dimension dimension) const { return dimension == Dimension::row ? 1 : config_.cols; }

std::optional<FecReceiver::GroupRef> FecReceiver::row_of(int offset) {
    if (offset < 0 || offset >= window_packets()) return std::nullopt;
    const int row = offset / config_.cols;
    return GroupRef{&rows_[static_cast<std::size_t>(row)], Dimension::row, row * config_.cols};
}

std::optional<FecReceiver::GroupRef> FecReceiver::column_of(int offset) {
    if (!config_.has_columns() || offset < 0) return std::nullopt;
    const int c = offset % config_.cols;
    const int from_first = offset - column_offsets_[static_cast<std::size_t>(c)];
    if (from_first < 0) return std::nullopt;  // before the column's first group in the window
    const int series = from_first / matrix_;
    if (series >= kept_series) return std::nullopt;
    const int first = series * matrix_ + column_offsets_[static_cast<std::size_t>(c)];
    return GroupRef{&columns_[static_cast<std::size_t>(series * config_.cols + c)], Dimension::column, first};
}

const FecReceiveResult& FecReceiver::on_packet(const wire::DataPacket& packet) {
    result_.is_fec = is_fec_packet(packet);
    result_.rebuilt.clear();
    result_.given_up.clear();
    int offset = wire::SeqNo::offset(anchor_, packet.seq);
    if (offset < 0) return result_;  // before the window: data passes, FEC is of no use
    offset = make_room(offset);
    if (result_.is_fec)
        on_fec(packet, offset);
    else
        on_data(packet, offset);
    if (config_.arq == FecArq::onreq && offset > highest_offset_) dismiss_passed(offset);
    highest_offset_ = std::max(highest_offset_, offset);
    return result_;
}

int FecReceiver::make_room(int offset) {
    if (offset < window_packets()) return offset;
    if (offset >= 2 * window_packets()) {
        // A long gap: nothing in the window can still be rebuilt. Restart at the packet's series.
        const int series = offset / matrix_;
        anchor_ = anchor_.plus(std::int64_t{series} * matrix_);
        for (Group& g : rows_) g.reset();
        for (Group& g : columns_) g.reset();
        std::fill(cells_.begin(), cells_.end(), std::uint8_t{0});
        highest_offset_ = -1;
        next_row_dismissal_ = 0;
        next_column_dismissal_ = 0;
        return offset - series * matrix_;
    }
    while (offset >= window_packets()) {
        slide_one_series();
        offset -= matrix_;
    }
    return offset;
}

void FecReceiver::slide_one_series() {
    if (config_.arq == FecArq::onreq) {
        for (int r = 0; r < depth_; ++r) dismiss(*row_of(r * config_.cols));
        for (int c = 0; c < static_cast<int>(columns_.size()) && c < config_.cols; ++c)
            dismiss(GroupRef{&columns_[static_cast<std::size_t>(c)], Dimension::column,
                             column_offsets_[static_cast<std::size_t>(c)]});
    }
    // The series' groups are reused at the window's end; its cells become the last series'.
    for (int r = 0; r < depth_; ++r) {
        rows_.push_back(std::move(rows_.front()));
        rows_.pop_front();
        rows_.back().reset();
    }
    for (int c = 0; c < static_cast<int>(columns_.size()) && c < config_.cols; ++c) {
        columns_.push_back(std::move(columns_.front()));
        columns_.pop_front();
        columns_.back().reset();
    }
    for (int i = 0; i < matrix_; ++i) cell(i) = 0;
    cell_start_ = (cell_start_ + static_cast<std::size_t>(matrix_)) % cells_.size();
    anchor_ = anchor_.plus(matrix_);
    highest_offset_ = std::max(highest_offset_ - matrix_, -1);
    // The first series' groups were dismissed above; the cursors move with the rest.
    next_row_dismissal_ = std::max(next_row_dismissal_ - depth_, 0);
    next_column_dismissal_ = std::max(next_column_dismissal_ - config_.cols, 0);
}

void FecReceiver::on_fec(const wire::DataPacket& packet, int offset) {
    const auto bytes = packet.payload;
    if (bytes.size() < fec_header_size || bytes.size() > fec_header_size + capacity_) return;
    std::optional<GroupRef> ref;
    if (bytes[0] == row_index_byte) {
        if (!config_.sends_rows()) return;
        ref = row_of(offset);
    } else {
        // A column's FEC packet carries its last member's sequence number and the column's index.
        if (bytes[0] >= config_.cols) return;
        ref = column_of(offset);
        if (ref && (offset % config_.cols != bytes[0] || offset != ref->first_offset + (depth_ - 1) * config_.cols))
            return;
    }
    if (!ref || ref->group->has_fec) return;
    const auto length = static_cast<std::uint16_t>((bytes[2] << 8) | bytes[3]);
    ref->group->clip.add_clip(packet.timestamp_us, bytes[1], length, bytes.subspan(fec_header_size));
    ref->group->has_fec = true;
    try_rebuild(*ref);
}

void FecReceiver::on_data(const wire::DataPacket& packet, int offset) {
    if (packet.payload.size() > capacity_) return;  // longer than the peer may send: not ours to clip
    std::uint8_t& received = cell(offset);
    if (received) return;  // a duplicate, or a retransmission of a packet rebuilt already
    received = 1;
    last_in_order_ = packet.in_order;
    const auto row = row_of(offset);
    const auto column = column_of(offset);
    for (const auto& ref : {row, column}) {
        if (!ref) continue;
        ref->group->clip.add(packet.timestamp_us, packet.key, packet.payload);
        ++ref->group->collected;
    }
    if (row) try_rebuild(*row);
    if (column) try_rebuild(*column);
}

void FecReceiver::try_rebuild(GroupRef ref) {
    std::vector<GroupRef> pending{ref};
    while (!pending.empty()) {
        const GroupRef g = pending.back();
        pending.pop_back();
        if (!g.group->has_fec || g.group->collected != members(g.dimension) - 1) continue;
        int missing = -1;
        for (int k = 0; k < members(g.dimension) && missing < 0; ++k) {
            const int member = g.first_offset + k * stride(g.dimension);
            if (member < window_packets() + matrix_ && !cell(member)) missing = member;
        }
        const std::uint16_t length = g.group->clip.length;
        ++g.group->collected;  // rebuilt or not, nothing more will come of this group
        if (missing < 0 || length > capacity_) continue;

        if (rebuilt_payloads_.size() <= result_.rebuilt.size()) rebuilt_payloads_.emplace_back(capacity_);
        std::vector<std::uint8_t>& payload = rebuilt_payloads_[result_.rebuilt.size()];
        std::copy_n(g.group->clip.payload.begin(), length, payload.begin());
        wire::DataPacket packet;
        packet.seq = anchor_.plus(missing);
        packet.position = wire::PacketPosition::solo;
        packet.in_order = last_in_order_;
        packet.key = static_cast<wire::EncryptionKey>(g.group->clip.flags & 0x3);
        packet.retransmitted = true;  // not a reordered original (fec.cpp RcvRebuild sets R)
        packet.message_number = wire::MsgNo(rebuilt_message_number);
        packet.timestamp_us = g.group->clip.timestamp;
        packet.payload = wire::Bytes(payload.data(), length);
        result_.rebuilt.push_back(packet);
        cell(missing) = 1;

        // The rebuilt packet counts in its group of the other dimension too, which may now rebuild.
        const auto other = g.dimension == Dimension::row ? column_of(missing) : row_of(missing);
        if (!other) continue;
        other->group->clip.add(packet.timestamp_us, packet.key, packet.payload);
        ++other->group->collected;
        pending.push_back(*other);
    }
}

void FecReceiver::dismiss_passed(int offset) {
    // A row is given up once a packet one row past its end arrived (libsrt reports row k when
    // base_k + 2 × cols arrives); a column once a packet one row past its last member did. Rows
    // pass in order; columns in the order of their first offsets, series after series (a
    // column's first offset is inside its series, so a series' columns all pass before the next's).
    const int row_count = kept_series * depth_;
    while (next_row_dismissal_ < row_count && offset >= (next_row_dismissal_ + 2) * config_.cols) {
        dismiss(*row_of(next_row_dismissal_ * config_.cols));
        ++next_row_dismissal_;
    }
    const int column_count = static_cast<int>(columns_.size());
    while (next_column_dismissal_ < column_count) {
        const int series = next_column_dismissal_ / config_.cols;
        const int c = columns_by_offset_[static_cast<std::size_t>(next_column_dismissal_ % config_.cols)];
        const int first = series * matrix_ + column_offsets_[static_cast<std::size_t>(c)];
        if (offset < first + depth_ * config_.cols) break;
        dismiss(GroupRef{&columns_[static_cast<std::size_t>(series * config_.cols + c)], Dimension::column, first});
        ++next_column_dismissal_;
    }
}

void FecReceiver::dismiss(GroupRef ref) {
    if (ref.group->dismissed) return;
    ref.group->dismissed = true;
    for (int k = 0; k < members(ref.dimension); ++k) {
        const int member = ref.first_offset + k * stride(ref.dimension);
        if (member >= window_packets() + matrix_ || cell(member)) continue;
        // A row's member that is in a column is the column's to report (libsrt reports columns
        // only when it has them).
        if (ref.dimension == Dimension::row && column_of(member)) continue;
        const wire::SeqNo seq = anchor_.plus(member);
        if (!result_.given_up.empty() && result_.given_up.back().last.next() == seq)
            result_.given_up.back().last = seq;
        else
            result_.given_up.push_back(wire::LossRange{seq, seq});
    }
}

}  // namespace websrt::core
