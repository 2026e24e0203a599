// Storage for a ring of packet slots (each a small metadata record and up to max_payload bytes),
// allocated in blocks of block_slots slots when a slot in them is first occupied and given back
// when their last one is vacated. A connection thus holds memory for the packets it actually
// buffers (latency × rate), not for its buffers' whole capacity (8192 packets, 12 MB each way by
// default); libsrt's CUnitQueue grows and shrinks its units the same way. One emptied block is
// kept for reuse, so a stream that keeps few packets does not allocate per packet.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace websrt::core {

template <class Meta>
class SlotBlocks {
public:
    static constexpr int block_slots = 16;

    SlotBlocks(int capacity, int max_payload)
        : max_payload_(max_payload), blocks_(static_cast<std::size_t>((capacity + block_slots - 1) / block_slots)) {}

    /// Slot `index`'s metadata, or nullptr when its block holds nothing (nothing is stored there).
    Meta* meta(int index) {
        Block* block = blocks_[block_of(index)].get();
        return block ? &block->meta[slot_in(index)] : nullptr;
    }
    const Meta* meta(int index) const {
        const Block* block = blocks_[block_of(index)].get();
        return block ? &block->meta[slot_in(index)] : nullptr;
    }

    /// The payload bytes of an occupied slot.
    std::uint8_t* payload(int index) {
        return blocks_[block_of(index)]->payload.get() + static_cast<std::size_t>(slot_in(index)) * static_cast<std::size_t>(max_payload_);
    }

    /// Marks slot `index` occupied (its block allocated if needed) and returns its metadata, reset.
    Meta& occupy(int index) {
        auto& block = blocks_[block_of(index)];
        if (!block) {
            block = spare_ ? std::move(spare_) : std::make_unique<Block>(max_payload_);
        }
        ++block->occupied;
        Meta& meta = block->meta[slot_in(index)];
        meta = Meta{};
        return meta;
    }

    /// Marks an occupied slot free; its block goes back when it was the block's last.
    void vacate(int index) {
        auto& block = blocks_[block_of(index)];
        if (--block->occupied > 0) return;
        if (!spare_) spare_ = std::move(block);
        block.reset();
    }

    /// Bytes held in blocks (the spare included), for statistics and tests.
    [[nodiscard]] std::size_t allocated_bytes() const {
        std::size_t blocks = spare_ ? 1 : 0;
        for (const auto& block : blocks_) blocks += block ? 1 : 0;
        return blocks * (sizeof(Block) + static_cast<std::size_t>(block_slots) * static_cast<std::size_t>(max_payload_));
    }

private:
    struct Block {
        explicit Block(int max_payload)
            // Left uninitialised: every byte read was written first.
            : payload(new std::uint8_t[static_cast<std::size_t>(block_slots) * static_cast<std::size_t>(max_payload)]) {}
        std::array<Meta, block_slots> meta{};
        int occupied = 0;
        std::unique_ptr<std::uint8_t[]> payload;
    };

    static std::size_t block_of(int index) { return static_cast<std::size_t>(index / block_slots); }
    static std::size_t slot_in(int index) { return static_cast<std::size_t>(index % block_slots); }

    int max_payload_;
    std::vector<std::unique_ptr<Block>> blocks_;
    std::unique_ptr<Block> spare_;
};

}  // namespace websrt::core
