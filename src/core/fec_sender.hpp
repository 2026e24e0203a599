// The sending half of the fec packet filter (libsrt srtcore/fec.cpp feedSource and
// packControlPacket): each new data packet, as sent, is XORed into its row group and its column
// group; once a group is complete its FEC packet goes out in the next send slot, before new data.
// FEC packets are data packets with message number 0 that take no sequence number: each carries
// the last data packet's (draft-sharabayko-srt has no FEC; libsrt's packet-filtering-and-fec.md).
#pragma once

#include <optional>
#include <vector>

#include "core/fec_group.hpp"
#include "wire/seq.hpp"

namespace websrt::core {

/// An FEC packet to send: the header fields that differ from a data packet's, and its payload
/// (valid until the next call on the FecSender).
struct FecPacketOut {
    wire::SeqNo seq;              // the last data packet's
    std::uint32_t timestamp = 0;  // the XOR of the group's timestamps, not a time
    std::span<const std::uint8_t> payload;
};

class FecSender {
public:
    /// `first_seq`: the stream's first data sequence number; `capacity`: the longest payload a
    /// data packet may have as sent (SRTO_PAYLOADSIZE plus the GCM tag), which every FEC packet
    /// carries in full.
    FecSender(const FecConfig& config, wire::SeqNo first_seq, std::size_t capacity);

    /// A new data packet (never a retransmission), as it went out: encrypted, tag included.
    void on_data_sent(wire::SeqNo seq, std::uint32_t timestamp, wire::EncryptionKey key,
                      std::span<const std::uint8_t> payload);
    /// The FEC packet due now, at most one per send slot: a completed column's, else a completed
    /// row's (fec.cpp packControlPacket checks in that order). `last_sent` is the newest data
    /// packet's sequence number.
    std::optional<FecPacketOut> next_packet(wire::SeqNo last_sent);
    /// Whether next_packet() has one now.
    [[nodiscard]] bool has_packet_due(wire::SeqNo last_sent) const;

private:
    struct Group {
        explicit Group(std::size_t capacity) : clip(capacity) {}
        wire::SeqNo base;  // first member
        int collected = 0;
        FecClip clip;
    };
    /// Moves `group` `groups` group lengths on (`stride` apart) and empties it.
    static void restart(Group& group, int groups, int stride);
    FecPacketOut pack(Group& group, std::int8_t index, wire::SeqNo seq);

    FecConfig config_;
    int matrix_;  // packets in one series of columns: cols × depth
    Group row_;
    std::vector<Group> columns_;
    std::vector<std::uint8_t> packet_;  // the FEC packet's payload being handed out
};

}  // namespace websrt::core
