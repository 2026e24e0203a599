// Embind glue: exposes the wire codec and the crypto adapter to JS. Every function returns a
// result object ({ok: true, ...} or {ok: false, error}); nothing throws into JS. Byte arrays are
// copied into the wasm heap on the way in and out of it on the way back (slice), so JS never
// holds a view into wasm memory that memory growth could detach.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "crypto/aes_ctr.hpp"
#include "crypto/crypto_error.hpp"
#include "crypto/pbkdf2.hpp"
#include "wire/packet.hpp"

namespace {

using emscripten::val;
using ByteVector = std::vector<std::uint8_t>;

/// The caller (js/core.js) has checked that `bytes` is a Uint8Array.
ByteVector copy_from_js(const val& bytes) {
    return emscripten::convertJSArrayToNumberVector<std::uint8_t>(bytes);
}

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
val pbkdf2_hmac_sha1(const std::string& passphrase, const val& salt_js, int iterations,
                     int key_length) {
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
    const std::span<const std::uint8_t, websrt::crypto::AesCtr::iv_size> iv_block(iv.data(),
                                                                                   iv.size());
    if (const auto status = ctr.apply(iv_block, data, data); !status) {
        return failure(describe(status.error()));
    }
    return success_with_bytes(data);
}

}  // namespace

EMSCRIPTEN_BINDINGS(websrt_core) {
    emscripten::function("wireReencode", &wire_reencode);
    emscripten::function("wireDescribe", &wire_describe);
    emscripten::function("pbkdf2HmacSha1", &pbkdf2_hmac_sha1);
    emscripten::function("aesCtr", &aes_ctr);
}
