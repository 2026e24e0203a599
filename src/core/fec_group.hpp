// What libsrt's fec filter keeps per group, shared by sending and receiving (srtcore/fec.cpp):
// where the row and column groups lie in the sequence space for a layout, and the XOR "clips"
// of the group's packets from which its FEC packet is made, and a lost member rebuilt.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/packet_filter_config.hpp"
#include "wire/constants.hpp"

namespace websrt::core {

/// The offset from the stream's first sequence number of each column's first group (fec.cpp
/// ConfigureColumns): column c in `even` starts at c; in `staircase` the columns start one row
/// and one packet apart, wrapping back to the top every `column depth` columns (for 10 × 5:
/// 0, 11, 22, 33, 44, 5, 16, 27, 38, 49). Every offset is c modulo cols.
std::vector<int> fec_column_offsets(const FecConfig& config);

/// The running XOR of a group's packets: timestamps, key flags, payload lengths (big-endian)
/// and payloads zero-padded to `capacity` (fec.cpp ClipData). An FEC packet carries it; with
/// every member but one, it rebuilds that one.
struct FecClip {
    explicit FecClip(std::size_t capacity) : payload(capacity) {}
    std::uint32_t timestamp = 0;
    std::uint8_t flags = 0;
    std::uint16_t length = 0;
    std::vector<std::uint8_t> payload;

    /// XORs in a packet (its payload as sent: encrypted, GCM tag included). The caller checked
    /// that it fits.
    void add(std::uint32_t packet_timestamp, wire::EncryptionKey key, std::span<const std::uint8_t> bytes);
    /// XORs in the clip an FEC packet carries (`fields`: flags, length, payload).
    void add_clip(std::uint32_t packet_timestamp, std::uint8_t clip_flags, std::uint16_t clip_length,
                  std::span<const std::uint8_t> clip_payload);
    void reset();
};

}  // namespace websrt::core
