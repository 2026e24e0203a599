#include "core/fec_group.hpp"

#include <algorithm>
#include <cstring>

namespace websrt::core {

std::vector<int> fec_column_offsets(const FecConfig& config) {
    std::vector<int> offsets(static_cast<std::size_t>(config.cols));
    const int depth = config.column_depth();
    int offset = 0;
    for (int c = 0; c < config.cols; ++c) {
        if (config.layout == FecLayout::even) {
            offsets[static_cast<std::size_t>(c)] = c;
            continue;
        }
        offsets[static_cast<std::size_t>(c)] = offset;
        offset = c % depth == depth - 1 ? c + 1 : offset + config.cols + 1;
    }
    return offsets;
}

void FecClip::add(std::uint32_t packet_timestamp, wire::EncryptionKey key, std::span<const std::uint8_t> bytes) {
    add_clip(packet_timestamp, static_cast<std::uint8_t>(key), static_cast<std::uint16_t>(bytes.size()), bytes);
}

void FecClip::add_clip(std::uint32_t packet_timestamp, std::uint8_t clip_flags, std::uint16_t clip_length,
                       std::span<const std::uint8_t> clip_payload) {
    timestamp ^= packet_timestamp;
    flags ^= clip_flags;
    length ^= clip_length;
    const std::size_t n = std::min(clip_payload.size(), payload.size());
    // Every packet goes into two clips at each end. Byte by byte (which GCC's -O2 does not
    // vectorize) this loop was most of FEC's cost; eight bytes at a time, a quarter. memcpy
    // keeps it free of alignment and aliasing assumptions and compiles to plain loads and stores.
    std::size_t i = 0;
    for (; i + sizeof(std::uint64_t) <= n; i += sizeof(std::uint64_t)) {
        std::uint64_t into = 0;
        std::uint64_t from = 0;
        std::memcpy(&into, payload.data() + i, sizeof into);
        std::memcpy(&from, clip_payload.data() + i, sizeof from);
        into ^= from;
        std::memcpy(payload.data() + i, &into, sizeof into);
    }
    for (; i < n; ++i) payload[i] ^= clip_payload[i];
}

void FecClip::reset() {
    timestamp = 0;
    flags = 0;
    length = 0;
    std::fill(payload.begin(), payload.end(), std::uint8_t{0});
}

}  // namespace websrt::core
