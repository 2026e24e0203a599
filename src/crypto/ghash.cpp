// GHASH with constant-time 64 × 64 carry-less products (see ghash.hpp).
#include "crypto/ghash.hpp"

#include "crypto/simd_lanes.hpp"
#include "crypto/wolfcrypt_backend.hpp"

#include <algorithm>

namespace websrt::crypto {
namespace {

using detail::BytePermutation;
using detail::Lanes;

constexpr std::uint64_t bits_0 = 0x1111111111111111u;
constexpr std::uint64_t bits_1 = 0x2222222222222222u;
constexpr std::uint64_t bits_2 = 0x4444444444444444u;
constexpr std::uint64_t bits_3 = 0x8888888888888888u;

/// The low 64 bits of the carry-less product x · y. Each operand is split into four, every
/// fourth bit kept; in an integer product of two such parts at most 16 one-bits add up in any
/// position, so the carries stay within the three bits above it, which the masks then drop.
inline std::uint64_t carryless_multiply_low(std::uint64_t x, std::uint64_t y) noexcept {
    const std::uint64_t x0 = x & bits_0, x1 = x & bits_1, x2 = x & bits_2, x3 = x & bits_3;
    const std::uint64_t y0 = y & bits_0, y1 = y & bits_1, y2 = y & bits_2, y3 = y & bits_3;
    const std::uint64_t z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
    const std::uint64_t z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
    const std::uint64_t z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
    const std::uint64_t z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
    return (z0 & bits_0) | (z1 & bits_1) | (z2 & bits_2) | (z3 & bits_3);
}

/// The 64 bits in reverse order: the low half of the product of two reversed operands is the
/// reversed high half of the product (less one bit).
std::uint64_t reverse_bits(std::uint64_t x) noexcept {
    x = ((x & 0x5555555555555555u) << 1) | ((x >> 1) & 0x5555555555555555u);
    x = ((x & 0x3333333333333333u) << 2) | ((x >> 2) & 0x3333333333333333u);
    x = ((x & 0x0f0f0f0f0f0f0f0fu) << 4) | ((x >> 4) & 0x0f0f0f0f0f0f0f0fu);
    x = ((x & 0x00ff00ff00ff00ffu) << 8) | ((x >> 8) & 0x00ff00ff00ff00ffu);
    x = ((x & 0x0000ffff0000ffffu) << 16) | ((x >> 16) & 0x0000ffff0000ffffu);
    return (x << 32) | (x >> 32);
}

/// The operand form of the element high:low (see Ghash::Operand).
Ghash::Operand operand(std::uint64_t high, std::uint64_t low) noexcept {
    const std::uint64_t high_reversed = reverse_bits(high);
    const std::uint64_t low_reversed = reverse_bits(low);
    return {high, low, high ^ low, high_reversed, low_reversed, high_reversed ^ low_reversed};
}

// Byte p of each 64-bit half takes byte 7 - p: the halves as big-endian words.
constexpr BytePermutation byte_swap_halves = {7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8};

/// Reverses the bits within every byte. With the byte swap above, the two halves of a data
/// block come out both big-endian and bit-reversed for two registers' worth of work: wasm has
/// no byte-swap instruction, and the 64-bit reversal costs the scalar code about 25 operations
/// a word.
Lanes reverse_bits_in_bytes(Lanes x) noexcept {
    const Lanes m1 = Lanes::repeat64(0x5555555555555555u);
    const Lanes m2 = Lanes::repeat64(0x3333333333333333u);
    const Lanes m4 = Lanes::repeat64(0x0f0f0f0f0f0f0f0fu);
    x = ((x & m1).shl64<1>()) | (x.shr64<1>() & m1);
    x = ((x & m2).shl64<2>()) | (x.shr64<2>() & m2);
    return ((x & m4).shl64<4>()) | (x.shr64<4>() & m4);
}

/// The operand form of a 16-byte block (SP 800-38D's bit order: byte 0's high bit is x^0).
Ghash::Operand block_operand(const std::uint8_t* bytes) noexcept {
    const Lanes block = Lanes::load(bytes);
    const Lanes big_endian = block.permuted<byte_swap_halves>();
    const Lanes reversed = reverse_bits_in_bytes(block);  // bit-reversed big-endian halves
    const std::uint64_t high = big_endian.word<0>(), low = big_endian.word<1>();
    const std::uint64_t high_reversed = reversed.word<0>(), low_reversed = reversed.word<1>();
    return {high, low, high ^ low, high_reversed, low_reversed, high_reversed ^ low_reversed};
}

/// The six 64-bit halves of a Karatsuba product, summed over the products of a group of blocks.
struct Products {
    std::uint64_t z0 = 0, z1 = 0, z2 = 0, z0h = 0, z1h = 0, z2h = 0;
};

[[gnu::always_inline]] inline void multiply_add(Products& sum, const Ghash::Operand& x,
                                                const Ghash::Operand& h) noexcept {
    sum.z0 ^= carryless_multiply_low(x.low, h.low);
    sum.z1 ^= carryless_multiply_low(x.high, h.high);
    sum.z2 ^= carryless_multiply_low(x.sum, h.sum);
    sum.z0h ^= carryless_multiply_low(x.low_reversed, h.low_reversed);
    sum.z1h ^= carryless_multiply_low(x.high_reversed, h.high_reversed);
    sum.z2h ^= carryless_multiply_low(x.sum_reversed, h.sum_reversed);
}

/// The (summed) product reduced: its high and low halves. GCM numbers bits from the most
/// significant end, so the field element is the bit-reversal of the integer; the product is
/// taken as is and shifted by one here.
void reduce(Products p, std::uint64_t& high, std::uint64_t& low) noexcept {
    p.z2 ^= p.z0 ^ p.z1;
    p.z2h ^= p.z0h ^ p.z1h;
    p.z0h = reverse_bits(p.z0h) >> 1;
    p.z1h = reverse_bits(p.z1h) >> 1;
    p.z2h = reverse_bits(p.z2h) >> 1;

    // The 256-bit product v3:v2:v1:v0, shifted left by one (the bit order), then reduced modulo
    // x^128 + x^7 + x^2 + x + 1.
    std::uint64_t v0 = p.z0;
    std::uint64_t v1 = p.z0h ^ p.z2;
    std::uint64_t v2 = p.z1 ^ p.z2h;
    std::uint64_t v3 = p.z1h;
    v3 = (v3 << 1) | (v2 >> 63);
    v2 = (v2 << 1) | (v1 >> 63);
    v1 = (v1 << 1) | (v0 >> 63);
    v0 = (v0 << 1);
    v2 ^= v0 ^ (v0 >> 1) ^ (v0 >> 2) ^ (v0 >> 7);
    v1 ^= (v0 << 63) ^ (v0 << 62) ^ (v0 << 57);
    v3 ^= v1 ^ (v1 >> 1) ^ (v1 >> 2) ^ (v1 >> 7);
    v2 ^= (v1 << 63) ^ (v1 << 62) ^ (v1 << 57);
    low = v2;
    high = v3;
}

std::uint64_t load_big_endian(const std::uint8_t* bytes) noexcept {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value = (value << 8) | bytes[i];
    return value;
}

void store_big_endian(std::uint64_t value, std::uint8_t* bytes) noexcept {
    for (int i = 7; i >= 0; --i, value >>= 8) bytes[i] = static_cast<std::uint8_t>(value);
}

}  // namespace

Ghash::~Ghash() {
    detail::secure_zero(powers_.data(), sizeof powers_);
    detail::secure_zero(&y_high_, sizeof y_high_);
    detail::secure_zero(&y_low_, sizeof y_low_);
}

void Ghash::set_key(std::span<const std::uint8_t, block_size> hash_key) noexcept {
    powers_[0] = operand(load_big_endian(hash_key.data()), load_big_endian(hash_key.data() + 8));
    for (std::size_t i = 1; i < aggregated_blocks; ++i) {
        Products product;
        multiply_add(product, powers_[i - 1], powers_[0]);
        std::uint64_t high = 0, low = 0;
        reduce(product, high, low);
        powers_[i] = operand(high, low);
    }
    reset();
}

void Ghash::absorb_blocks(const std::uint8_t* blocks, std::size_t n) noexcept {
    Products sum;
    // The state joins the first block: its operand form, once per group.
    Operand x = block_operand(blocks);
    const Operand y = operand(y_high_, y_low_);
    x.high ^= y.high, x.low ^= y.low, x.sum ^= y.sum;
    x.high_reversed ^= y.high_reversed, x.low_reversed ^= y.low_reversed, x.sum_reversed ^= y.sum_reversed;
    multiply_add(sum, x, powers_[n - 1]);
    for (std::size_t i = 1; i < n; ++i) multiply_add(sum, block_operand(blocks + i * block_size), powers_[n - 1 - i]);
    reduce(sum, y_high_, y_low_);
}

void Ghash::absorb_padded(std::span<const std::uint8_t> data) noexcept {
    std::size_t offset = 0;
    for (; offset + aggregated_blocks * block_size <= data.size(); offset += aggregated_blocks * block_size) {
        absorb_blocks(data.data() + offset, aggregated_blocks);
    }
    // The rest: whole blocks and the padded last one, together (at most eight).
    if (offset < data.size()) {
        std::array<std::uint8_t, aggregated_blocks * block_size> rest{};
        const std::size_t rest_size = data.size() - offset;
        std::copy(data.begin() + static_cast<std::ptrdiff_t>(offset), data.end(), rest.begin());
        absorb_blocks(rest.data(), (rest_size + block_size - 1) / block_size);
        detail::secure_zero(rest.data(), rest.size());
    }
}

void Ghash::absorb_lengths(std::uint64_t aad_bytes, std::uint64_t text_bytes) noexcept {
    std::array<std::uint8_t, block_size> block{};
    store_big_endian(aad_bytes * 8, block.data());
    store_big_endian(text_bytes * 8, block.data() + 8);
    absorb_blocks(block.data(), 1);
}

std::array<std::uint8_t, Ghash::block_size> Ghash::digest() const noexcept {
    std::array<std::uint8_t, block_size> out{};
    store_big_endian(y_high_, out.data());
    store_big_endian(y_low_, out.data() + 8);
    return out;
}

}  // namespace websrt::crypto
