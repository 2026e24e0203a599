// Randomness for the sans-IO core is injected: socket ids, initial sequence numbers and cookie
// secrets come from a RandomSource the caller owns, seeded in simulation, wolfCrypt's DRBG in
// production. The core never reaches for a global generator.
#pragma once

#include <cstdint>

#include "crypto/random.hpp"

namespace websrt::core {

class RandomSource {
public:
    virtual ~RandomSource() = default;
    virtual std::uint32_t next_u32() = 0;
};

/// Deterministic xorshift64* generator for simulations and tests: the same seed gives the same
/// socket ids, sequence numbers and cookies.
class SeededRandom final : public RandomSource {
public:
    explicit SeededRandom(std::uint64_t seed) noexcept : state_(seed ? seed : 0x9E3779B97F4A7C15ull) {}
    std::uint32_t next_u32() override {
        state_ ^= state_ >> 12;
        state_ ^= state_ << 25;
        state_ ^= state_ >> 27;
        return static_cast<std::uint32_t>((state_ * 0x2545F4914F6CDD1Dull) >> 32);
    }

private:
    std::uint64_t state_;
};

/// wolfCrypt's DRBG. A failing entropy source is not recoverable for a network endpoint, so the
/// result of a failed fill is all-zero bytes and `healthy()` turns false for the driver to report.
class CryptoRandom final : public RandomSource {
public:
    std::uint32_t next_u32() override {
        std::uint8_t bytes[4] = {};
        if (!generator_.fill(bytes)) healthy_ = false;
        return std::uint32_t{bytes[0]} << 24 | std::uint32_t{bytes[1]} << 16 | std::uint32_t{bytes[2]} << 8 | bytes[3];
    }
    [[nodiscard]] bool healthy() const noexcept { return healthy_; }

private:
    crypto::SecureRandom generator_;
    bool healthy_ = true;
};

}  // namespace websrt::core
