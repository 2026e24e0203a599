#include "core/kek_cache.hpp"

#include <algorithm>

#include "core/key_material.hpp"
#include "crypto/pbkdf2.hpp"
#include "crypto/sha.hpp"
#include "crypto/wipe.hpp"

namespace websrt::core {

KekCache::~KekCache() {
    for (Entry& entry : entries_) crypto::wipe(entry.kek);
}

bool KekCache::derive(std::string_view passphrase, std::span<const std::uint8_t> salt, std::span<std::uint8_t> kek) {
    if (salt.size() != kek_salt_size || kek.size() > max_key_size) return false;
    const auto digest = crypto::sha256({reinterpret_cast<const std::uint8_t*>(passphrase.data()), passphrase.size()});
    if (!digest) return false;
    ++clock_;
    for (Entry& entry : entries_) {
        if (entry.kek_size == kek.size() && entry.passphrase_digest == *digest &&
            std::equal(salt.begin(), salt.end(), entry.salt.begin())) {
            entry.last_used = clock_;
            std::copy_n(entry.kek.begin(), kek.size(), kek.begin());
            return true;
        }
    }
    if (!crypto::pbkdf2_hmac_sha1(passphrase, salt, kek_pbkdf2_iterations, kek)) return false;
    ++derivations_;
    Entry* slot = nullptr;
    if (entries_.size() < capacity) {
        slot = &entries_.emplace_back();
    } else {
        slot = &*std::min_element(entries_.begin(), entries_.end(),
                                  [](const Entry& a, const Entry& b) { return a.last_used < b.last_used; });
        crypto::wipe(slot->kek);
    }
    slot->passphrase_digest = *digest;
    std::copy(salt.begin(), salt.end(), slot->salt.begin());
    slot->kek_size = kek.size();
    std::copy(kek.begin(), kek.end(), slot->kek.begin());
    slot->last_used = clock_;
    return true;
}

}  // namespace websrt::core
