// Key-encrypting keys already derived, by passphrase and salt. Deriving a KEK costs a PBKDF2 of
// 2048 HMAC-SHA1 iterations (kek_pbkdf2_iterations): a listener that derived one per CONCLUSION
// could be kept busy by replayed conclusions carrying garbage KMREQs. With this cache a replay
// costs one derivation per distinct salt. Small and fixed in size; entries are wiped when
// replaced and when the cache goes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace websrt::core {

class KekCache {
public:
    /// Entries kept; the least recently used is replaced. A listener sees one salt per caller
    /// (and per key refresh), so a few dozen cover every honest retry.
    static constexpr std::size_t capacity = 32;

    KekCache() = default;
    ~KekCache();
    KekCache(const KekCache&) = delete;
    KekCache& operator=(const KekCache&) = delete;

    /// Writes the KEK for (`passphrase`, `salt`) into `kek` (its size is the key size), deriving
    /// it only on a miss. False when the crypto backend fails.
    bool derive(std::string_view passphrase, std::span<const std::uint8_t> salt, std::span<std::uint8_t> kek);

    [[nodiscard]] std::uint64_t derivations() const { return derivations_; }

private:
    struct Entry {
        std::array<std::uint8_t, 32> passphrase_digest{};  // SHA-256, so no copy of the secret is kept
        std::array<std::uint8_t, 8> salt{};
        std::size_t kek_size = 0;
        std::array<std::uint8_t, 32> kek{};
        std::uint64_t last_used = 0;
    };
    std::vector<Entry> entries_;
    std::uint64_t clock_ = 0;
    std::uint64_t derivations_ = 0;
};

}  // namespace websrt::core
