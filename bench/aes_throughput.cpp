// AES throughput of one core, per CPU second, on SRT-sized payloads (1316 bytes, a live packet of
// seven TS packets): the bitsliced constant-time AES the wasm build uses, next to wolfCrypt
// (AES-NI natively; its table-based C code in wasm, which the wasm build used before) and, natively,
// the AES-NI counter mode AesCtr uses (aesni_ctr.cpp), for
// CTR and GCM with 128- and 256-bit keys. Built natively and with Emscripten (run with node), so
// bench/run.py puts the two builds side by side. Before timing, each pair is checked to produce
// the same bytes. Prints one JSON object per line.
#include "crypto/aes_ctr.hpp"
#include "crypto/bitsliced_aes.hpp"
#include "crypto/bitsliced_gcm.hpp"

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/aes.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

namespace {

using websrt::crypto::BitslicedAes;
using websrt::crypto::BitslicedGcm;

constexpr std::size_t payload_size = 1316;

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

/// Megabytes (10^6 bytes) per CPU second of each of `appliers`, timed round-robin in slices of
/// about 20 ms for `budget` seconds in all, so that a machine whose speed drifts (a shared
/// virtual machine) slows each of them alike and their ratios hold.
template <std::size_t N, class Apply>
std::array<double, N> megabytes_per_cpu_second(double budget, const std::array<Apply, N>& appliers) {
    std::array<double, N> seconds{};
    std::array<std::size_t, N> bytes{};
    std::uint32_t packet = 0;
    const double started = cpu_seconds();
    while (cpu_seconds() - started < budget) {
        for (std::size_t i = 0; i < N; ++i) {
            const double slice_started = cpu_seconds();
            double elapsed = 0;
            do {
                for (int n = 0; n < 16; ++n) appliers[i](packet++), bytes[i] += payload_size;
                elapsed = cpu_seconds() - slice_started;
            } while (elapsed < 0.02);
            seconds[i] += elapsed;
        }
    }
    std::array<double, N> rates{};
    for (std::size_t i = 0; i < N; ++i) rates[i] = static_cast<double>(bytes[i]) / seconds[i] / 1e6;
    return rates;
}

std::array<std::uint8_t, 16> counter_for(std::uint32_t packet) {
    std::array<std::uint8_t, 16> iv{};
    iv[10] = static_cast<std::uint8_t>(packet >> 24);
    iv[11] = static_cast<std::uint8_t>(packet >> 16);
    iv[12] = static_cast<std::uint8_t>(packet >> 8);
    iv[13] = static_cast<std::uint8_t>(packet);
    return iv;
}

void fail(const char* what) {
    std::fprintf(stderr, "aes_throughput: %s\n", what);
    std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
    double budget = 4.0;  // seconds per key size, all four timed together
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0) budget = std::atof(argv[i + 1]);
    }
#if defined(__EMSCRIPTEN__)
    const char* build = "wasm";
    const char* wolfcrypt_name = "wolfCrypt C (tables)";
    const char* own_ctr_name = nullptr;
#else
    const char* build = "native";
    const char* wolfcrypt_name = "wolfCrypt AES-NI";
    const char* own_ctr_name = "websrt AES-NI";
#endif
    std::vector<std::uint8_t> data(payload_size, 0x47);
    std::vector<std::uint8_t> expected(payload_size);
    const std::array<std::uint8_t, 16> aad{};
    std::array<std::uint8_t, 16> tag{};
    std::array<std::uint8_t, 16> expected_tag{};

    for (const std::size_t key_size : {std::size_t{16}, std::size_t{32}}) {
        std::vector<std::uint8_t> key(key_size);
        for (std::size_t i = 0; i < key_size; ++i) key[i] = static_cast<std::uint8_t>(i * 7 + 1);

        BitslicedAes bitsliced;
        BitslicedGcm bitsliced_gcm;
        Aes wolf_ctr;
        Aes wolf_gcm;
        if (!bitsliced.set_key(key) || !bitsliced_gcm.set_key(key) ||
            wc_AesInit(&wolf_ctr, nullptr, INVALID_DEVID) != 0 || wc_AesInit(&wolf_gcm, nullptr, INVALID_DEVID) != 0 ||
            wc_AesSetKey(&wolf_ctr, key.data(), static_cast<word32>(key_size), nullptr, AES_ENCRYPTION) != 0 ||
            wc_AesGcmSetKey(&wolf_gcm, key.data(), static_cast<word32>(key_size)) != 0) {
            fail("key setup failed");
        }
        auto wolf_ctr_apply = [&](std::uint32_t packet, std::uint8_t* out) {
            const auto iv = counter_for(packet);
            wc_AesSetIV(&wolf_ctr, iv.data());
            wc_AesCtrEncrypt(&wolf_ctr, out, data.data(), payload_size);
        };
        auto bitsliced_ctr_apply = [&](std::uint32_t packet, std::uint8_t* out) {
            bitsliced.ctr_xor(counter_for(packet), BitslicedAes::CounterWidth::bits128, data.data(), out, payload_size);
        };
        // The build's own AesCtr: natively the AES-NI counter mode of aesni_ctr.cpp.
        websrt::crypto::AesCtr own_ctr;
        if (!own_ctr.set_key(key).ok()) fail("AesCtr key setup failed");
        auto own_ctr_apply = [&](std::uint32_t packet, std::uint8_t* out) {
            (void)own_ctr.apply(counter_for(packet), data, std::span<std::uint8_t>(out, payload_size));
        };
        auto wolf_gcm_apply = [&](std::uint32_t packet, std::uint8_t* out, std::uint8_t* tag_out) {
            const auto iv = counter_for(packet);
            wc_AesGcmEncrypt(&wolf_gcm, out, data.data(), payload_size, iv.data(), 12, tag_out, 16, aad.data(),
                             aad.size());
        };
        auto bitsliced_gcm_apply = [&](std::uint32_t packet, std::uint8_t* out, std::uint8_t* tag_out) {
            const auto iv = counter_for(packet);
            bitsliced_gcm.seal(std::span<const std::uint8_t, 12>(iv.data(), 12), aad,
                               std::span<const std::uint8_t>(data), std::span<std::uint8_t>(out, payload_size),
                               std::span<std::uint8_t, 16>(tag_out, 16));
        };

        // The same bytes from both, before any timing.
        std::vector<std::uint8_t> out(payload_size);
        wolf_ctr_apply(12345, expected.data());
        bitsliced_ctr_apply(12345, out.data());
        if (out != expected) fail("bitsliced CTR differs from wolfCrypt's");
        own_ctr_apply(12345, out.data());
        if (out != expected) fail("AesCtr differs from wolfCrypt's");
        wolf_gcm_apply(12345, expected.data(), expected_tag.data());
        bitsliced_gcm_apply(12345, out.data(), tag.data());
        if (out != expected || tag != expected_tag) fail("bitsliced GCM differs from wolfCrypt's");

        // A warm-up first, so that the JIT (in wasm) has compiled each of them fully.
        const std::array<std::function<void(std::uint32_t)>, 5> appliers = {
            [&](std::uint32_t p) { bitsliced_ctr_apply(p, out.data()); },
            [&](std::uint32_t p) { wolf_ctr_apply(p, out.data()); },
            [&](std::uint32_t p) { bitsliced_gcm_apply(p, out.data(), tag.data()); },
            [&](std::uint32_t p) { wolf_gcm_apply(p, out.data(), tag.data()); },
            [&](std::uint32_t p) { own_ctr_apply(p, out.data()); },
        };
        megabytes_per_cpu_second(budget / 4, appliers);
        const auto rates = megabytes_per_cpu_second(budget, appliers);
        const std::array<const char*, 5> implementations = {"bitsliced", wolfcrypt_name, "bitsliced", wolfcrypt_name,
                                                            own_ctr_name};
        const std::array<const char*, 5> modes = {"CTR", "CTR", "GCM", "GCM", "CTR"};
        // In wasm the build's AesCtr is the bitsliced one, already in the first row.
        const std::size_t rows = own_ctr_name != nullptr ? appliers.size() : appliers.size() - 1;
        for (std::size_t i = 0; i < rows; ++i) {
            std::printf(
                "{\"build\":\"%s\",\"implementation\":\"%s\",\"mode\":\"%s\",\"key_bits\":%zu,"
                "\"megabytes_per_cpu_second\":%.1f}\n",
                build, implementations[i], modes[i], key_size * 8, rates[i]);
        }
        wc_AesFree(&wolf_ctr);
        wc_AesFree(&wolf_gcm);
    }
    return 0;
}
