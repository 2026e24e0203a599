// AES-GCM from the bitsliced AES and the constant-time GHASH (see bitsliced_gcm.hpp).
#include "crypto/bitsliced_gcm.hpp"

#include "crypto/wolfcrypt_backend.hpp"

#include <algorithm>

namespace websrt::crypto {

bool BitslicedGcm::set_key(std::span<const std::uint8_t> key) noexcept {
    if (!aes_.set_key(key)) return false;
    // The hash key H is the encryption of the zero block (SP 800-38D §6.4).
    alignas(16) std::array<std::uint8_t, BitslicedAes::batch_size> blocks{};
    aes_.encrypt_batch(blocks.data(), blocks.data());
    ghash_.set_key(std::span<const std::uint8_t, Ghash::block_size>(blocks.data(), Ghash::block_size));
    detail::secure_zero(blocks.data(), blocks.size());
    return true;
}

std::array<std::uint8_t, BitslicedGcm::tag_size> BitslicedGcm::counter_mode(std::span<const std::uint8_t, iv_size> iv,
                                                                            std::span<const std::uint8_t> in,
                                                                            std::span<std::uint8_t> out) noexcept {
    // With a 96-bit IV, J0 = IV ‖ 0^31 ‖ 1 (SP 800-38D §7.1 step 2), and the data's counter
    // blocks count up from inc32(J0).
    std::array<std::uint8_t, BitslicedAes::block_size> j0{};
    std::copy(iv.begin(), iv.end(), j0.begin());
    j0[15] = 1;
    std::array<std::uint8_t, tag_size> tag_mask{};
    aes_.ctr_xor(j0, BitslicedAes::CounterWidth::bits32, in.data(), out.data(), in.size(), tag_mask.data());
    return tag_mask;
}

void BitslicedGcm::seal(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> aad,
                        std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> ciphertext_out,
                        std::span<std::uint8_t, tag_size> tag_out) noexcept {
    std::array<std::uint8_t, tag_size> tag = counter_mode(iv, plaintext, ciphertext_out);
    ghash_.reset();
    ghash_.absorb_padded(aad);
    ghash_.absorb_padded(ciphertext_out);
    ghash_.absorb_lengths(aad.size(), ciphertext_out.size());
    const auto hash = ghash_.digest();
    for (std::size_t i = 0; i < tag_size; ++i) tag_out[i] = tag[i] ^ hash[i];
    ghash_.reset();
}

bool BitslicedGcm::open(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> aad,
                        std::span<const std::uint8_t> ciphertext, std::span<const std::uint8_t, tag_size> tag,
                        std::span<std::uint8_t> plaintext_out) noexcept {
    // Hash first: in place, decryption overwrites the ciphertext.
    ghash_.reset();
    ghash_.absorb_padded(aad);
    ghash_.absorb_padded(ciphertext);
    ghash_.absorb_lengths(aad.size(), ciphertext.size());
    const auto hash = ghash_.digest();
    ghash_.reset();
    const std::array<std::uint8_t, tag_size> tag_mask = counter_mode(iv, ciphertext, plaintext_out);
    // Compared in constant time: every byte is looked at whatever the first difference.
    std::uint8_t difference = 0;
    for (std::size_t i = 0; i < tag_size; ++i) difference |= static_cast<std::uint8_t>(tag_mask[i] ^ hash[i] ^ tag[i]);
    if (difference != 0) {
        detail::secure_zero(plaintext_out);
        return false;
    }
    return true;
}

}  // namespace websrt::crypto
