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
#endif

namespace websrt::crypto {

AesNiCtr::~AesNiCtr() { detail::secure_zero(round_keys_.data(), sizeof round_keys_); }

#if defined(__x86_64__)
namespace {

constexpr std::size_t blocks_in_flight = 8;  // AESENC's latency over its throughput, with room

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

}  // namespace

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
    const std::size_t batches = (blocks + blocks_in_flight - 1) / blocks_in_flight;
    // As BitslicedAes::ctr_xor: each batch reads all its input before it writes, and when the
    // output starts inside the input, later, the batches go backwards.
    const bool backwards = out > in && out < in + size;
    for (std::size_t n = 0; n < batches; ++n) {
        const std::size_t batch = backwards ? batches - 1 - n : n;
        const std::size_t first_block = batch * blocks_in_flight;
        // Unrolled, so that the eight blocks live in registers and their AESENCs overlap (at -O2
        // GCC otherwise keeps them in memory and runs one block's rounds at a time).
        __m128i stream[blocks_in_flight];
#pragma GCC unroll 8
        for (std::size_t b = 0; b < blocks_in_flight; ++b) {
            stream[b] = _mm_xor_si128(counter_block(high, low, first_block + b), _mm_load_si128(&keys[0]));
        }
        for (int round = 1; round < rounds_; ++round) {
            const __m128i round_key = _mm_load_si128(&keys[round]);
#pragma GCC unroll 8
            for (auto& block : stream) block = _mm_aesenc_si128(block, round_key);
        }
        const __m128i last_key = _mm_load_si128(&keys[rounds_]);
#pragma GCC unroll 8
        for (auto& block : stream) block = _mm_aesenclast_si128(block, last_key);

        const std::size_t whole = std::min(blocks_in_flight, (size - first_block * block_size) / block_size);
        for (std::size_t b = 0; b < whole; ++b) {
            const auto* source = reinterpret_cast<const __m128i*>(in + (first_block + b) * block_size);
            stream[b] = _mm_xor_si128(stream[b], _mm_loadu_si128(source));
        }
        const std::size_t tail_offset = (first_block + whole) * block_size;
        const std::size_t tail_size = whole < blocks_in_flight && tail_offset < size ? size - tail_offset : 0;
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
}

#else

bool AesNiCtr::supported() noexcept { return false; }
bool AesNiCtr::set_key(std::span<const std::uint8_t>) noexcept { return false; }
void AesNiCtr::ctr_xor(std::span<const std::uint8_t, block_size>, const std::uint8_t*, std::uint8_t*,
                       std::size_t) const noexcept {}

#endif

}  // namespace websrt::crypto
