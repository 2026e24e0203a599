// Differential fuzzing of the wasm build's constant-time AES against wolfCrypt (AES-NI natively):
// the input chooses a key size, key, counter or IV, AAD, data and how input and output overlap;
// the bitsliced CTR and GCM must produce wolfCrypt's bytes, open what they sealed, and refuse a
// changed tag. Run natively on the portable lanes, the same algorithm the wasm build runs.
#include "crypto/aes_ctr.hpp"
#include "crypto/aes_gcm.hpp"
#include "crypto/bitsliced_aes.hpp"
#include "crypto/bitsliced_gcm.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

namespace {

using websrt::crypto::BitslicedAes;
using Bytes = std::vector<std::uint8_t>;

/// Reads the input front to back; past its end, zeros.
class Reader {
public:
    Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    std::uint8_t byte() { return offset_ < size_ ? data_[offset_++] : 0; }
    Bytes bytes(std::size_t count) {
        Bytes out(count);
        for (auto& b : out) b = byte();
        return out;
    }
    Bytes rest() { return Bytes(data_ + std::min(offset_, size_), data_ + size_); }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t offset_ = 0;
};

void require(bool condition) {
    if (!condition) std::abort();
}

template <std::size_t N>
std::array<std::uint8_t, N> to_array(const Bytes& bytes) {
    std::array<std::uint8_t, N> out{};
    std::copy_n(bytes.begin(), N, out.begin());
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Reader reader(data, size);
    const std::uint8_t choices = reader.byte();
    const std::size_t key_size = std::array<std::size_t, 3>{16, 24, 32}[(choices & 3) % 3];
    const Bytes key = reader.bytes(key_size);
    const auto counter = to_array<16>(reader.bytes(16));
    const std::size_t shift = reader.byte() % 48;
    const std::size_t aad_size = reader.byte() % 64;
    const Bytes aad = reader.bytes(aad_size);
    const Bytes text = reader.rest();

    // CTR, into a buffer that overlaps the input by `shift` bytes either way.
    websrt::crypto::AesCtr reference_ctr;
    require(reference_ctr.set_key(key).ok());
    Bytes expected(text.size());
    require(reference_ctr.apply(counter, text, expected).ok());
    BitslicedAes aes;
    require(aes.set_key(key));
    const bool output_later = (choices & 4) != 0;
    Bytes buffer(text.size() + shift);
    const std::size_t in_offset = output_later ? 0 : shift;
    const std::size_t out_offset = output_later ? shift : 0;
    std::copy(text.begin(), text.end(), buffer.begin() + static_cast<std::ptrdiff_t>(in_offset));
    aes.ctr_xor(counter, BitslicedAes::CounterWidth::bits128, buffer.data() + in_offset, buffer.data() + out_offset,
                text.size());
    require(std::equal(expected.begin(), expected.end(), buffer.begin() + static_cast<std::ptrdiff_t>(out_offset)));

    // GCM, with the counter's first 12 bytes as the IV.
    const auto iv = to_array<12>(Bytes(counter.begin(), counter.begin() + 12));
    websrt::crypto::AesGcm reference_gcm;
    require(reference_gcm.set_key(key).ok());
    Bytes expected_ciphertext(text.size());
    std::array<std::uint8_t, 16> expected_tag{};
    require(reference_gcm.seal(iv, aad, text, expected_ciphertext, expected_tag).ok());
    websrt::crypto::BitslicedGcm gcm;
    require(gcm.set_key(key));
    Bytes ciphertext = text;  // in place, as the payload cipher seals
    std::array<std::uint8_t, 16> tag{};
    gcm.seal(iv, aad, ciphertext, ciphertext, tag);
    require(ciphertext == expected_ciphertext && tag == expected_tag);
    Bytes opened(ciphertext.size());
    require(gcm.open(iv, aad, ciphertext, tag, opened) && opened == text);
    tag[choices % 16] ^= static_cast<std::uint8_t>(1u << (choices >> 5));
    require(!gcm.open(iv, aad, ciphertext, tag, opened));
    require(std::all_of(opened.begin(), opened.end(), [](std::uint8_t b) { return b == 0; }));
    return 0;
}
