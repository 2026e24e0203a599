// AES-CTR with AES-NI intrinsics (see aesni_ctr.hpp). Only the functions that use the
// instructions are compiled for them (target attributes), so the rest of the build stays
// baseline x86-64 and supported() can be asked on any CPU.
#include "crypto/aesni_ctr.hpp"

#include "crypto/wolfcrypt_backend.hpp"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define WEBSRT_AESNI __attribute__((target("aes,sse4.1")))
#define WEBSRT_VAES __attribute__((target("aes,sse4.1,avx2,vaes,avx512f,avx512bw,avx512vl")))
#endif

namespace websrt::crypto {

AesNiCtr::~AesNiCtr() { detail::secure_zero(round_keys_.data(), sizeof round_keys_); }

#if defined(__x86_64__)
namespace {

constexpr std::size_t blocks_in_flight = 8;  // AESENC's latency over its throughput, with room
constexpr std::size_t block_size = AesNiCtr::block_size;

/// SubWord (FIPS-197 §5.2) by AESENCLAST on four copies of the word with a zero round key: with
/// every column alike ShiftRows moves nothing, so each lane is SubWord of the word.
WEBSRT_AESNI std::uint32_t sub_word(std::uint32_t word) noexcept {
    const __m128i copies = _mm_set1_epi32(static_cast<int>(word));
    return static_cast<std::uint32_t>(_mm_cvtsi128_si32(_mm_aesenclast_si128(copies, _mm_setzero_si128())));
}

/// The block `increment` after the big-endian counter high:low (counters are public).
WEBSRT_AESNI __m128i counter_block(std::uint64_t high, std::uint64_t low, std::uint64_t increment) noexcept {
    const std::uint64_t new_low = low + increment;
    const std::uint64_t new_high = high + (new_low < low ? 1u : 0u);
    return _mm_set_epi64x(static_cast<long long>(__builtin_bswap64(new_low)),
                          static_cast<long long>(__builtin_bswap64(new_high)));
}

std::uint64_t load_big_endian(const std::uint8_t* bytes) noexcept {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value = (value << 8) | bytes[i];
    return value;
}

/// Encrypts the N counter blocks from high:low + first_block and XORs them into the data from
/// block first_block on (its last block may be partial: `size` ends the data). Reads all its
/// input before it writes (see ctr_xor).
template <std::size_t N>
WEBSRT_AESNI inline void ctr_batch(const __m128i* keys, int rounds, std::uint64_t high, std::uint64_t low,
                                   std::size_t first_block, const std::uint8_t* in, std::uint8_t* out,
                                   std::size_t size) noexcept {
    // Unrolled, so that the blocks live in registers and their AESENCs overlap (at -O2 GCC
    // otherwise keeps them in memory and runs one block's rounds at a time).
    __m128i stream[N];
    const std::uint64_t batch_low = low + first_block;
    const std::uint64_t batch_high = high + (batch_low < low ? 1u : 0u);
    if (batch_low + (N - 1) >= batch_low) {
        // No carry into the high half within the batch: each counter is one 64-bit add on the
        // counter held as little-endian halves, and one byte reversal makes it the block.
        const __m128i base = _mm_set_epi64x(static_cast<long long>(batch_high), static_cast<long long>(batch_low));
        const __m128i reverse = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
#pragma GCC unroll 8
        for (std::size_t b = 0; b < N; ++b) {
            const __m128i counter = _mm_add_epi64(base, _mm_set_epi64x(0, static_cast<long long>(b)));
            stream[b] = _mm_xor_si128(_mm_shuffle_epi8(counter, reverse), _mm_load_si128(&keys[0]));
        }
    } else {
#pragma GCC unroll 8
        for (std::size_t b = 0; b < N; ++b) {
            stream[b] = _mm_xor_si128(counter_block(batch_high, batch_low, b), _mm_load_si128(&keys[0]));
        }
    }
    for (int round = 1; round < rounds; ++round) {
        const __m128i round_key = _mm_load_si128(&keys[round]);
#pragma GCC unroll 8
        for (auto& block : stream) block = _mm_aesenc_si128(block, round_key);
    }
    const __m128i last_key = _mm_load_si128(&keys[rounds]);
#pragma GCC unroll 8
    for (auto& block : stream) block = _mm_aesenclast_si128(block, last_key);

    const std::size_t whole = std::min(N, (size - first_block * block_size) / block_size);
    for (std::size_t b = 0; b < whole; ++b) {
        const auto* source = reinterpret_cast<const __m128i*>(in + (first_block + b) * block_size);
        stream[b] = _mm_xor_si128(stream[b], _mm_loadu_si128(source));
    }
    const std::size_t tail_offset = (first_block + whole) * block_size;
    const std::size_t tail_size = whole < N && tail_offset < size ? size - tail_offset : 0;
    alignas(16) std::uint8_t tail[block_size] = {};
    if (tail_size != 0) {
        std::memcpy(tail, in + tail_offset, tail_size);
        _mm_store_si128(reinterpret_cast<__m128i*>(tail),
                        _mm_xor_si128(stream[whole], _mm_load_si128(reinterpret_cast<const __m128i*>(tail))));
    }
    for (std::size_t b = 0; b < whole; ++b) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + (first_block + b) * block_size), stream[b]);
    }
    if (tail_size != 0) {
        std::memcpy(out + tail_offset, tail, tail_size);
        detail::secure_zero(tail, sizeof tail);
    }
}

/// ctr_batch over the `count` blocks from first_block on, eight at a time (the last batch four
/// or fewer where it can), backwards when `backwards` (see ctr_xor).
WEBSRT_AESNI void ctr_blocks(const __m128i* keys, int rounds, std::uint64_t high, std::uint64_t low,
                             std::size_t first_block, std::size_t count, bool backwards, const std::uint8_t* in,
                             std::uint8_t* out, std::size_t size) noexcept {
    const std::size_t batches = (count + blocks_in_flight - 1) / blocks_in_flight;
    for (std::size_t n = 0; n < batches; ++n) {
        const std::size_t batch = backwards ? batches - 1 - n : n;
        const std::size_t first = first_block + batch * blocks_in_flight;
        // A last batch of four blocks or fewer runs half the AESENCs (a 1316-byte packet ends
        // with three blocks).
        if (first_block + count - first <= blocks_in_flight / 2) {
            ctr_batch<blocks_in_flight / 2>(keys, rounds, high, low, first, in, out, size);
        } else {
            ctr_batch<blocks_in_flight>(keys, rounds, high, low, first, in, out, size);
        }
    }
}

constexpr std::size_t blocks_per_register = 4;  // a 512-bit register holds four blocks
constexpr std::size_t wide_registers = 4;       // sixteen blocks in flight: VAES's latency and more
constexpr std::size_t wide_batch_blocks = blocks_per_register * wide_registers;

/// The 128-bit `block` in each lane of a 512-bit register. (_mm512_broadcast_i32x4 compiles to
/// the same instruction, but GCC 12 warns inside it of a deliberately undefined operand.)
WEBSRT_VAES inline __m512i in_every_lane(__m128i block) noexcept { return _mm512_maskz_broadcast_i32x4(0xffff, block); }

/// As ctr_batch, for Registers × 4 blocks through VAES, whose counters must not carry out of their
/// low 64 bits within the batch. Masked loads and stores (which do not fault on the bytes masked
/// off) take the data's end wherever it falls.
template <std::size_t Registers>
WEBSRT_VAES inline void wide_ctr_batch(const __m128i* keys, int rounds, std::uint64_t high, std::uint64_t low,
                                       std::size_t first_block, const std::uint8_t* in, std::uint8_t* out,
                                       std::size_t size) noexcept {
    const std::uint64_t batch_low = low + first_block;
    const std::uint64_t batch_high = high + (batch_low < low ? 1u : 0u);
    const __m512i base =
        in_every_lane(_mm_set_epi64x(static_cast<long long>(batch_high), static_cast<long long>(batch_low)));
    const __m512i reverse = in_every_lane(_mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    const __m512i first_key = in_every_lane(_mm_load_si128(&keys[0]));
    __m512i stream[Registers];
#pragma GCC unroll 4
    for (std::size_t j = 0; j < Registers; ++j) {
        // Block 4j + k in lane k: the counter's low half plus 4j + k, then its bytes reversed.
        const auto b = static_cast<long long>(blocks_per_register * j);
        const __m512i increments = _mm512_set_epi64(0, b + 3, 0, b + 2, 0, b + 1, 0, b);
        stream[j] = _mm512_xor_si512(_mm512_shuffle_epi8(_mm512_add_epi64(base, increments), reverse), first_key);
    }
    for (int round = 1; round < rounds; ++round) {
        const __m512i round_key = in_every_lane(_mm_load_si128(&keys[round]));
#pragma GCC unroll 4
        for (auto& blocks : stream) blocks = _mm512_aesenc_epi128(blocks, round_key);
    }
    const __m512i last_key = in_every_lane(_mm_load_si128(&keys[rounds]));
#pragma GCC unroll 4
    for (auto& blocks : stream) blocks = _mm512_aesenclast_epi128(blocks, last_key);

    __m512i data[Registers];
    __mmask64 masks[Registers];
    std::size_t offsets[Registers];
#pragma GCC unroll 4
    for (std::size_t j = 0; j < Registers; ++j) {
        offsets[j] = (first_block + blocks_per_register * j) * block_size;
        const std::size_t remaining = size > offsets[j] ? size - offsets[j] : 0;
        masks[j] = remaining >= 64 ? ~__mmask64{0} : (__mmask64{1} << remaining) - 1;
        if (remaining == 0) offsets[j] = 0;  // nothing read or written: keep the address in range
        data[j] = _mm512_maskz_loadu_epi8(masks[j], in + offsets[j]);
    }
#pragma GCC unroll 4
    for (std::size_t j = 0; j < Registers; ++j) {
        _mm512_mask_storeu_epi8(out + offsets[j], masks[j], _mm512_xor_si512(data[j], stream[j]));
    }
}

/// ctr_blocks through VAES, sixteen blocks at a time, for all `blocks` of the data. A function of
/// its own: only it is compiled for AVX-512, and only called where the CPU has it.
WEBSRT_VAES void wide_ctr_blocks(const __m128i* keys, int rounds, std::uint64_t high, std::uint64_t low,
                                 std::size_t blocks, bool backwards, const std::uint8_t* in, std::uint8_t* out,
                                 std::size_t size) noexcept {
    const std::size_t batches = (blocks + wide_batch_blocks - 1) / wide_batch_blocks;
    for (std::size_t n = 0; n < batches; ++n) {
        const std::size_t batch = backwards ? batches - 1 - n : n;
        const std::size_t first_block = batch * wide_batch_blocks;
        const std::size_t count = std::min(wide_batch_blocks, blocks - first_block);
        const std::uint64_t batch_low = low + first_block;
        if (batch_low + (count - 1) < batch_low) {  // the counter carries into its high half here
            ctr_blocks(keys, rounds, high, low, first_block, count, backwards, in, out, size);
            continue;
        }
        switch ((count + blocks_per_register - 1) / blocks_per_register) {
        case 1: wide_ctr_batch<1>(keys, rounds, high, low, first_block, in, out, size); break;
        case 2: wide_ctr_batch<2>(keys, rounds, high, low, first_block, in, out, size); break;
        case 3: wide_ctr_batch<3>(keys, rounds, high, low, first_block, in, out, size); break;
        default: wide_ctr_batch<wide_registers>(keys, rounds, high, low, first_block, in, out, size); break;
        }
    }
}

}  // namespace

bool AesNiCtr::vaes_supported() noexcept {
    // CPUID leaf 7: VAES (ECX bit 9), AVX-512 F, BW and VL (EBX bits 16, 30, 31). And the OS must
    // save the registers: OSXSAVE (leaf 1, ECX bit 27), then XCR0's SSE, AVX, opmask and both
    // halves of the upper ZMM state (bits 1, 2, 5, 6, 7). Asked directly: Clang 14's
    // __builtin_cpu_supports does not know "vaes".
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!supported() || __get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0 || (ecx & (1u << 27)) == 0) return false;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
    constexpr unsigned avx512_f_bw_vl = (1u << 16) | (1u << 30) | (1u << 31);
    if ((ecx & (1u << 9)) == 0 || (ebx & avx512_f_bw_vl) != avx512_f_bw_vl) return false;
    unsigned xcr0_low = 0, xcr0_high = 0;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    constexpr unsigned zmm_state = (1u << 1) | (1u << 2) | (1u << 5) | (1u << 6) | (1u << 7);
    return (xcr0_low & zmm_state) == zmm_state;
}

bool AesNiCtr::supported() noexcept {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
    return (ecx & bit_AES) != 0 && (ecx & bit_SSE4_1) != 0;
}

bool AesNiCtr::set_key(std::span<const std::uint8_t> key) noexcept {
    detail::secure_zero(round_keys_.data(), sizeof round_keys_);
    rounds_ = supported() ? detail::expand_aes_key(key, round_keys_, sub_word) : 0;
    return rounds_ != 0;
}

WEBSRT_AESNI void AesNiCtr::ctr_xor(std::span<const std::uint8_t, block_size> counter, const std::uint8_t* in,
                                    std::uint8_t* out, std::size_t size) const noexcept {
    const auto* keys = reinterpret_cast<const __m128i*>(round_keys_.data());
    const std::uint64_t high = load_big_endian(counter.data());
    const std::uint64_t low = load_big_endian(counter.data() + 8);
    const std::size_t blocks = (size + block_size - 1) / block_size;
    // As BitslicedAes::ctr_xor: each batch reads all its input before it writes, and when the
    // output starts inside the input, later, the batches go backwards.
    const bool backwards = out > in && out < in + size;
    if (wide_) {
        wide_ctr_blocks(keys, rounds_, high, low, blocks, backwards, in, out, size);
    } else {
        ctr_blocks(keys, rounds_, high, low, 0, blocks, backwards, in, out, size);
    }
}

#else

bool AesNiCtr::supported() noexcept { return false; }
bool AesNiCtr::vaes_supported() noexcept { return false; }
bool AesNiCtr::set_key(std::span<const std::uint8_t>) noexcept { return false; }
void AesNiCtr::ctr_xor(std::span<const std::uint8_t, block_size>, const std::uint8_t*, std::uint8_t*,
                       std::size_t) const noexcept {}

#endif

}  // namespace websrt::crypto
