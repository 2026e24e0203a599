// Embind glue for the core's URI parser (core/media_uri): `parseMediaUri(text)` in JS, so that the
// package's socket API and its CLI read srt://, udp:// and file:// exactly as `websrt
// transmit` does, with one parser. Returns a plain object; errors are values, nothing throws.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <variant>

#include "core/media_uri.hpp"

namespace {

using emscripten::val;

const char* mode_name(websrt::core::ConnectMode mode) {
    switch (mode) {
    case websrt::core::ConnectMode::caller: return "caller";
    case websrt::core::ConnectMode::listener: return "listener";
    case websrt::core::ConnectMode::rendezvous: return "rendezvous";
    }
    return "caller";
}

val describe(const websrt::core::SrtUri& srt) {
    val result = val::object();
    result.set("scheme", "srt");
    result.set("host", srt.host);
    result.set("port", srt.port);
    result.set("mode", mode_name(srt.mode));
    if (srt.adapter) result.set("adapter", *srt.adapter);
    if (srt.local_port) result.set("localPort", *srt.local_port);
    result.set("bindPort", websrt::core::bind_port(srt));
    result.set("streamId", srt.config.stream_id);
    result.set("payloadSize", srt.config.payload_size);
    result.set("packetFilter", srt.config.packet_filter);
    result.set("latencyMs", srt.config.receiver_latency_ms);
    // Whether a passphrase was given, never the passphrase itself.
    result.set("encrypted", !srt.config.passphrase.empty());
    return result;
}

val describe(const websrt::core::UdpUri& udp) {
    val result = val::object();
    result.set("scheme", "udp");
    result.set("host", udp.host);
    result.set("port", udp.port);
    if (udp.adapter) result.set("adapter", *udp.adapter);
    return result;
}

val describe(const websrt::core::ConsoleUri&) {
    val result = val::object();
    result.set("scheme", "console");
    return result;
}

val describe(const websrt::core::FileUri& file) {
    val result = val::object();
    result.set("scheme", "file");
    result.set("path", file.path);
    return result;
}

/// {ok: true, scheme: "srt" | "udp" | "console" | "file", …} or {ok: false, error} naming the offending
/// part (a passphrase never appears in it).
val parse_media_uri(const std::string& text) {
    auto parsed = websrt::core::parse_media_uri(text);
    if (!parsed) {
        val failure = val::object();
        failure.set("ok", false);
        failure.set("error", parsed.error().message);
        return failure;
    }
    val result = std::visit([](const auto& uri) { return describe(uri); }, *parsed);
    result.set("ok", true);
    return result;
}

}  // namespace

EMSCRIPTEN_BINDINGS(websrt_media_uri) { emscripten::function("parseMediaUri", &parse_media_uri); }
