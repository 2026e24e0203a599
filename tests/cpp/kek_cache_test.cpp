// KekCache: one PBKDF2 per (passphrase, salt), bounded in size, and the same KEK as derived anew.
#define BOOST_TEST_MODULE kek_cache
#include <boost/test/unit_test.hpp>

#include <array>

#include "core/kek_cache.hpp"
#include "core/key_material.hpp"
#include "crypto/pbkdf2.hpp"

using websrt::core::KekCache;

BOOST_AUTO_TEST_CASE(a_repeated_salt_costs_one_derivation_and_gives_the_same_kek) {
    KekCache cache;
    const std::array<std::uint8_t, 8> salt{1, 2, 3, 4, 5, 6, 7, 8};
    std::array<std::uint8_t, 16> first{}, again{}, expected{};
    BOOST_REQUIRE(cache.derive("a passphrase", salt, first));
    BOOST_REQUIRE(cache.derive("a passphrase", salt, again));
    BOOST_TEST(cache.derivations() == 1u);
    BOOST_TEST(first == again);
    BOOST_REQUIRE(
        websrt::crypto::pbkdf2_hmac_sha1("a passphrase", salt, websrt::core::kek_pbkdf2_iterations, expected));
    BOOST_TEST(first == expected);
}

BOOST_AUTO_TEST_CASE(another_passphrase_salt_or_key_size_is_derived_anew_and_the_cache_stays_bounded) {
    KekCache cache;
    std::array<std::uint8_t, 8> salt{};
    std::array<std::uint8_t, 16> kek16{};
    std::array<std::uint8_t, 32> kek32{};
    BOOST_REQUIRE(cache.derive("a passphrase", salt, kek16));
    BOOST_REQUIRE(cache.derive("another passphrase", salt, kek16));
    BOOST_REQUIRE(cache.derive("a passphrase", salt, kek32));
    BOOST_TEST(cache.derivations() == 3u);
    for (std::size_t i = 0; i < 2 * KekCache::capacity; ++i) {
        salt[0] = static_cast<std::uint8_t>(i + 1);
        BOOST_REQUIRE(cache.derive("a passphrase", salt, kek16));
    }
    BOOST_TEST(cache.derivations() == 3u + 2 * KekCache::capacity);
    salt[0] = static_cast<std::uint8_t>(2 * KekCache::capacity);  // the newest is still there
    BOOST_REQUIRE(cache.derive("a passphrase", salt, kek16));
    BOOST_TEST(cache.derivations() == 3u + 2 * KekCache::capacity);
}
