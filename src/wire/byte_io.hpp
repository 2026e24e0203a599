// Bounds-checked big-endian reading and writing over caller-owned byte spans. SRT puts every
// header and control field on the wire as 32-bit network-order words (draft-sharabayko-srt §3).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "wire/result.hpp"

namespace websrt::wire {

using Bytes = std::span<const std::uint8_t>;
using MutableBytes = std::span<std::uint8_t>;

/// Same length and contents. (std::ranges::equal would do, but the libc++ of Debian's
/// Emscripten 3.1.6 has no std::ranges algorithms.)
inline bool same_bytes(Bytes a, Bytes b) noexcept { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

/// Reads fields in order. A read past the end yields zero and makes the reader fail for good,
/// so a decoder can read a whole fixed layout and check `ok()` once.
class ByteReader {
public:
    explicit ByteReader(Bytes input) noexcept : input_(input) {}

    std::uint8_t u8() noexcept {
        if (!take(1)) return 0;
        return input_[pos_ - 1];
    }
    std::uint16_t u16() noexcept {
        if (!take(2)) return 0;
        const std::uint8_t* p = input_.data() + pos_ - 2;
        return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
    }
    std::uint32_t u32() noexcept {
        if (!take(4)) return 0;
        const std::uint8_t* p = input_.data() + pos_ - 4;
        return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
               std::uint32_t{p[3]};
    }
    /// The next `count` bytes as a view into the input (empty if they are not all there).
    Bytes bytes(std::size_t count) noexcept {
        if (!take(count)) return {};
        return input_.subspan(pos_ - count, count);
    }
    /// Everything not yet read.
    Bytes rest() noexcept {
        Bytes r = ok_ ? input_.subspan(pos_) : Bytes{};
        pos_ = input_.size();
        return r;
    }

    [[nodiscard]] bool ok() const noexcept { return ok_; }
    [[nodiscard]] std::size_t remaining() const noexcept { return ok_ ? input_.size() - pos_ : 0; }

private:
    bool take(std::size_t count) noexcept {
        if (!ok_ || input_.size() - pos_ < count) {
            ok_ = false;
            return false;
        }
        pos_ += count;
        return true;
    }

    Bytes input_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

/// Writes fields in order into a caller-owned buffer. Writing past the end writes nothing more and
/// makes the writer fail for good with buffer_too_small; an encoder that finds its input cannot be
/// represented calls `fail()`. `written()` is the encoded size when `ok()`.
/// A measuring writer (`ByteWriter::measuring()`) writes nothing and only counts, so every encoder
/// also computes its own size without a second description of the layout.
class ByteWriter {
public:
    explicit ByteWriter(MutableBytes output) noexcept : output_(output) {}
    static ByteWriter measuring() noexcept {
        ByteWriter w{MutableBytes{}};
        w.measuring_ = true;
        return w;
    }

    void u8(std::uint8_t v) noexcept {
        if (take(1) && !measuring_) output_[pos_ - 1] = v;
    }
    void u16(std::uint16_t v) noexcept {
        if (!take(2) || measuring_) return;
        std::uint8_t* p = output_.data() + pos_ - 2;
        p[0] = static_cast<std::uint8_t>(v >> 8);
        p[1] = static_cast<std::uint8_t>(v);
    }
    void u32(std::uint32_t v) noexcept {
        if (!take(4) || measuring_) return;
        std::uint8_t* p = output_.data() + pos_ - 4;
        p[0] = static_cast<std::uint8_t>(v >> 24);
        p[1] = static_cast<std::uint8_t>(v >> 16);
        p[2] = static_cast<std::uint8_t>(v >> 8);
        p[3] = static_cast<std::uint8_t>(v);
    }
    void bytes(Bytes data) noexcept {
        if (!take(data.size()) || measuring_) return;
        // memcpy, not a byte loop: GCC's -O2 leaves that loop a byte at a time, and a packet's
        // payload copy was half of the core's instructions (callgrind, bench/core_throughput.cpp).
        if (!data.empty()) std::memcpy(output_.data() + pos_ - data.size(), data.data(), data.size());
    }
    /// Marks the encoding as impossible (e.g. a field that does not fit its wire width).
    void fail(WireError error) noexcept {
        if (ok_) error_ = error;
        ok_ = false;
    }

    [[nodiscard]] bool ok() const noexcept { return ok_; }
    [[nodiscard]] WireError error() const noexcept { return error_; }
    [[nodiscard]] std::size_t written() const noexcept { return pos_; }

    /// The encoded size, or the first error met.
    [[nodiscard]] Result<std::size_t> result() const noexcept {
        if (!ok_) return error_;
        return pos_;
    }

private:
    bool take(std::size_t count) noexcept {
        if (!ok_) return false;
        if (!measuring_ && output_.size() - pos_ < count) {
            fail(WireError::buffer_too_small);
            return false;
        }
        pos_ += count;
        return true;
    }

    MutableBytes output_;
    std::size_t pos_ = 0;
    bool ok_ = true;
    bool measuring_ = false;
    WireError error_ = WireError::buffer_too_small;
};

}  // namespace websrt::wire
