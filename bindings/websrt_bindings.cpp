// Embind glue: exposes the wire codec, the crypto adapter and SRT payload decryption to JS. Every function returns a
// result object ({ok: true, ...} or {ok: false, error}); nothing throws into JS. Byte arrays are
// copied into the wasm heap on the way in and out of it on the way back (slice), so JS never
// holds a view into wasm memory that memory growth could detach.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <malloc.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/key_material.hpp"
#include "core/payload_cipher.hpp"
#include "crypto/aes_ctr.hpp"
#include "crypto/aes_gcm.hpp"
#include "crypto/crypto_error.hpp"
#include "crypto/pbkdf2.hpp"
#include "wire/packet.hpp"

namespace {

using emscripten::val;
using ByteVector = std::vector<std::uint8_t>;

/// The caller (js/core.js) has checked that `bytes` is a Uint8Array.
ByteVector copy_from_js(const val& bytes) { return emscripten::convertJSArrayToNumberVector<std::uint8_t>(bytes); }

/// A fresh Uint8Array owning a copy of `bytes` (not a view into the heap).
val copy_to_js(std::span<const std::uint8_t> bytes) {
    return val(emscripten::typed_memory_view(bytes.size(), bytes.data())).call<val>("slice");
}

val success() {
    val result = val::object();
    result.set("ok", true);
    return result;
}

val success_with_bytes(std::span<const std::uint8_t> bytes) {
    val result = success();
    result.set("bytes", copy_to_js(bytes));
    return result;
}

val failure(const char* error) {
    val result = val::object();
    result.set("ok", false);
    result.set("error", std::string(error));
    return result;
}

/// Decodes one SRT datagram and encodes the packet again: {ok, bytes} or {ok: false, error}.
val wire_reencode(const val& datagram_js) {
    const ByteVector datagram = copy_from_js(datagram_js);
    const auto packet = websrt::wire::decode_packet(datagram);
    if (!packet) return failure(websrt::wire::describe(packet.error()));
    ByteVector out(std::max(websrt::wire::encoded_size(*packet), datagram.size()));
    const auto written = websrt::wire::encode_packet(*packet, out);
    if (!written) return failure(websrt::wire::describe(written.error()));
    return success_with_bytes(std::span(out).first(*written));
}

/// Decodes one SRT datagram: {ok, kind} (packet_kind's name) or {ok: false, error}.
val wire_describe(const val& datagram_js) {
    const ByteVector datagram = copy_from_js(datagram_js);
    const auto packet = websrt::wire::decode_packet(datagram);
    if (!packet) return failure(websrt::wire::describe(packet.error()));
    val result = success();
    result.set("kind", std::string(websrt::wire::packet_kind(*packet)));
    return result;
}

/// PBKDF2-HMAC-SHA1: {ok, bytes} (key_length bytes) or {ok: false, error}. The caller bounds
/// key_length, so the allocation cannot fail.
val pbkdf2_hmac_sha1(const std::string& passphrase, const val& salt_js, int iterations, int key_length) {
    if (key_length < 1) return failure(describe(websrt::crypto::CryptoError::bad_argument));
    const ByteVector salt = copy_from_js(salt_js);
    ByteVector key(static_cast<std::size_t>(key_length));
    const auto status = websrt::crypto::pbkdf2_hmac_sha1(passphrase, salt, iterations, key);
    if (!status) return failure(describe(status.error()));
    return success_with_bytes(key);
}

/// AES-CTR with a 16/24/32-byte key and a 16-byte initial counter block: {ok, bytes} (data XOR
/// keystream; the same call encrypts and decrypts) or {ok: false, error}.
val aes_ctr(const val& key_js, const val& iv_js, const val& data_js) {
    const ByteVector iv = copy_from_js(iv_js);
    if (iv.size() != websrt::crypto::AesCtr::iv_size) {
        return failure("iv must be 16 bytes");
    }
    websrt::crypto::AesCtr ctr;
    if (const auto status = ctr.set_key(copy_from_js(key_js)); !status) {
        return failure(describe(status.error()));
    }
    ByteVector data = copy_from_js(data_js);
    const std::span<const std::uint8_t, websrt::crypto::AesCtr::iv_size> iv_block(iv.data(), iv.size());
    if (const auto status = ctr.apply(iv_block, data, data); !status) {
        return failure(describe(status.error()));
    }
    return success_with_bytes(data);
}

/// AES-GCM with a 16/24/32-byte key and a 12-byte IV: {ok, bytes} (the ciphertext followed by
/// the 16-byte tag) or {ok: false, error}.
val aes_gcm_seal(const val& key_js, const val& iv_js, const val& aad_js, const val& plaintext_js) {
    const ByteVector iv = copy_from_js(iv_js);
    if (iv.size() != websrt::crypto::AesGcm::iv_size) return failure("iv must be 12 bytes");
    websrt::crypto::AesGcm gcm;
    if (const auto status = gcm.set_key(copy_from_js(key_js)); !status) return failure(describe(status.error()));
    const ByteVector aad = copy_from_js(aad_js);
    ByteVector sealed = copy_from_js(plaintext_js);
    const std::size_t text_size = sealed.size();
    sealed.resize(text_size + websrt::crypto::AesGcm::tag_size);
    const std::span<std::uint8_t> text(sealed.data(), text_size);
    const auto status =
        gcm.seal(std::span<const std::uint8_t, websrt::crypto::AesGcm::iv_size>(iv.data(), iv.size()), aad, text, text,
                 std::span<std::uint8_t, websrt::crypto::AesGcm::tag_size>(sealed.data() + text_size,
                                                                           websrt::crypto::AesGcm::tag_size));
    if (!status) return failure(describe(status.error()));
    return success_with_bytes(sealed);
}

/// Opens what aesGcmSeal made (ciphertext then tag): {ok, bytes} (the plaintext) or
/// {ok: false, error} (a changed byte anywhere fails authentication).
val aes_gcm_open(const val& key_js, const val& iv_js, const val& aad_js, const val& sealed_js) {
    const ByteVector iv = copy_from_js(iv_js);
    if (iv.size() != websrt::crypto::AesGcm::iv_size) return failure("iv must be 12 bytes");
    ByteVector sealed = copy_from_js(sealed_js);
    if (sealed.size() < websrt::crypto::AesGcm::tag_size) return failure("shorter than the tag");
    websrt::crypto::AesGcm gcm;
    if (const auto status = gcm.set_key(copy_from_js(key_js)); !status) return failure(describe(status.error()));
    const ByteVector aad = copy_from_js(aad_js);
    const std::size_t text_size = sealed.size() - websrt::crypto::AesGcm::tag_size;
    const std::span<std::uint8_t> text(sealed.data(), text_size);
    const auto status =
        gcm.open(std::span<const std::uint8_t, websrt::crypto::AesGcm::iv_size>(iv.data(), iv.size()), aad, text,
                 std::span<const std::uint8_t, websrt::crypto::AesGcm::tag_size>(sealed.data() + text_size,
                                                                                 websrt::crypto::AesGcm::tag_size),
                 text);
    if (!status) return failure(describe(status.error()));
    return success_with_bytes(text);
}

/// The KM message a datagram carries: a handshake's KMREQ/KMRSP block or an in-band KMREQ/KMRSP.
const websrt::wire::KmMessage* key_material_of(const websrt::wire::Packet& packet) {
    const auto* control = std::get_if<websrt::wire::ControlPacket>(&packet);
    if (!control) return nullptr;
    if (const auto* km = std::get_if<websrt::wire::KmMessage>(&control->body)) return km;
    if (const auto* hs = std::get_if<websrt::wire::Handshake>(&control->body))
        for (const auto& extension : hs->extensions)
            if (const auto* km = std::get_if<websrt::wire::KmMessage>(&extension.body)) return km;
    return nullptr;
}

/// Decrypts an SRT data datagram with the keys a KM-carrying datagram announces, unwrapped with
/// `passphrase`, through the core's own key material and payload cipher code: {ok, bytes} (the
/// payload) or {ok: false, error}.
val srt_decrypt(const std::string& passphrase, const val& km_datagram_js, const val& data_datagram_js) {
    const ByteVector km_datagram = copy_from_js(km_datagram_js);
    const ByteVector data_datagram = copy_from_js(data_datagram_js);
    const auto km_packet = websrt::wire::decode_packet(km_datagram);
    if (!km_packet) return failure(websrt::wire::describe(km_packet.error()));
    const websrt::wire::KmMessage* km = key_material_of(*km_packet);
    if (!km) return failure("no key material in the first datagram");
    const auto keys = websrt::core::unwrap_key_material(*km, passphrase);
    if (!keys) return failure(websrt::core::describe(keys.error()));
    websrt::core::PayloadCipher cipher;
    if (const auto status = cipher.install(*keys); !status) return failure(describe(status.error()));
    const auto data_packet = websrt::wire::decode_packet(data_datagram);
    const auto* data = data_packet ? std::get_if<websrt::wire::DataPacket>(&*data_packet) : nullptr;
    if (!data) return failure("the second datagram is not a data packet");
    ByteVector plain(data->payload.size());
    const auto size = cipher.open(*data, plain);
    if (!size) return failure("the packet's key is not in the key material, or it failed authentication");
    return success_with_bytes(std::span(plain).first(*size));
}

/// Bytes the wasm heap's allocator has handed out and not got back (mallinfo's uordblks): what
/// the core holds, where the linear memory's size only ever grows. For bench/wasm_memory.js.
double heap_bytes_in_use() { return static_cast<double>(mallinfo().uordblks); }

}  // namespace

EMSCRIPTEN_BINDINGS(websrt_core) {
    emscripten::function("heapBytesInUse", &heap_bytes_in_use);
    emscripten::function("wireReencode", &wire_reencode);
    emscripten::function("wireDescribe", &wire_describe);
    emscripten::function("pbkdf2HmacSha1", &pbkdf2_hmac_sha1);
    emscripten::function("aesCtr", &aes_ctr);
    emscripten::function("aesGcmSeal", &aes_gcm_seal);
    emscripten::function("aesGcmOpen", &aes_gcm_open);
    emscripten::function("srtDecrypt", &srt_decrypt);
}
