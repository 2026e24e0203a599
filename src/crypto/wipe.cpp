#include "crypto/wipe.hpp"

#include "crypto/wolfcrypt_backend.hpp"

namespace websrt::crypto {

void wipe(std::span<std::uint8_t> secret) noexcept { detail::secure_zero(secret); }

}  // namespace websrt::crypto
