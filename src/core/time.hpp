// Time in the sans-IO core: one signed 64-bit count of microseconds on the caller's monotonic
// clock. The core never reads a clock; every call that depends on time takes `now`.
#pragma once

#include <cstdint>
#include <limits>

namespace websrt::core {

using Micros = std::int64_t;

inline constexpr Micros micros_per_ms = 1'000;
inline constexpr Micros micros_per_second = 1'000'000;

constexpr Micros milliseconds(std::int64_t ms) noexcept { return ms * micros_per_ms; }
constexpr Micros seconds(std::int64_t s) noexcept { return s * micros_per_second; }
/// A time after every deadline (half the range: adding a period to it cannot overflow).
inline constexpr Micros forever = std::numeric_limits<Micros>::max() / 2;

}  // namespace websrt::core
