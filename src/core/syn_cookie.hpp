// The listener's SYN cookie (draft-sharabayko-srt §4.3.1.1 "Cookie"): a value the caller must echo
// in its CONCLUSION before the listener keeps any state for it. A keyed hash (HMAC-SHA256 under a
// 128-bit secret drawn from the injected random source) of the caller's address, port and the
// current minute, truncated to the handshake's 32-bit field. Without the secret a cookie cannot be
// forged for another address or minute, and one observed cookie reveals nothing about the secret.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "core/random_source.hpp"
#include "core/socket_address.hpp"
#include "core/time.hpp"

namespace websrt::core {

class SynCookie {
public:
    /// Cookies change every minute; the previous minute's is still accepted (libsrt bake() with
    /// its retry for the previous minute in processConnectRequest).
    static constexpr Micros period = seconds(60);
    /// Secret size: 128 bits, so that it is out of reach of an offline search.
    static constexpr std::size_t secret_size = 16;

    explicit SynCookie(RandomSource& random);
    ~SynCookie();
    SynCookie(const SynCookie&) = delete;
    SynCookie& operator=(const SynCookie&) = delete;

    /// The cookie `peer` gets at `now`.
    [[nodiscard]] std::uint32_t issue(const SocketAddress& peer, Micros now) const {
        return value(peer, now / period).value_or(0);
    }
    /// Whether `cookie` is what `peer` was given this minute or the last. Fails closed: if the
    /// hash cannot be computed, nothing matches.
    [[nodiscard]] bool matches(const SocketAddress& peer, Micros now, std::uint32_t cookie) const {
        return value(peer, now / period) == cookie || value(peer, now / period - 1) == cookie;
    }

private:
    [[nodiscard]] std::optional<std::uint32_t> value(const SocketAddress& peer, std::int64_t bucket) const;

    std::array<std::uint8_t, secret_size> secret_{};
};

}  // namespace websrt::core
