#include "core/syn_cookie.hpp"

#include "crypto/sha.hpp"
#include "crypto/wipe.hpp"

namespace websrt::core {

SynCookie::SynCookie(RandomSource& random) {
    for (std::size_t i = 0; i < secret_size; i += 4) {
        const std::uint32_t word = random.next_u32();
        for (std::size_t b = 0; b < 4; ++b) secret_[i + b] = static_cast<std::uint8_t>(word >> (8 * b));
    }
}

SynCookie::~SynCookie() { crypto::wipe(secret_); }

std::optional<std::uint32_t> SynCookie::value(const SocketAddress& peer, std::int64_t bucket) const {
    // Address family, address, port and time bucket, each at a fixed offset.
    std::array<std::uint8_t, 1 + 16 + 2 + 8> input{};
    input[0] = peer.is_v6 ? 6 : 4;
    std::copy(peer.ip.begin(), peer.ip.end(), input.begin() + 1);
    input[17] = static_cast<std::uint8_t>(peer.port >> 8);
    input[18] = static_cast<std::uint8_t>(peer.port);
    for (int i = 0; i < 8; ++i)
        input[19 + i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(bucket) >> (8 * i));
    const auto mac = crypto::hmac_sha256(secret_, input);
    if (!mac) return std::nullopt;
    const auto& d = *mac;
    return std::uint32_t{d[0]} << 24 | std::uint32_t{d[1]} << 16 | std::uint32_t{d[2]} << 8 | d[3];
}

}  // namespace websrt::core
