// SecureRandom on wolfCrypt's WC_RNG (hash DRBG), seeded lazily so construction cannot fail.
#include "crypto/random.hpp"

#include "crypto/wolfcrypt_backend.hpp"

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/random.h>

#include <algorithm>
#include <new>

namespace websrt::crypto {

struct SecureRandom::Impl {
    WC_RNG rng;
    bool seeded = false;

    ~Impl() {
        if (seeded) {
            wc_FreeRng(&rng);
        }
        detail::secure_zero(&rng, sizeof rng);
    }
};

SecureRandom::SecureRandom() noexcept : impl_(new (std::nothrow) Impl) {}

SecureRandom::~SecureRandom() = default;
SecureRandom::SecureRandom(SecureRandom&&) noexcept = default;
SecureRandom& SecureRandom::operator=(SecureRandom&&) noexcept = default;

CryptoStatus SecureRandom::fill(std::span<std::uint8_t> output) noexcept {
    if (!impl_) {
        return CryptoError::backend_failure;
    }
    if (!impl_->seeded) {
        if (!detail::ensure_wolfcrypt_initialized() || wc_InitRng(&impl_->rng) != 0) {
            detail::secure_zero(output);
            return CryptoError::backend_failure;
        }
        impl_->seeded = true;
    }
    // The DRBG hands out at most RNG_MAX_BLOCK_LEN bytes per request (SP 800-90A limit).
    std::size_t offset = 0;
    while (offset < output.size()) {
        const std::size_t chunk = std::min<std::size_t>(RNG_MAX_BLOCK_LEN, output.size() - offset);
        const int result = wc_RNG_GenerateBlock(&impl_->rng, output.data() + offset, static_cast<word32>(chunk));
        if (result != 0) {
            // A failed DRBG stays failed (SP 800-90A): drop it so the next call seeds afresh.
            wc_FreeRng(&impl_->rng);
            impl_->seeded = false;
            detail::secure_zero(output);
            return CryptoError::backend_failure;
        }
        offset += chunk;
    }
    return {};
}

}  // namespace websrt::crypto
