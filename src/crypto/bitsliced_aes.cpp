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
using detail::then;

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

/// SubBytes on bitsliced data: q[r] holds bit r of every byte. Boyar, Peralta and Calik's
/// 113-gate circuit (SLP_AES_113, from Boyar and Peralta, eprint 2009/191), whose variables
/// u0 … u7 run from the high bit to the low one, with its gates in the order Stoffelen's
/// register-allocation scheduler gives them (github.com/Ko-/aes-armcortexm, as in RustCrypto's
/// aes fixslice64.rs, MIT/Apache-2.0). In V8, CTR runs about 15% faster with it than with
/// BearSSL's form of the 2009 circuit. Only XOR and AND: its time does not depend on the bytes.
/// W: Lanes, or a machine word. Without `add_constant`, the result lacks SubBytes's final 0x63
/// (see sub_bytes_constant).
template <bool add_constant, class W>
void sub_bytes(std::array<W, 8>& q) noexcept {
    const W u0 = q[7], u1 = q[6], u2 = q[5], u3 = q[4], u4 = q[3], u5 = q[2], u6 = q[1], u7 = q[0];

    const W y14 = u3 ^ u5;
    const W y13 = u0 ^ u6;
    const W y12 = y13 ^ y14;
    const W t1 = u4 ^ y12;
    const W y15 = t1 ^ u5;
    const W t2 = y12 & y15;
    const W y6 = y15 ^ u7;
    const W y20 = t1 ^ u1;
    const W y9 = u0 ^ u3;
    const W y11 = y20 ^ y9;
    const W t12 = y9 & y11;
    const W y7 = u7 ^ y11;
    const W y8 = u0 ^ u5;
    const W t0 = u1 ^ u2;
    const W y10 = y15 ^ t0;
    const W y17 = y10 ^ y11;
    const W t13 = y14 & y17;
    const W t14 = t13 ^ t12;
    const W y19 = y10 ^ y8;
    const W t15 = y8 & y10;
    const W t16 = t15 ^ t12;
    const W y16 = t0 ^ y11;
    const W y21 = y13 ^ y16;
    const W t7 = y13 & y16;
    const W y18 = u0 ^ y16;
    const W y1 = t0 ^ u7;
    const W y4 = y1 ^ u3;
    const W t5 = y4 & u7;
    const W t6 = t5 ^ t2;
    const W t18 = t6 ^ t16;
    const W t22 = t18 ^ y19;
    const W y2 = y1 ^ u0;
    const W t10 = y2 & y7;
    const W t11 = t10 ^ t7;
    const W t20 = t11 ^ t16;
    const W t24 = t20 ^ y18;
    const W y5 = y1 ^ u6;
    const W t8 = y5 & y1;
    const W t9 = t8 ^ t7;
    const W t19 = t9 ^ t14;
    const W t23 = t19 ^ y21;
    const W y3 = y5 ^ y8;
    const W t3 = y3 & y6;
    const W t4 = t3 ^ t2;
    const W t17 = t4 ^ y20;
    const W t21 = t17 ^ t14;
    const W t26 = t21 & t23;
    const W t27 = t24 ^ t26;
    const W t31 = t22 ^ t26;
    const W t25 = t21 ^ t22;
    const W t28 = t25 & t27;
    const W t29 = t28 ^ t22;
    const W z14 = t29 & y2;
    const W z5 = t29 & y7;
    const W t30 = t23 ^ t24;
    const W t32 = t31 & t30;
    const W t33 = t32 ^ t24;
    const W t35 = t27 ^ t33;
    const W t36 = t24 & t35;
    const W t38 = t27 ^ t36;
    const W t39 = t29 & t38;
    const W t40 = t25 ^ t39;
    const W t43 = t29 ^ t40;
    const W z3 = t43 & y16;
    const W tc12 = z3 ^ z5;
    const W z12 = t43 & y13;
    const W z13 = t40 & y5;
    const W z4 = t40 & y1;
    const W tc6 = z3 ^ z4;
    const W t34 = t23 ^ t33;
    const W t37 = t36 ^ t34;
    const W t41 = t40 ^ t37;
    const W z8 = t41 & y10;
    const W z17 = t41 & y8;
    const W t44 = t33 ^ t37;
    const W z0 = t44 & y15;
    const W z9 = t44 & y12;
    const W z10 = t37 & y3;
    const W z1 = t37 & y6;
    const W tc5 = z1 ^ z0;
    const W tc11 = tc6 ^ tc5;
    const W z11 = t33 & y4;
    const W t42 = t29 ^ t33;
    const W t45 = t42 ^ t41;
    const W z7 = t45 & y17;
    const W tc8 = z7 ^ tc6;
    const W z16 = t45 & y14;
    const W z6 = t42 & y11;
    const W tc16 = z6 ^ tc8;
    const W z15 = t42 & y9;
    const W tc20 = z15 ^ tc16;
    const W tc1 = z15 ^ z16;
    const W tc2 = z10 ^ tc1;
    const W tc21 = tc2 ^ z11;
    const W tc3 = z9 ^ tc2;
    const W s0 = tc3 ^ tc16;
    const W s3 = tc3 ^ tc11;
    const W s1 = s3 ^ tc16;
    const W tc13 = z13 ^ tc1;
    const W z2 = t33 & u7;
    const W tc4 = z0 ^ z2;
    const W tc7 = z12 ^ tc4;
    const W tc9 = z8 ^ tc7;
    const W tc10 = tc8 ^ tc9;
    const W tc17 = z14 ^ tc10;
    const W s5 = tc21 ^ tc17;
    const W tc26 = tc17 ^ tc20;
    const W s2 = tc26 ^ z17;
    const W tc14 = tc4 ^ tc12;
    const W tc18 = tc13 ^ tc14;
    const W s6 = tc10 ^ tc18;
    const W s7 = z12 ^ tc18;
    const W s4 = tc14 ^ s3;

    q[7] = s0;
    q[6] = s1;
    q[5] = s2;
    q[4] = s3;
    q[3] = s4;
    q[2] = s5;
    q[1] = s6;
    q[0] = s7;
    if constexpr (add_constant) {  // the circuit's NOTs, left out above: bits 6, 5, 1 and 0 of 0x63
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

/// `permutation` as a register of indices for Lanes::swizzled. V8 builds the mask of a constant
/// i8x16.shuffle anew at every use, four instructions before its pshufb, but emits a swizzle
/// whose index operand is a v128.const with every index below 16 as a bare pshufb, the constant
/// built once (hoisted out of the loops). LLVM would turn such a swizzle back into a shuffle:
/// the empty asm hides the constant from LLVM only. The indices are public constants. Natively
/// (portable lanes) it is a plain load.
template <BytePermutation permutation>
Lanes indices() noexcept {
#if defined(__wasm_simd128__)
    constexpr auto& p = permutation;
    v128_t v = wasm_i8x16_const(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13],
                                p[14], p[15]);
    __asm__("" : "+r"(v));
    return {v};
#else
    return Lanes::load(permutation.data());
#endif
}

/// ShiftRows then MixColumns on slices. Per column, MixColumns is
/// out = 2·(a ⊕ up1(a)) ⊕ up1(a) ⊕ up2(a ⊕ up1(a)), with 2· (xtime) on slices a renaming of
/// the bits plus the reduction by x^8 + x^4 + x^3 + x + 1 (bit 7 into bits 0, 1, 3 and 4).
void shift_rows_mix_columns(std::array<Lanes, 8>& q) noexcept {
    std::array<Lanes, 8> up1;  // the shifted state's rows moved up by one
    std::array<Lanes, 8> t;    // shifted ⊕ up1
    // ShiftRows as a swizzle by constant indices, a single pshufb in V8 (see indices()). The row
    // moves stay constant shuffles, each a single pshufd.
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

/// SubBytes, with its 0x63, on up to 64 bytes at once: the same circuit on 64-bit slices, bit j
/// of slice r being bit r of byte j. For the key schedule and column0_by_byte15_.
void substitute(std::span<std::uint8_t> bytes) noexcept {
    std::array<std::uint64_t, 8> q{};
    for (std::size_t j = 0; j < bytes.size() && j < 64; ++j) {
        for (std::size_t r = 0; r < 8; ++r) q[r] |= static_cast<std::uint64_t>((bytes[j] >> r) & 1u) << j;
    }
    sub_bytes<true>(q);
    for (std::size_t j = 0; j < bytes.size() && j < 64; ++j) {
        std::uint8_t byte = 0;
        for (std::size_t r = 0; r < 8; ++r) byte = static_cast<std::uint8_t>(byte | ((q[r] >> j) & 1u) << r);
        bytes[j] = byte;
    }
    detail::secure_zero(q.data(), sizeof q);
}

/// SubWord (FIPS-197 §5.2).
std::uint32_t sub_word(std::uint32_t word) noexcept {
    std::array<std::uint8_t, 4> bytes{};
    for (std::size_t j = 0; j < 4; ++j) bytes[j] = static_cast<std::uint8_t>(word >> (8 * j));
    substitute(bytes);
    std::uint32_t substituted = 0;
    for (std::size_t j = 0; j < 4; ++j) substituted |= static_cast<std::uint32_t>(bytes[j]) << (8 * j);
    detail::secure_zero(bytes.data(), bytes.size());
    return substituted;
}

/// 2 · b in GF(2^8) (FIPS-197 §4.2.1, xtime), without a branch on b.
std::uint8_t times2(std::uint8_t b) noexcept {
    return static_cast<std::uint8_t>((b << 1) ^ (0x1bu & (0u - (b >> 7u))));
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

/// The counter block's 16 bytes in a register in reverse order (byte 15 first): the two halves
/// as little-endian words, without byte swaps, which wasm lacks (two __builtin_bswap64 per block
/// cost some 40 scalar instructions). to_slices undoes the reversal in the shuffle it starts
/// with anyway.
Lanes reversed_counter_block(Counter counter) noexcept { return Lanes::from_words(counter.low, counter.high); }

constexpr BytePermutation reverse_bytes = {15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
/// Reversed counter blocks to the slices' row-major byte order, in one shuffle.
constexpr BytePermutation reversed_to_row_major = then(reverse_bytes, column_major_to_row_major);

/// Eight blocks held in registers (q[b] = block b) to slices, their bytes first going through
/// the permutation `to_rows` holds (see indices()) into the slices' row-major order.
[[gnu::always_inline]] inline void to_slices(std::array<Lanes, 8>& q, Lanes to_rows) noexcept {
    for (auto& block : q) block = block.swizzled(to_rows);
    transpose(q);
}

/// A round before the last, on slices: AddRoundKey with round key k, SubBytes, ShiftRows,
/// MixColumns. The round key is added first, where V8 puts its loads anyway: added at the end
/// of the round before, the loaded key slices stayed live through that round and were spilled.
template <class RoundKeys>
[[gnu::always_inline]] inline void middle_round(std::array<Lanes, 8>& q, const RoundKeys& round_keys, int k) noexcept {
    add_round_key(q, round_keys[static_cast<std::size_t>(k)]);
    sub_bytes<false>(q);
    shift_rows_mix_columns(q);
}

/// The cipher from round `first` (0: from AddRoundKey with round key 0) on, on slices, ending
/// with the blocks back in registers in their own byte order. Inlined into each caller, whose q
/// is then a local the compiler keeps in registers (as long as the caller indexes q only by
/// constants): called, the same code ran about a fifth slower in V8.
template <class RoundKeys>
[[gnu::always_inline]] inline void rounds_from(std::array<Lanes, 8>& q, const RoundKeys& round_keys, int first,
                                               int rounds) noexcept {
    for (int k = first; k < rounds - 1; ++k) middle_round(q, round_keys, k);
    add_round_key(q, round_keys[static_cast<std::size_t>(rounds - 1)]);
    sub_bytes<false>(q);
    const Lanes shift_indices = indices<shift_rows>();
    for (auto& slice : q) slice = slice.swizzled(shift_indices);
    add_round_key(q, round_keys[static_cast<std::size_t>(rounds)]);
    transpose(q);
    const Lanes to_columns = indices<column_major_to_row_major>();
    for (auto& block : q) block = block.swizzled(to_columns);
}

}  // namespace

BitslicedAes::~BitslicedAes() {
    detail::secure_zero(round_keys_.data(), sizeof round_keys_);
    detail::secure_zero(column0_by_byte15_.data(), sizeof column0_by_byte15_);
}

bool BitslicedAes::set_key(std::span<const std::uint8_t> key) noexcept {
    detail::secure_zero(round_keys_.data(), sizeof round_keys_);
    detail::secure_zero(column0_by_byte15_.data(), sizeof column0_by_byte15_);
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

    // column0_by_byte15_: round key 0's byte 15 is byte 3 of its last word.
    const auto key_byte15 = static_cast<std::uint8_t>(words[3] >> 24);
    for (std::size_t first = 0; first < column0_by_byte15_.size(); first += 64) {
        std::array<std::uint8_t, 64> substituted{};
        for (std::size_t j = 0; j < substituted.size(); ++j) {
            substituted[j] = static_cast<std::uint8_t>((first + j) ^ key_byte15);
        }
        substitute(substituted);
        for (std::size_t j = 0; j < substituted.size(); ++j) {
            const std::uint8_t s = substituted[j];
            const std::uint8_t twice = times2(s);
            column0_by_byte15_[first + j] = static_cast<std::uint32_t>(s) | static_cast<std::uint32_t>(s) << 8 |
                                            static_cast<std::uint32_t>(twice ^ s) << 16 |
                                            static_cast<std::uint32_t>(twice) << 24;
        }
        detail::secure_zero(substituted.data(), substituted.size());
    }
    detail::secure_zero(words.data(), sizeof words);
    rounds_ = rounds;
    return true;
}

void BitslicedAes::encrypt_batch(const std::uint8_t* in, std::uint8_t* out) const noexcept {
    Slices q;
    for (std::size_t b = 0; b < blocks_per_batch; ++b) q[b] = Lanes::load(in + b * block_size);
    to_slices(q, indices<column_major_to_row_major>());
    rounds_from(q, round_keys_, 0, rounds_);
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

    // Counter-mode caching: blocks whose counters differ in byte 15 alone (a run, up to 256 of
    // them) differ after round 1 only by column0_by_byte15_[byte 15]. So the first round's output
    // of a run's first batch, less that of its block 0's byte 15, gives every later batch of the
    // run its round 1, and those start at round 2: a packet of 1316 bytes (11 batches) runs
    // round 1 once instead of eleven times. Which counters share a run is public.
    Lanes run_base{};  // round 1's output for the run's counters with byte 15 adding nothing
    Counter run{};     // the run's counter, byte 15 aside
    bool have_run = false;
    const Lanes from_counters = indices<reversed_to_row_major>();
    const Lanes from_columns = indices<column_major_to_row_major>();
    for (std::size_t n = 0; n < batches; ++n) {
        const std::size_t batch = backwards ? batches - 1 - n : n;
        Slices q;
        const Counter base = advanced(first, batch * blocks_per_batch, width);
        const auto byte15 = static_cast<std::size_t>(base.low & 0xffu);
        const bool one_run = byte15 + (blocks_per_batch - 1) <= 0xffu;  // no carry out of byte 15 in the batch
        if (one_run && have_run && base.high == run.high && (base.low >> 8) == (run.low >> 8)) {
            for (std::size_t b = 0; b < blocks_per_batch; ++b) {
                q[b] = run_base ^ Lanes::load32(&column0_by_byte15_[byte15 + b]);
            }
            to_slices(q, from_columns);
        } else {
            // The batch's counters differ in their last 32 (bits32) or 64 bits. When those do not
            // wrap within the batch, block b is block 0 plus b, added to the low half in SIMD;
            // otherwise (at most once per wrap) each block goes through advanced().
            const std::uint64_t changing = width == CounterWidth::bits32 ? base.low & 0xffffffffu : base.low;
            const std::uint64_t limit = width == CounterWidth::bits32 ? 0xffffffffu : ~std::uint64_t{0};
            if (changing <= limit - (blocks_per_batch - 1)) {
                const Lanes one = Lanes::from_words(1, 0);
                q[0] = reversed_counter_block(base);
                for (std::size_t b = 1; b < blocks_per_batch; ++b) q[b] = q[b - 1].add64(one);
            } else {
                for (std::size_t b = 0; b < blocks_per_batch; ++b) {
                    q[b] = reversed_counter_block(advanced(base, b, width));
                }
            }
            to_slices(q, from_counters);
            middle_round(q, round_keys_, 0);
            if (one_run) {  // this batch starts a run: keep its block 0's round 1, less byte 15's part
                Slices blocks = q;
                transpose(blocks);
                run_base = blocks[0].swizzled(from_columns) ^ Lanes::load32(&column0_by_byte15_[byte15]);
                run = base;
                have_run = true;
            }
        }
        rounds_from(q, round_keys_, 1, rounds_);

        // Keystream block b of this batch masks data block batch * 8 + b - skip.
        const std::size_t first_block = batch * blocks_per_batch;
        if ((skip == 0 || batch != 0) && (first_block + blocks_per_batch - skip) * block_size <= size) {
            // A whole batch of data: q is only indexed by constants here, so the compiler keeps
            // it in registers through the rounds (a variable index would put it in memory).
            const std::size_t offset = (first_block - skip) * block_size;
            for (std::size_t b = 0; b < blocks_per_batch; ++b) q[b] ^= Lanes::load(in + offset + b * block_size);
            for (std::size_t b = 0; b < blocks_per_batch; ++b) q[b].store(out + offset + b * block_size);
            continue;
        }
        alignas(16) std::array<std::uint8_t, batch_size> keystream;
        for (std::size_t b = 0; b < blocks_per_batch; ++b) q[b].store(keystream.data() + b * block_size);
        std::size_t b = 0;
        if (skip != 0 && batch == 0) {
            std::memcpy(first_block_out, keystream.data(), block_size);
            b = 1;
        }
        const std::size_t begin_b = b;
        std::size_t end_b = begin_b;  // past the last whole data block of this batch
        std::array<Lanes, blocks_per_batch> masked;
        for (; end_b < blocks_per_batch; ++end_b) {
            const std::size_t offset = (first_block + end_b - skip) * block_size;
            if (offset + block_size > size) break;
            masked[end_b] = Lanes::load(keystream.data() + end_b * block_size) ^ Lanes::load(in + offset);
        }
        // The data's last, partial block, if it is in this batch: read, like the rest, before
        // anything is written.
        const std::size_t tail_offset = (first_block + end_b - skip) * block_size;
        const std::size_t tail_size = end_b < blocks_per_batch && tail_offset < size ? size - tail_offset : 0;
        alignas(16) std::array<std::uint8_t, block_size> tail{};
        if (tail_size != 0) {
            std::memcpy(tail.data(), in + tail_offset, tail_size);
            (Lanes::load(tail.data()) ^ Lanes::load(keystream.data() + end_b * block_size)).store(tail.data());
        }
        for (b = begin_b; b < end_b; ++b) masked[b].store(out + (first_block + b - skip) * block_size);
        if (tail_size != 0) std::memcpy(out + tail_offset, tail.data(), tail_size);
        detail::secure_zero(tail.data(), tail.size());
        detail::secure_zero(keystream.data(), keystream.size());
        detail::secure_zero(masked.data(), sizeof masked);
    }
}

}  // namespace websrt::crypto
