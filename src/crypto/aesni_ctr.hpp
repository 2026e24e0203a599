// AES-CTR on the AES-NI instructions for the native build: eight blocks in flight, or sixteen
// through VAES's 512-bit forms (four blocks an instruction) where the CPU has them.
//
// wolfCrypt's CTR ran at a third of its GCM's speed here (bench/aes_throughput.cpp): it encrypts
// each packet's counter blocks without keeping the AES unit's pipeline full. This keeps
// independent blocks in flight, as wolfCrypt's own AES-GCM assembly does, so CTR costs no more
// than GCM. On CPUs without AES-NI (and off x86-64) `supported()` is false and AesCtr stays on
// wolfCrypt.
#pragma once

#include "crypto/aes_key_expansion.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace websrt::crypto {

class AesNiCtr {
public:
    static constexpr std::size_t block_size = 16;

    /// True when the CPU has AES-NI (CPUID leaf 1, ECX bit 25).
    static bool supported() noexcept;
    /// True when the CPU and the OS run VAES on 512-bit registers (AVX-512 F, BW and VL).
    static bool vaes_supported() noexcept;

    /// Which instructions ctr_xor runs: the widest the CPU has, or AES-NI's one block an
    /// instruction even where VAES is there (so that the tests cover both).
    enum class Instructions : std::uint8_t { widest, aes_ni };

    explicit AesNiCtr(Instructions instructions = Instructions::widest) noexcept
        : wide_(instructions == Instructions::widest && vaes_supported()) {}
    ~AesNiCtr();  // wipes the round keys
    AesNiCtr(const AesNiCtr&) = delete;
    AesNiCtr& operator=(const AesNiCtr&) = delete;

    /// Expands a 16/24/32-byte key; false, and no key, for other sizes. Needs supported().
    bool set_key(std::span<const std::uint8_t> key) noexcept;
    [[nodiscard]] bool has_key() const noexcept { return rounds_ != 0; }

    /// out = in ^ keystream from the 128-bit big-endian `counter` (SRT's AES-CTR). `in` and
    /// `out` (`size` bytes each) may be the same buffer or overlap. Needs a key.
    void ctr_xor(std::span<const std::uint8_t, block_size> counter, const std::uint8_t* in, std::uint8_t* out,
                 std::size_t size) const noexcept;

private:
    alignas(16) detail::AesKeyWords round_keys_{};  // in memory order, one 16-byte key per round
    int rounds_ = 0;
    bool wide_ = false;  // VAES on 512-bit registers
};

}  // namespace websrt::crypto
