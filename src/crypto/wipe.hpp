// Wiping secrets (keys, KEKs) so that the optimiser cannot drop the stores: for code outside
// src/crypto that holds key material.
#pragma once

#include <cstdint>
#include <span>

namespace websrt::crypto {

void wipe(std::span<std::uint8_t> secret) noexcept;

}  // namespace websrt::crypto
