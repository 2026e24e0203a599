// Bitsliced AES: key schedule, the eight-block cipher and counter mode (see bitsliced_aes.hpp).
#include "crypto/bitsliced_aes.hpp"

#include "crypto/aes_key_expansion.hpp"
#include "crypto/wolfcrypt_backend.hpp"

#include <algorithm>
#include <cstring>

namespace websrt::crypto {
namespace {

using detail::BytePermutation;
using detail::Lanes;

// AES state byte p is row p % 4 of column p / 4 (FIPS-197 §3.4). In the slices, row r of column
// c is byte lane 4r + c instead: each row a 32-bit lane, so MixColumns's row moves are 32-bit
// lane shuffles, which V8 emits as one pshufd, where a general byte shuffle costs it a pshufb and
// four instructions to build the mask. This permutation swaps the two orders (either way).
constexpr BytePermutation column_major_to_row_major = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
// ShiftRows (§5.1.2): row r moves r columns to the left.
constexpr BytePermutation shift_rows = {0, 1, 2, 3, 5, 6, 7, 4, 10, 11, 8, 9, 15, 12, 13, 14};
// Row r takes row r + 1, or row r + 2 (MixColumns, §5.1.3, works within each column).
constexpr BytePermutation rows_up_1 = {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3};
constexpr BytePermutation rows_up_2 = {8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7};

// SubBytes ends with adding 0x63 to every byte (§5.1.1). The bitsliced rounds leave it out and
// add it with the next round key instead: ShiftRows moves equal bytes among themselves, and
// MixColumns maps a column of four equal bytes to itself (2 ⊕ 3 ⊕ 1 ⊕ 1 = 1), so the constant
// passes through both unchanged. That saves four NOTs a round.
constexpr std::uint8_t sub_bytes_constant = 0x63;

/// SubBytes on bitsliced data: q[r] holds bit r of every byte. Boyar and Peralta's circuit
/// (eprint 2009/191, figure 7), whose variables x0 … x7 run from the high bit to the low one.
/// Only XOR, AND and NOT: its time does not depend on the bytes. W: Lanes, or a machine word.
/// Without `add_constant`, the result lacks SubBytes's final 0x63 (see sub_bytes_constant).
template <bool add_constant, class W>
void sub_bytes(std::array<W, 8>& q) noexcept {
    const W x0 = q[7], x1 = q[6], x2 = q[5], x3 = q[4], x4 = q[3], x5 = q[2], x6 = q[1], x7 = q[0];

    // Top linear transformation.
    const W y14 = x3 ^ x5, y13 = x0 ^ x6, y9 = x0 ^ x3, y8 = x0 ^ x5, t0 = x1 ^ x2;
    const W y1 = t0 ^ x7, y4 = y1 ^ x3, y12 = y13 ^ y14, y2 = y1 ^ x0, y5 = y1 ^ x6;
    const W y3 = y5 ^ y8, t1 = x4 ^ y12, y15 = t1 ^ x5, y20 = t1 ^ x1, y6 = y15 ^ x7;
    const W y10 = y15 ^ t0, y11 = y20 ^ y9, y7 = x7 ^ y11, y17 = y10 ^ y11, y19 = y10 ^ y8;
    const W y16 = t0 ^ y11, y21 = y13 ^ y16, y18 = x0 ^ y16;

    // Non-linear middle: the inversion in GF(2^8), through GF(2^4).
    const W t2 = y12 & y15, t3 = y3 & y6, t4 = t3 ^ t2, t5 = y4 & x7, t6 = t5 ^ t2;
    const W t7 = y13 & y16, t8 = y5 & y1, t9 = t8 ^ t7, t10 = y2 & y7, t11 = t10 ^ t7;
    const W t12 = y9 & y11, t13 = y14 & y17, t14 = t13 ^ t12, t15 = y8 & y10, t16 = t15 ^ t12;
    const W t17 = t4 ^ t14, t18 = t6 ^ t16, t19 = t9 ^ t14, t20 = t11 ^ t16;
    const W t21 = t17 ^ y20, t22 = t18 ^ y19, t23 = t19 ^ y21, t24 = t20 ^ y18;
    const W t25 = t21 ^ t22, t26 = t21 & t23, t27 = t24 ^ t26, t28 = t25 & t27, t29 = t28 ^ t22;
    const W t30 = t23 ^ t24, t31 = t22 ^ t26, t32 = t31 & t30, t33 = t32 ^ t24, t34 = t23 ^ t33;
    const W t35 = t27 ^ t33, t36 = t24 & t35, t37 = t36 ^ t34, t38 = t27 ^ t36, t39 = t29 & t38;
    const W t40 = t25 ^ t39, t41 = t40 ^ t37, t42 = t29 ^ t33, t43 = t29 ^ t40, t44 = t33 ^ t37;
    const W t45 = t42 ^ t41;
    const W z0 = t44 & y15, z1 = t37 & y6, z2 = t33 & x7, z3 = t43 & y16, z4 = t40 & y1, z5 = t29 & y7;
    const W z6 = t42 & y11, z7 = t45 & y17, z8 = t41 & y10, z9 = t44 & y12, z10 = t37 & y3, z11 = t33 & y4;
    const W z12 = t43 & y13, z13 = t40 & y5, z14 = t29 & y2, z15 = t42 & y9, z16 = t45 & y14, z17 = t41 & y8;

    // Bottom linear transformation, with the affine constant 0x63 as the NOTs.
    const W t46 = z15 ^ z16, t47 = z10 ^ z11, t48 = z5 ^ z13, t49 = z9 ^ z10, t50 = z2 ^ z12;
    const W t51 = z2 ^ z5, t52 = z7 ^ z8, t53 = z0 ^ z3, t54 = z6 ^ z7, t55 = z16 ^ z17;
    const W t56 = z12 ^ t48, t57 = t50 ^ t53, t58 = z4 ^ t46, t59 = z3 ^ t54, t60 = t46 ^ t57;
    const W t61 = z14 ^ t57, t62 = t52 ^ t58, t63 = t49 ^ t58, t64 = z4 ^ t59, t65 = t61 ^ t62;
    const W t66 = z1 ^ t63, t67 = t64 ^ t65;
    const W s3 = t53 ^ t66;
    q[7] = t59 ^ t63;              // s0
    q[6] = t64 ^ s3;               // s1
    q[5] = t55 ^ t67;              // s2
    q[4] = s3;                     // s3
    q[3] = t51 ^ t66;              // s4
    q[2] = t47 ^ t65;              // s5
    q[1] = t56 ^ t62;              // s6
    q[0] = t48 ^ t60;              // s7
    if constexpr (add_constant) {  // the NOTs of the circuit: bits 6, 5, 1 and 0 of 0x63
        for (int r : {0, 1, 5, 6}) q[static_cast<std::size_t>(r)] = ~q[static_cast<std::size_t>(r)];
    }
}

/// One step of a bit-matrix transpose: exchanges the bits of `high` selected by `mask` with the
/// bits of `low` `shift` places above them.
template <int shift>
void swap_bits(Lanes& low, Lanes& high, Lanes mask) noexcept {
    const Lanes t = (low.shr64<shift>() ^ high) & mask;
    high ^= t;
    low ^= t.shl64<shift>();
}

/// Transposes, in every byte lane at once, the 8 × 8 bit matrix whose row i is byte lane of q[i]:
/// eight blocks (q[b] = block b) become eight slices (q[r] = bit r of every byte), and back.
/// The masks keep every bit inside its byte, so the 64-bit shifts never mix lanes.
void transpose(std::array<Lanes, 8>& q) noexcept {
    const Lanes m1 = Lanes::repeat64(0x5555555555555555u);
    const Lanes m2 = Lanes::repeat64(0x3333333333333333u);
    const Lanes m4 = Lanes::repeat64(0x0f0f0f0f0f0f0f0fu);
    for (int i = 0; i < 8; i += 2) swap_bits<1>(q[i], q[i + 1], m1);
    for (int i : {0, 1, 4, 5}) swap_bits<2>(q[i], q[i + 2], m2);
    for (int i = 0; i < 4; ++i) swap_bits<4>(q[i], q[i + 4], m4);
}

template <BytePermutation permutation>
alignas(16) constexpr BytePermutation permutation_table = permutation;

/// `permutation` as a register of indices for Lanes::swizzled, loaded from memory: V8 builds
/// the mask of a constant shuffle anew at every use, four instructions (two 64-bit immediates
/// into an xmm register) before its pshufb, while a loaded index register costs one load and
/// swizzle's range fix (paddusb). The empty asm hides the table's contents from LLVM, which
/// would otherwise turn the swizzle back into a constant shuffle.
template <BytePermutation permutation>
Lanes indices() noexcept {
    const std::uint8_t* table = permutation_table<permutation>.data();
    __asm__("" : "+r"(table));
    return Lanes::load(table);
}

/// ShiftRows then MixColumns on slices. Per column, MixColumns is
/// out = 2·(a ⊕ up1(a)) ⊕ up1(a) ⊕ up2(a ⊕ up1(a)), with 2· (xtime) on slices a renaming of
/// the bits plus the reduction by x^8 + x^4 + x^3 + x + 1 (bit 7 into bits 0, 1, 3 and 4).
void shift_rows_mix_columns(std::array<Lanes, 8>& q) noexcept {
    std::array<Lanes, 8> up1;  // the shifted state's rows moved up by one
    std::array<Lanes, 8> t;    // shifted ⊕ up1
    // ShiftRows as a swizzle by loaded indices: about 11% faster CTR in V8 than the constant
    // shuffle (see indices()). The row moves stay constant shuffles, each a single pshufd.
    const Lanes shift_indices = indices<shift_rows>();
    for (int r = 0; r < 8; ++r) {
        const Lanes shifted = q[r].swizzled(shift_indices);
        up1[r] = shifted.permuted<rows_up_1>();
        t[r] = shifted ^ up1[r];
    }
    q[0] = t[7] ^ up1[0] ^ t[0].permuted<rows_up_2>();
    q[1] = t[0] ^ t[7] ^ up1[1] ^ t[1].permuted<rows_up_2>();
    q[2] = t[1] ^ up1[2] ^ t[2].permuted<rows_up_2>();
    q[3] = t[2] ^ t[7] ^ up1[3] ^ t[3].permuted<rows_up_2>();
    q[4] = t[3] ^ t[7] ^ up1[4] ^ t[4].permuted<rows_up_2>();
    q[5] = t[4] ^ up1[5] ^ t[5].permuted<rows_up_2>();
    q[6] = t[5] ^ up1[6] ^ t[6].permuted<rows_up_2>();
    q[7] = t[6] ^ up1[7] ^ t[7].permuted<rows_up_2>();
}

void add_round_key(std::array<Lanes, 8>& q, const std::array<Lanes, 8>& key) noexcept {
    for (int r = 0; r < 8; ++r) q[r] ^= key[r];
}

/// SubWord (FIPS-197 §5.2) through the same circuit, on 32-bit slices (one bit per byte).
std::uint32_t sub_word(std::uint32_t word) noexcept {
    std::array<std::uint32_t, 8> q{};
    for (int r = 0; r < 8; ++r) {
        for (int j = 0; j < 4; ++j) q[r] |= ((word >> (8 * j + r)) & 1u) << j;
    }
    sub_bytes<true>(q);
    std::uint32_t substituted = 0;
    for (int r = 0; r < 8; ++r) {
        for (int j = 0; j < 4; ++j) substituted |= ((q[r] >> j) & 1u) << (8 * j + r);
    }
    return substituted;
}

/// A counter block as two big-endian halves, so that advancing it is integer arithmetic.
struct Counter {
    std::uint64_t high;
    std::uint64_t low;
};

Counter load_counter(std::span<const std::uint8_t, 16> bytes) noexcept {
    Counter counter{0, 0};
    for (int i = 0; i < 8; ++i) counter.high = (counter.high << 8) | bytes[static_cast<std::size_t>(i)];
    for (int i = 8; i < 16; ++i) counter.low = (counter.low << 8) | bytes[static_cast<std::size_t>(i)];
    return counter;
}

/// `counter` + `increment`, over 128 bits or the last 32 (counters are public: no secrets here).
Counter advanced(Counter counter, std::uint64_t increment, BitslicedAes::CounterWidth width) noexcept {
    if (width == BitslicedAes::CounterWidth::bits32) {
        const std::uint64_t low32 = (counter.low + increment) & 0xffffffffu;
        return {counter.high, (counter.low & ~std::uint64_t{0xffffffffu}) | low32};
    }
    const std::uint64_t low = counter.low + increment;
    return {counter.high + (low < counter.low ? 1u : 0u), low};
}

/// The counter block's 16 bytes in a register (byte 0 first).
Lanes counter_block(Counter counter) noexcept {
    return Lanes::from_words(__builtin_bswap64(counter.high), __builtin_bswap64(counter.low));
}

/// The whole cipher on eight blocks held in registers (q[b] = block b), in place. Inlined into
/// each caller, whose q is then a local the compiler keeps in registers: called, the same code
/// ran about a fifth slower in V8.
template <class RoundKeys>
[[gnu::always_inline]] inline void encrypt_in_registers(std::array<Lanes, 8>& q, const RoundKeys& round_keys,
                                                        int rounds) noexcept {
    const Lanes to_rows = indices<column_major_to_row_major>();
    for (auto& block : q) block = block.swizzled(to_rows);
    transpose(q);
    add_round_key(q, round_keys[0]);
    for (int k = 1; k < rounds; ++k) {
        sub_bytes<false>(q);
        shift_rows_mix_columns(q);
        add_round_key(q, round_keys[static_cast<std::size_t>(k)]);
    }
    sub_bytes<false>(q);
    const Lanes shift_indices = indices<shift_rows>();
    for (auto& slice : q) slice = slice.swizzled(shift_indices);
    add_round_key(q, round_keys[static_cast<std::size_t>(rounds)]);
    transpose(q);
    const Lanes to_columns = indices<column_major_to_row_major>();
    for (auto& block : q) block = block.swizzled(to_columns);
}

}  // namespace

BitslicedAes::~BitslicedAes() { detail::secure_zero(round_keys_.data(), sizeof round_keys_); }

bool BitslicedAes::set_key(std::span<const std::uint8_t> key) noexcept {
    detail::secure_zero(round_keys_.data(), sizeof round_keys_);
    rounds_ = 0;
    detail::AesKeyWords words{};
    const int rounds = detail::expand_aes_key(key, words, sub_word);
    if (rounds == 0) return false;

    // Each round key as slices: lane 4 × row + column of slice r is all ones where bit r of that
    // byte is set. Every round key after the first carries the previous SubBytes's 0x63.
    for (int k = 0; k <= rounds; ++k) {
        const std::uint32_t constant = k == 0 ? 0u : sub_bytes_constant;
        for (int r = 0; r < 8; ++r) {
            std::array<std::uint8_t, 16> lanes{};
            for (std::size_t row = 0; row < 4; ++row) {
                for (std::size_t column = 0; column < 4; ++column) {
                    const std::uint32_t byte =
                        (words[4 * static_cast<std::size_t>(k) + column] >> (8 * row)) ^ constant;
                    lanes[4 * row + column] = static_cast<std::uint8_t>(0u - ((byte >> r) & 1u));
                }
            }
            round_keys_[static_cast<std::size_t>(k)][static_cast<std::size_t>(r)] = Lanes::load(lanes.data());
            detail::secure_zero(lanes.data(), lanes.size());
        }
    }
    detail::secure_zero(words.data(), sizeof words);
    rounds_ = rounds;
    return true;
}

void BitslicedAes::encrypt_batch(const std::uint8_t* in, std::uint8_t* out) const noexcept {
    Slices q;
    for (std::size_t b = 0; b < blocks_per_batch; ++b) q[b] = Lanes::load(in + b * block_size);
    encrypt_in_registers(q, round_keys_, rounds_);
    for (std::size_t b = 0; b < blocks_per_batch; ++b) q[b].store(out + b * block_size);
}

void BitslicedAes::ctr_xor(std::span<const std::uint8_t, block_size> counter, CounterWidth width,
                           const std::uint8_t* in, std::uint8_t* out, std::size_t size,
                           std::uint8_t* first_block_out) const noexcept {
    // Keystream block i (from 0) of the data is the encryption of counter + skip + i.
    const std::size_t skip = first_block_out != nullptr ? 1 : 0;
    const std::size_t keystream_blocks = skip + (size + block_size - 1) / block_size;
    const std::size_t batches = (keystream_blocks + blocks_per_batch - 1) / blocks_per_batch;
    // Each batch reads all its input before it writes; when the output starts inside the input,
    // later, going through the batches backwards keeps unread input from being overwritten.
    const bool backwards = out > in && out < in + size;
    const Counter first = load_counter(counter);
    for (std::size_t n = 0; n < batches; ++n) {
        const std::size_t batch = backwards ? batches - 1 - n : n;
        Slices q;
        for (std::size_t b = 0; b < blocks_per_batch; ++b) {
            q[b] = counter_block(advanced(first, batch * blocks_per_batch + b, width));
        }
        encrypt_in_registers(q, round_keys_, rounds_);

        // Keystream block b of this batch masks data block batch * 8 + b - skip.
        const std::size_t first_block = batch * blocks_per_batch;
        std::size_t b = 0;
        if (skip != 0 && batch == 0) {
            q[0].store(first_block_out);
            b = 1;
        }
        const std::size_t begin_b = b;
        std::size_t end_b = begin_b;  // past the last whole data block of this batch
        for (; end_b < blocks_per_batch; ++end_b) {
            const std::size_t offset = (first_block + end_b - skip) * block_size;
            if (offset + block_size > size) break;
            q[end_b] ^= Lanes::load(in + offset);
        }
        // The data's last, partial block, if it is in this batch: read, like the rest, before
        // anything is written.
        const std::size_t tail_offset = (first_block + end_b - skip) * block_size;
        const std::size_t tail_size = end_b < blocks_per_batch && tail_offset < size ? size - tail_offset : 0;
        alignas(16) std::array<std::uint8_t, block_size> tail{};
        if (tail_size != 0) {
            std::memcpy(tail.data(), in + tail_offset, tail_size);
            (Lanes::load(tail.data()) ^ q[end_b]).store(tail.data());
        }
        for (b = begin_b; b < end_b; ++b) q[b].store(out + (first_block + b - skip) * block_size);
        if (tail_size != 0) {
            std::memcpy(out + tail_offset, tail.data(), tail_size);
            detail::secure_zero(tail.data(), tail.size());
        }
    }
}

}  // namespace websrt::crypto
