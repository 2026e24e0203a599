// Storage for a ring of packet slots (each a small metadata record and up to max_payload bytes).
// Metadata comes in blocks of block_slots slots, allocated when a slot in them is first occupied
// and given back when their last one is vacated; each occupied slot has a payload buffer of its
// own. A connection thus holds memory for the packets it actually buffers (latency × rate), not
// for its buffers' whole capacity (8192 packets, 12 MB each way by default), and a peer that
// sends one packet every block_slots sequence numbers pins one payload per packet, not a block
// of them (libsrt's CUnitQueue grows and shrinks its units the same way). One emptied block and
// up to a block's worth of payload buffers are kept for reuse, so a steady stream does not
// allocate per packet.
//
// Blocks and payloads come from malloc, not `new (std::nothrow)`: Emscripten's libc++ is built
// without exceptions, and there the nothrow operator new calls the throwing one, which aborts the
// whole module when memory runs out (found by tests/js/out_of_memory.test.js). malloc returns null
// at the module's maximum memory (-sABORTING_MALLOC=0), and the connection that asked fails.
#pragma once

#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

namespace websrt::core {

template <class Meta>
class SlotBlocks {
public:
    static constexpr int block_slots = 16;

    SlotBlocks(int capacity, int max_payload)
        : max_payload_(max_payload), blocks_(static_cast<std::size_t>((capacity + block_slots - 1) / block_slots)) {
        spare_payloads_.reserve(block_slots);  // so that vacate() never allocates
    }

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
    std::uint8_t* payload(int index) { return blocks_[block_of(index)]->payload[slot_in(index)].get(); }

    /// Marks slot `index` occupied (its block allocated if needed) and returns its metadata,
    /// reset; nullptr, with nothing changed, when memory runs out (in WebAssembly the module's
    /// maximum memory): the connection that asked fails, not the whole program.
    Meta* occupy(int index) {
        auto& block = blocks_[block_of(index)];
        const bool new_block = !block;
        if (new_block) block = spare_ ? std::move(spare_) : allocate_block();
        if (!block) return nullptr;
        auto& payload = block->payload[slot_in(index)];
        if (!payload) {
            if (spare_payloads_.empty()) {
                // Left uninitialised: every byte read was written first.
                payload.reset(static_cast<std::uint8_t*>(std::malloc(static_cast<std::size_t>(max_payload_))));
                if (!payload) {
                    if (new_block) block.reset();
                    return nullptr;
                }
            } else {
                payload = std::move(spare_payloads_.back());
                spare_payloads_.pop_back();
            }
        }
        ++block->occupied;
        Meta& meta = block->meta[slot_in(index)];
        meta = Meta{};
        return &meta;
    }

    /// Marks an occupied slot free; its block goes back when it was the block's last.
    void vacate(int index) {
        auto& block = blocks_[block_of(index)];
        auto& payload = block->payload[slot_in(index)];
        if (spare_payloads_.size() < static_cast<std::size_t>(block_slots))
            spare_payloads_.push_back(std::move(payload));
        payload.reset();
        if (--block->occupied > 0) return;
        if (!spare_) spare_ = std::move(block);
        block.reset();
    }

    /// Bytes held in blocks and payload buffers (the spares included), for statistics and tests.
    [[nodiscard]] std::size_t allocated_bytes() const {
        std::size_t blocks = spare_ ? 1 : 0;
        std::size_t payloads = spare_payloads_.size();
        for (const auto& block : blocks_) {
            if (!block) continue;
            ++blocks;
            payloads += static_cast<std::size_t>(block->occupied);
        }
        return blocks * sizeof(Block) + payloads * static_cast<std::size_t>(max_payload_);
    }

private:
    struct FreePayload {
        void operator()(std::uint8_t* p) const noexcept { std::free(p); }
    };
    using Payload = std::unique_ptr<std::uint8_t[], FreePayload>;
    struct Block {
        std::array<Meta, block_slots> meta{};
        int occupied = 0;
        std::array<Payload, block_slots> payload;
    };
    struct DestroyBlock {
        void operator()(Block* b) const noexcept {
            b->~Block();
            std::free(b);
        }
    };
    using BlockPtr = std::unique_ptr<Block, DestroyBlock>;

    static BlockPtr allocate_block() {
        void* memory = std::malloc(sizeof(Block));
        return BlockPtr(memory ? new (memory) Block() : nullptr);
    }

    static std::size_t block_of(int index) { return static_cast<std::size_t>(index / block_slots); }
    static std::size_t slot_in(int index) { return static_cast<std::size_t>(index % block_slots); }

    int max_payload_;
    std::vector<BlockPtr> blocks_;
    BlockPtr spare_;
    std::vector<Payload> spare_payloads_;
};

}  // namespace websrt::core
