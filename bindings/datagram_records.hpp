// The record format of the batch buffers JS and the wasm module share (endpoint_binding.cpp): a
// record is [u32 size][u32 tag][size bytes], padded to 4 bytes, little-endian. Pure C++ with no
// Emscripten dependency, so the native fuzz harness (tests/fuzz/inbox_fuzz.cpp) runs the very
// code the binding runs on what JS writes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>

namespace websrt::bindings {

inline constexpr std::size_t record_header = 8;
/// The largest record payload: one UDP datagram of the 1500-byte MSS (or one live message).
inline constexpr std::size_t max_record_payload = 1500;

constexpr std::size_t padded(std::size_t size) { return (size + 3) & ~std::size_t{3}; }

inline void put_u32(std::uint8_t* at, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) at[i] = static_cast<std::uint8_t>(value >> (8 * i));
}
inline std::uint32_t get_u32(const std::uint8_t* at) {
    return std::uint32_t{at[0]} | std::uint32_t{at[1]} << 8 | std::uint32_t{at[2]} << 16 | std::uint32_t{at[3]} << 24;
}

struct Record {
    std::uint32_t tag = 0;
    std::span<const std::uint8_t> bytes;  // inside the buffer the reader was given
};

/// Reads the records JS wrote at the start of a buffer. It trusts nothing in them: it yields at
/// most `count` records, and stops for good at the first one that claims more than
/// max_record_payload bytes or would run past the end of the buffer (JS wrote a bad batch; what
/// came before is still delivered).
class RecordReader {
public:
    RecordReader(std::span<const std::uint8_t> buffer, std::size_t count) : buffer_(buffer), remaining_(count) {}

    std::optional<Record> next() {
        if (remaining_ == 0 || buffer_.size() - offset_ < record_header) return std::nullopt;
        const std::uint32_t size = get_u32(buffer_.data() + offset_);
        const std::uint32_t tag = get_u32(buffer_.data() + offset_ + 4);
        if (size > max_record_payload || size > buffer_.size() - offset_ - record_header) {
            remaining_ = 0;
            return std::nullopt;
        }
        const Record record{tag, buffer_.subspan(offset_ + record_header, size)};
        // The padding of the last record may lie past the end; the next call then stops.
        offset_ = std::min(buffer_.size(), offset_ + record_header + padded(size));
        --remaining_;
        return record;
    }

private:
    std::span<const std::uint8_t> buffer_;
    std::size_t remaining_;
    std::size_t offset_ = 0;
};

/// Writes records for JS into a buffer: slot() is where the next payload goes (room for a full
/// max_record_payload, or empty once the buffer cannot take another), commit() writes its header.
class RecordWriter {
public:
    explicit RecordWriter(std::span<std::uint8_t> buffer) : buffer_(buffer) {}

    /// Room for the next record's payload, `size` bytes (a datagram's at most by default), or
    /// empty when the buffer has no room for that much.
    [[nodiscard]] std::span<std::uint8_t> slot(std::size_t size = max_record_payload) const {
        if (buffer_.size() - offset_ < record_header + size) return {};
        return buffer_.subspan(offset_ + record_header, size);
    }
    /// Records the `size` bytes written into slot() (at most the slot's size).
    void commit(std::size_t size, std::uint32_t tag) {
        put_u32(buffer_.data() + offset_, static_cast<std::uint32_t>(size));
        put_u32(buffer_.data() + offset_ + 4, tag);
        offset_ = std::min(buffer_.size(), offset_ + record_header + padded(size));
        ++count_;
    }
    [[nodiscard]] std::size_t count() const { return count_; }

private:
    std::span<std::uint8_t> buffer_;
    std::size_t offset_ = 0;
    std::size_t count_ = 0;
};

/// A buffer from malloc that grows (the batch buffers, and one message longer than them):
/// reserve() answers false when memory is short instead of aborting (the wasm module has no
/// exceptions). Growing may move it.
class GrowableBuffer {
public:
    GrowableBuffer() = default;
    GrowableBuffer(const GrowableBuffer&) = delete;
    GrowableBuffer& operator=(const GrowableBuffer&) = delete;
    ~GrowableBuffer() { release(); }

    [[nodiscard]] bool reserve(std::size_t size) {
        if (size <= size_) return true;
        void* grown = std::realloc(data_, size);
        if (!grown) return false;
        data_ = static_cast<std::uint8_t*>(grown);
        size_ = size;
        return true;
    }
    void release() {
        std::free(data_);
        data_ = nullptr;
        size_ = 0;
    }
    [[nodiscard]] std::uint8_t* data() const { return data_; }
    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] std::span<std::uint8_t> span() const { return {data_, size_}; }

private:
    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace websrt::bindings
