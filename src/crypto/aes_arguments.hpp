// Internal to src/crypto: argument checks both AES backends (wolfCrypt natively, bitsliced in
// wasm) apply the same way.
#pragma once

#include <cstdint>
#include <span>

namespace websrt::crypto::detail {

/// In place is fine for GCM; any other overlap would have GHASH read bytes already overwritten.
inline bool same_or_disjoint(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
    if (a.empty() || b.empty() || a.data() == b.data()) {
        return true;
    }
    const auto a_begin = reinterpret_cast<std::uintptr_t>(a.data());
    const auto b_begin = reinterpret_cast<std::uintptr_t>(b.data());
    return a_begin + a.size() <= b_begin || b_begin + b.size() <= a_begin;
}

}  // namespace websrt::crypto::detail
