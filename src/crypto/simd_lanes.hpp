// 128 bits as sixteen byte lanes, the register the bitsliced AES (bitsliced_aes.cpp) works on:
// WebAssembly SIMD128 in the wasm build, a portable stand-in of two 64-bit words natively, where
// AES-NI serves production and this stand-in lets the native tests and fuzzers pin the wasm
// build's algorithm to wolfCrypt. Only operations whose timing does not depend on the data.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace websrt::crypto::detail {

/// A byte permutation: lane p of the result is lane `from[p]` of the input.
using BytePermutation = std::array<std::uint8_t, 16>;

/// The permutation that applies `first`, then `second`.
constexpr BytePermutation then(const BytePermutation& first, const BytePermutation& second) {
    BytePermutation composed{};
    for (std::size_t p = 0; p < 16; ++p) composed[p] = first[second[p]];
    return composed;
}

#if defined(__wasm_simd128__)

struct Lanes {
    v128_t v;

    static Lanes load(const std::uint8_t* bytes) noexcept { return {wasm_v128_load(bytes)}; }
    /// Bytes 0-3 from `word` (little-endian), the rest zero.
    static Lanes load32(const std::uint32_t* word) noexcept { return {wasm_v128_load32_zero(word)}; }
    void store(std::uint8_t* bytes) const noexcept { wasm_v128_store(bytes, v); }
    /// Every 64-bit half holds `word`.
    static Lanes repeat64(std::uint64_t word) noexcept { return {wasm_u64x2_splat(word)}; }
    /// Bytes 0-7 from `first` and 8-15 from `second`, each little-endian.
    static Lanes from_words(std::uint64_t first, std::uint64_t second) noexcept {
        return {wasm_i64x2_make(static_cast<std::int64_t>(first), static_cast<std::int64_t>(second))};
    }

    friend Lanes operator^(Lanes a, Lanes b) noexcept { return {wasm_v128_xor(a.v, b.v)}; }
    friend Lanes operator&(Lanes a, Lanes b) noexcept { return {wasm_v128_and(a.v, b.v)}; }
    friend Lanes operator|(Lanes a, Lanes b) noexcept { return {wasm_v128_or(a.v, b.v)}; }
    friend Lanes operator~(Lanes a) noexcept { return {wasm_v128_not(a.v)}; }
    Lanes& operator^=(Lanes other) noexcept { return *this = *this ^ other; }
    /// Adds the 64-bit halves, each modulo 2^64 (no carry between them).
    Lanes add64(Lanes other) const noexcept { return {wasm_i64x2_add(v, other.v)}; }

    /// Shifts each 64-bit half (bits do not cross between the halves).
    template <int bits>
    Lanes shr64() const noexcept {
        return {wasm_u64x2_shr(v, bits)};
    }
    template <int bits>
    Lanes shl64() const noexcept {
        return {wasm_i64x2_shl(v, bits)};
    }

    /// The 64-bit half `half` (bytes 8 · half to 8 · half + 7, little-endian).
    template <int half>
    std::uint64_t word() const noexcept {
        return static_cast<std::uint64_t>(wasm_i64x2_extract_lane(v, half));
    }

    /// Lane p of the result is lane `from`'s lane p of this (every index below 16): the
    /// permutation held in a register, for the permutations V8 would rebuild at every use as
    /// constants (see bitsliced_aes.cpp, indices()). The indices are public constants.
    Lanes swizzled(Lanes from) const noexcept { return {wasm_i8x16_swizzle(v, from.v)}; }

    template <BytePermutation from>
    Lanes permuted() const noexcept {
        return {wasm_i8x16_shuffle(v, v, from[0], from[1], from[2], from[3], from[4], from[5], from[6], from[7],
                                   from[8], from[9], from[10], from[11], from[12], from[13], from[14], from[15])};
    }
};

#else

// Byte p is byte p % 8 of word p / 8, as in the wasm register: the words are little-endian.
static_assert(std::endian::native == std::endian::little, "the portable lanes assume a little-endian host");

struct Lanes {
    std::array<std::uint64_t, 2> words;

    static Lanes load(const std::uint8_t* bytes) noexcept {
        Lanes lanes;
        std::memcpy(lanes.words.data(), bytes, 16);
        return lanes;
    }
    void store(std::uint8_t* bytes) const noexcept { std::memcpy(bytes, words.data(), 16); }
    static Lanes load32(const std::uint32_t* word) noexcept { return {{*word, 0}}; }
    static Lanes repeat64(std::uint64_t word) noexcept { return {{word, word}}; }
    static Lanes from_words(std::uint64_t first, std::uint64_t second) noexcept { return {{first, second}}; }

    friend Lanes operator^(Lanes a, Lanes b) noexcept { return {{a.words[0] ^ b.words[0], a.words[1] ^ b.words[1]}}; }
    friend Lanes operator&(Lanes a, Lanes b) noexcept { return {{a.words[0] & b.words[0], a.words[1] & b.words[1]}}; }
    friend Lanes operator|(Lanes a, Lanes b) noexcept { return {{a.words[0] | b.words[0], a.words[1] | b.words[1]}}; }
    friend Lanes operator~(Lanes a) noexcept { return {{~a.words[0], ~a.words[1]}}; }
    Lanes& operator^=(Lanes other) noexcept { return *this = *this ^ other; }
    Lanes add64(Lanes other) const noexcept { return {{words[0] + other.words[0], words[1] + other.words[1]}}; }

    template <int bits>
    Lanes shr64() const noexcept {
        return {{words[0] >> bits, words[1] >> bits}};
    }
    template <int bits>
    Lanes shl64() const noexcept {
        return {{words[0] << bits, words[1] << bits}};
    }

    template <int half>
    std::uint64_t word() const noexcept {
        return words[half];
    }

    Lanes swizzled(Lanes from) const noexcept {
        std::array<std::uint8_t, 16> in{};
        std::array<std::uint8_t, 16> index{};
        std::array<std::uint8_t, 16> out{};
        store(in.data());
        from.store(index.data());
        for (std::size_t p = 0; p < 16; ++p) out[p] = in[index[p] & 15];
        return load(out.data());
    }

    template <BytePermutation from>
    Lanes permuted() const noexcept {
        std::array<std::uint8_t, 16> in{};
        std::array<std::uint8_t, 16> out{};
        store(in.data());
        for (std::size_t p = 0; p < 16; ++p) out[p] = in[from[p]];
        return load(out.data());
    }
};

#endif

}  // namespace websrt::crypto::detail
