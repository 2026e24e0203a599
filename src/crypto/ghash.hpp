// GHASH, GCM's universal hash (NIST SP 800-38D §6.4), in constant time without carry-less
// multiply instructions, for the WebAssembly build's AES-GCM (bitsliced_gcm.hpp).
//
// The multiplication in GF(2^128) is BearSSL's ghash_ctmul64 design (MIT licence): integer
// multiplications of operands with every fourth bit kept, so carries land in the holes and are
// masked away, three of them per 64 × 64 product by Karatsuba, and a bit reversal for the high
// halves. Integer multiplication takes constant time on the 64-bit CPUs wasm runs on.
//
// Eight blocks at a time, Horner's rule is unrolled with the powers H … H^8 (aggregated
// reduction, as in Gueron and Kounavis's Intel CLMUL white paper and OpenSSL's ghash-x86_64):
// Y' = (Y ⊕ X1)·H^8 ⊕ X2·H^7 ⊕ … ⊕ X8·H. Everything after the integer multiplications
// (Karatsuba's recombination, the bit reversals of the high halves, the reduction) is linear,
// so it runs once per group on the sum of the products; and the blocks' byte swaps and bit
// reversals are done in SIMD registers (ghash.cpp). In wasm this hashes about twice as fast
// as one block at a time (eight blocks measured about 5% ahead of four).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace websrt::crypto {

class Ghash {
public:
    static constexpr std::size_t block_size = 16;

    Ghash() = default;
    ~Ghash();  // wipes the hash key and the state
    Ghash(const Ghash&) = delete;
    Ghash& operator=(const Ghash&) = delete;

    /// Sets the hash key H (the encryption of the zero block) and clears the state.
    void set_key(std::span<const std::uint8_t, block_size> hash_key) noexcept;
    /// Clears the state for a new message; the key stays.
    void reset() noexcept { y_high_ = y_low_ = 0; }
    /// Hashes `data` in blocks, the last one padded with zeros (GCM pads the AAD and the
    /// ciphertext each to a whole block).
    void absorb_padded(std::span<const std::uint8_t> data) noexcept;
    /// Hashes GCM's final block: the AAD's and the ciphertext's lengths in bits.
    void absorb_lengths(std::uint64_t aad_bytes, std::uint64_t text_bytes) noexcept;
    /// The hash so far.
    [[nodiscard]] std::array<std::uint8_t, block_size> digest() const noexcept;

    /// A field element as the multiplier needs it: the two 64-bit halves (big-endian), their XOR
    /// (Karatsuba's middle operand), and the three bit-reversed, for the high product halves.
    struct Operand {
        std::uint64_t high, low, sum;
        std::uint64_t high_reversed, low_reversed, sum_reversed;
    };

private:
    static constexpr std::size_t aggregated_blocks = 8;

    /// Y = (Y ⊕ X1)·H^n ⊕ X2·H^(n-1) ⊕ … ⊕ Xn·H for the n (1 to 8) blocks at `blocks`.
    void absorb_blocks(const std::uint8_t* blocks, std::size_t n) noexcept;

    std::array<Operand, aggregated_blocks> powers_{};  // powers_[i] is H^(i + 1)
    std::uint64_t y_high_ = 0, y_low_ = 0;             // the state
};

}  // namespace websrt::crypto
