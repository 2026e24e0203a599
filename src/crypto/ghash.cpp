// GHASH with constant-time 64 × 64 carry-less products (see ghash.hpp).
#include "crypto/ghash.hpp"

#include "crypto/wolfcrypt_backend.hpp"

#include <algorithm>

namespace websrt::crypto {
namespace {

constexpr std::uint64_t bits_0 = 0x1111111111111111u;
constexpr std::uint64_t bits_1 = 0x2222222222222222u;
constexpr std::uint64_t bits_2 = 0x4444444444444444u;
constexpr std::uint64_t bits_3 = 0x8888888888888888u;

/// The low 64 bits of the carry-less product x · y. Each operand is split into four, every
/// fourth bit kept; in an integer product of two such parts at most 16 one-bits add up in any
/// position, so the carries stay within the three bits above it, which the masks then drop.
std::uint64_t carryless_multiply_low(std::uint64_t x, std::uint64_t y) noexcept {
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
    detail::secure_zero(&h_high_, sizeof h_high_);
    detail::secure_zero(&h_low_, sizeof h_low_);
    detail::secure_zero(&h_sum_, sizeof h_sum_);
    detail::secure_zero(&h_high_reversed_, sizeof h_high_reversed_);
    detail::secure_zero(&h_low_reversed_, sizeof h_low_reversed_);
    detail::secure_zero(&h_sum_reversed_, sizeof h_sum_reversed_);
    detail::secure_zero(&y_high_, sizeof y_high_);
    detail::secure_zero(&y_low_, sizeof y_low_);
}

void Ghash::set_key(std::span<const std::uint8_t, block_size> hash_key) noexcept {
    h_high_ = load_big_endian(hash_key.data());
    h_low_ = load_big_endian(hash_key.data() + 8);
    h_sum_ = h_high_ ^ h_low_;
    h_high_reversed_ = reverse_bits(h_high_);
    h_low_reversed_ = reverse_bits(h_low_);
    h_sum_reversed_ = h_high_reversed_ ^ h_low_reversed_;
    reset();
}

void Ghash::absorb_block(std::uint64_t high, std::uint64_t low) noexcept {
    // Y = (Y ⊕ X) · H. GCM numbers bits from the most significant end, so the field element is
    // the bit-reversal of the integer; the product is taken as is and shifted by one at the end.
    const std::uint64_t y1 = y_high_ ^ high;
    const std::uint64_t y0 = y_low_ ^ low;
    const std::uint64_t y1r = reverse_bits(y1);
    const std::uint64_t y0r = reverse_bits(y0);
    const std::uint64_t y2 = y0 ^ y1;
    const std::uint64_t y2r = y0r ^ y1r;

    // Karatsuba: low and high halves of the three 64 × 64 products.
    std::uint64_t z0 = carryless_multiply_low(y0, h_low_);
    std::uint64_t z1 = carryless_multiply_low(y1, h_high_);
    std::uint64_t z2 = carryless_multiply_low(y2, h_sum_);
    std::uint64_t z0h = carryless_multiply_low(y0r, h_low_reversed_);
    std::uint64_t z1h = carryless_multiply_low(y1r, h_high_reversed_);
    std::uint64_t z2h = carryless_multiply_low(y2r, h_sum_reversed_);
    z2 ^= z0 ^ z1;
    z2h ^= z0h ^ z1h;
    z0h = reverse_bits(z0h) >> 1;
    z1h = reverse_bits(z1h) >> 1;
    z2h = reverse_bits(z2h) >> 1;

    // The 256-bit product v3:v2:v1:v0, shifted left by one (the bit order), then reduced modulo
    // x^128 + x^7 + x^2 + x + 1.
    std::uint64_t v0 = z0;
    std::uint64_t v1 = z0h ^ z2;
    std::uint64_t v2 = z1 ^ z2h;
    std::uint64_t v3 = z1h;
    v3 = (v3 << 1) | (v2 >> 63);
    v2 = (v2 << 1) | (v1 >> 63);
    v1 = (v1 << 1) | (v0 >> 63);
    v0 = (v0 << 1);
    v2 ^= v0 ^ (v0 >> 1) ^ (v0 >> 2) ^ (v0 >> 7);
    v1 ^= (v0 << 63) ^ (v0 << 62) ^ (v0 << 57);
    v3 ^= v1 ^ (v1 >> 1) ^ (v1 >> 2) ^ (v1 >> 7);
    v2 ^= (v1 << 63) ^ (v1 << 62) ^ (v1 << 57);
    y_low_ = v2;
    y_high_ = v3;
}

void Ghash::absorb_padded(std::span<const std::uint8_t> data) noexcept {
    std::size_t offset = 0;
    for (; offset + block_size <= data.size(); offset += block_size) {
        absorb_block(load_big_endian(data.data() + offset), load_big_endian(data.data() + offset + 8));
    }
    if (offset < data.size()) {
        std::array<std::uint8_t, block_size> last{};
        std::copy(data.begin() + static_cast<std::ptrdiff_t>(offset), data.end(), last.begin());
        absorb_block(load_big_endian(last.data()), load_big_endian(last.data() + 8));
        detail::secure_zero(last.data(), last.size());
    }
}

void Ghash::absorb_lengths(std::uint64_t aad_bytes, std::uint64_t text_bytes) noexcept {
    absorb_block(aad_bytes * 8, text_bytes * 8);
}

std::array<std::uint8_t, Ghash::block_size> Ghash::digest() const noexcept {
    std::array<std::uint8_t, block_size> out{};
    store_big_endian(y_high_, out.data());
    store_big_endian(y_low_, out.data() + 8);
    return out;
}

}  // namespace websrt::crypto
