// The receiving half of the fec packet filter, wire-compatible with libsrt's (srtcore/fec.cpp
// FECFilterBuiltin::receive): every data packet, before decryption, is XORed into its row and
// column group; an FEC packet completes its group's clip; a group that has its FEC packet and all
// members but one rebuilds that one, and a rebuilt packet may complete a group of the other
// dimension in turn. With arq:onreq it also says which packets a group gave up on, for one NAK.
//
// Its own design, not libsrt's: groups are found by arithmetic from the stream's first sequence
// number, in a window of three series (matrices) that slides with the stream, so memory is fixed
// when the filter is built and nothing a peer sends can grow it.
#pragma once

#include <deque>
#include <vector>

#include "core/fec_group.hpp"
#include "wire/data_packet.hpp"
#include "wire/loss_list.hpp"

namespace websrt::core {

/// What one received packet gave. Views stay valid until the next on_packet().
struct FecReceiveResult {
    bool is_fec = false;                    // an FEC packet: consumed here, not data
    std::vector<wire::DataPacket> rebuilt;  // lost packets rebuilt from FEC (R set, message number 1)
    std::vector<wire::LossRange> given_up;  // arq:onreq only: lost and not rebuilt, to NAK once
};

class FecReceiver {
public:
    /// `first_seq`: the peer's first data sequence number; `capacity`: the longest payload a data
    /// packet may have as sent (an FEC packet's clip may be shorter: it is zero-padded).
    FecReceiver(const FecConfig& config, wire::SeqNo first_seq, std::size_t capacity);

    /// Whether a data packet is an FEC packet: message number 0 (SRT_MSGNO_CONTROL, fec.cpp).
    [[nodiscard]] static bool is_fec_packet(const wire::DataPacket& packet) {
        return packet.message_number.value() == 0;
    }

    /// A received data packet (message number 0: an FEC packet), as it came, before decryption.
    /// An FEC packet that does not fit (too long, an index the layout has not) is consumed and
    /// ignored.
    const FecReceiveResult& on_packet(const wire::DataPacket& packet);

private:
    struct Group {
        explicit Group(std::size_t capacity) : clip(capacity) {}
        FecClip clip;
        int collected = 0;
        bool has_fec = false;
        bool dismissed = false;  // past it: its losses were reported (arq:onreq)
        void reset();
    };
    enum class Dimension { row, column };
    struct GroupRef {
        Group* group = nullptr;
        Dimension dimension = Dimension::row;
        int first_offset = 0;  // from anchor_ to its first member
    };

    [[nodiscard]] int window_packets() const { return kept_series * matrix_; }
    /// Slides the window (or restarts it, after a long gap) so that `offset` is in it; returns
    /// the offset from the new anchor.
    int make_room(int offset);
    void slide_one_series();
    [[nodiscard]] std::optional<GroupRef> row_of(int offset);
    [[nodiscard]] std::optional<GroupRef> column_of(int offset);
    [[nodiscard]] int members(Dimension dimension) const;
    [[nodiscard]] int stride(Dimension dimension) const;
    std::uint8_t& cell(int offset);
    void on_fec(const wire::DataPacket& packet, int offset);
    void on_data(const wire::DataPacket& packet, int offset);
    /// Rebuilds the missing member of `ref` if it can, and whatever that completes in turn.
    void try_rebuild(GroupRef ref);
    /// arq:onreq: dismisses the groups a packet at `offset` has passed, reporting their losses.
    void dismiss_passed(int offset);
    void dismiss(GroupRef ref);

    /// Series kept: a staircase column reaches into the next series, and one more lets
    /// reordered packets find their groups.
    static constexpr int kept_series = 3;

    FecConfig config_;
    std::size_t capacity_;
    int depth_;   // rows per series: the column depth, 1 without columns
    int matrix_;  // packets per series
    std::vector<int> column_offsets_;
    std::vector<int> columns_by_offset_;  // column numbers, in the order of their first offsets
    wire::SeqNo anchor_;                  // first packet of the window's first series
    std::deque<Group> rows_;              // kept_series × depth_, from anchor_
    std::deque<Group> columns_;           // kept_series × cols, series by series
    std::vector<std::uint8_t> cells_;     // received flags, one series more than the window
    std::size_t cell_start_ = 0;          // cells_ index of anchor_
    bool last_in_order_ = false;
    int highest_offset_ = -1;  // the newest packet's offset, for dismissals
    // arq:onreq: the next row (index into rows_) and column (series × cols + rank in
    // columns_by_offset_) to dismiss. Groups are dismissed in the order of these indices, so
    // each packet looks at the groups it dismisses and one more, not the whole window.
    int next_row_dismissal_ = 0;
    int next_column_dismissal_ = 0;
    FecReceiveResult result_;
    std::vector<std::vector<std::uint8_t>> rebuilt_payloads_;
};

}  // namespace websrt::core
