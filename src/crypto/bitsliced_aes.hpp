// Constant-time AES (encryption direction) for the WebAssembly build: bitsliced, eight blocks at
// a time in eight 128-bit registers, with no table lookups and no branches on secret data.
//
// The design is Käsper and Schwabe's ("Faster and Timing-Attack Resistant AES-GCM", CHES 2009,
// the layout of OpenSSL's bsaes): register r holds bit r of every byte of the eight blocks, byte
// lane p of it the eight blocks' byte p, so ShiftRows and MixColumns's row rotations are byte
// shuffles and SubBytes is Boyar, Peralta and Calik's 113-gate S-box circuit (eprint 2009/191,
// SLP_AES_113) run once for all 128 bytes, its gates in the order RustCrypto's aes crate
// (fixslice64.rs, MIT/Apache-2.0) took from Stoffelen's register-pressure scheduler.
// Counter mode skips the first round of most blocks (Bernstein and Schwabe's counter-mode
// caching, "New AES software speed records", INDOCRYPT 2008): see ctr_xor.
// Natively the same code runs on portable lanes (simd_lanes.hpp), for tests against wolfCrypt.
#pragma once

#include "crypto/aes_key_expansion.hpp"
#include "crypto/simd_lanes.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace websrt::crypto {

class BitslicedAes {
public:
    static constexpr std::size_t block_size = 16;
    static constexpr std::size_t blocks_per_batch = 8;
    static constexpr std::size_t batch_size = block_size * blocks_per_batch;

    /// How a counter block advances (NIST SP 800-38A appendix B): over all 128 bits, big-endian
    /// (SRT's AES-CTR), or over its last 32 bits only, wrapping (GCM's inc32, SP 800-38D §6.2).
    enum class CounterWidth : std::uint8_t { bits128, bits32 };

    BitslicedAes() = default;
    ~BitslicedAes();  // wipes the round keys
    BitslicedAes(const BitslicedAes&) = delete;
    BitslicedAes& operator=(const BitslicedAes&) = delete;

    /// Expands a 16/24/32-byte key (FIPS-197 §5.2); false, and no key held, for other sizes.
    bool set_key(std::span<const std::uint8_t> key) noexcept;
    [[nodiscard]] bool has_key() const noexcept { return rounds_ != 0; }

    /// Encrypts eight 16-byte blocks; `in` and `out` (batch_size bytes each) may be the same.
    void encrypt_batch(const std::uint8_t* in, std::uint8_t* out) const noexcept;

    /// Counter mode: out = in ^ keystream, the keystream being the encryptions of `counter`,
    /// counter + 1, … If `first_block_out` is given, the encryption of `counter` itself goes
    /// there instead (GCM's E(K, J0), which masks the tag) and the data starts at counter + 1.
    /// `in` and `out` (`size` bytes each) may be the same buffer or overlap. Needs a key.
    void ctr_xor(std::span<const std::uint8_t, block_size> counter, CounterWidth width, const std::uint8_t* in,
                 std::uint8_t* out, std::size_t size, std::uint8_t* first_block_out = nullptr) const noexcept;

private:
    using Slices = std::array<detail::Lanes, 8>;

    // round_keys_[k][r]: byte lane p is 0xff where bit r of round key k's byte p is set.
    std::array<Slices, detail::aes_max_rounds + 1> round_keys_{};
    // What counter byte 15 = v adds to the first round's output, for every v: round 1 carries
    // byte 15 into column 0 alone, as (s, s, 3·s, 2·s) with s = S(v ⊕ round key 0's byte 15),
    // little-endian. Indexed by counters, which are public; its contents are secret.
    std::array<std::uint32_t, 256> column0_by_byte15_{};
    int rounds_ = 0;
};

}  // namespace websrt::crypto
