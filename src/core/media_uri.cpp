// srt://, udp:// and file:// parsing with srt-live-transmit's option names and units.
#include "core/media_uri.hpp"

#include <charconv>
#include <functional>
#include <map>

#include "core/packet_filter_config.hpp"

namespace websrt::core {

namespace {

/// Options whose values are secrets: never repeated in an error message.
bool is_secret_option(std::string_view key) { return key == "passphrase"; }

/// `uri` with the value of every secret option replaced by "***", for error messages.
std::string redacted(std::string_view uri) {
    std::string out(uri);
    for (std::size_t at = out.find("passphrase="); at != std::string::npos; at = out.find("passphrase=", at + 1)) {
        const std::size_t value = at + std::string_view("passphrase=").size();
        const std::size_t end = out.find('&', value);
        out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
    }
    return out;
}

UriError error(std::string message) { return UriError{std::move(message)}; }

struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};

Expected<HostPort, UriError> parse_host_port(std::string_view authority, std::string_view uri) {
    HostPort result;
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return error("unterminated IPv6 address in '" + redacted(uri) + "'");
        result.host = std::string(authority.substr(1, close - 1));
        if (close + 1 >= authority.size() || authority[close + 1] != ':')
            return error("missing port in '" + redacted(uri) + "'");
        port_text = authority.substr(close + 2);
    } else {
        const auto colon = authority.rfind(':');
        if (colon == std::string_view::npos) return error("missing port in '" + redacted(uri) + "'");
        result.host = std::string(authority.substr(0, colon));
        port_text = authority.substr(colon + 1);
    }
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    // Port 0 (any free port) parses here; only an SRT listener may use it (checked by the caller).
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535)
        return error("bad port '" + std::string(port_text) + "' in '" + redacted(uri) + "'");
    result.port = static_cast<std::uint16_t>(port);
    return result;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<bool> parse_bool(std::string_view text) {
    if (text == "1" || text == "true" || text == "yes" || text == "on") return true;
    if (text == "0" || text == "false" || text == "no" || text == "off") return false;
    return std::nullopt;
}

using Query = std::vector<std::pair<std::string, std::string>>;

Expected<Query, UriError> parse_query(std::string_view query) {
    Query pairs;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (item.empty()) continue;
        const auto eq = item.find('=');
        const auto key = percent_decode(item.substr(0, eq));
        const auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1));
        if (!key || !value)
            return error("bad %-escape in '" + (key && is_secret_option(*key) ? *key + "=***" : redacted(item)) + "'");
        pairs.emplace_back(*key, *value);
    }
    return pairs;
}

/// An option setter: stores a validated value, or says what is wrong with it.
using Setter = std::function<std::optional<std::string>(SrtUri&, const std::string&)>;

Setter integer(std::int64_t min, std::int64_t max, std::function<void(SrtUri&, std::int64_t)> store) {
    return [=](SrtUri& uri, const std::string& text) -> std::optional<std::string> {
        const auto value = parse_integer(text);
        if (!value || *value < min || *value > max)
            return "expects an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
        store(uri, *value);
        return std::nullopt;
    };
}

Setter boolean(std::function<void(SrtUri&, bool)> store) {
    return [=](SrtUri& uri, const std::string& text) -> std::optional<std::string> {
        const auto value = parse_bool(text);
        if (!value) return "expects true/false (or 1/0)";
        store(uri, *value);
        return std::nullopt;
    };
}

constexpr std::int64_t max_ms = limits::max_timeout / micros_per_ms;
constexpr std::int64_t max_latency_ms = limits::max_latency_ms;

/// The options websrt implements, by srt-live-transmit's names (apps/socketoptions.hpp), plus
/// ffmpeg's spellings where they differ (pkt_size, enforced_encryption).
const std::map<std::string, Setter, std::less<>>& srt_options() {
    static const std::map<std::string, Setter, std::less<>> options = [] {
        std::map<std::string, Setter, std::less<>> o;
        o["mode"] = [](SrtUri& uri, const std::string& v) -> std::optional<std::string> {
            if (v == "caller" || v == "client")
                uri.mode = ConnectMode::caller;
            else if (v == "listener" || v == "server")
                uri.mode = ConnectMode::listener;
            else if (v == "rendezvous")
                uri.mode = ConnectMode::rendezvous;
            else
                return "expects caller, listener or rendezvous";
            return std::nullopt;
        };
        o["adapter"] = [](SrtUri& uri, const std::string& v) -> std::optional<std::string> {
            uri.adapter = v;
            return std::nullopt;
        };
        o["port"] = integer(1, 65535, [](SrtUri& u, std::int64_t v) { u.local_port = static_cast<std::uint16_t>(v); });
        // SRTO_LATENCY sets both directions; rcvlatency/peerlatency one each (ms).
        o["latency"] = integer(0, max_latency_ms, [](SrtUri& u, std::int64_t v) {
            u.config.receiver_latency_ms = u.config.peer_latency_ms = static_cast<int>(v);
        });
        o["rcvlatency"] = integer(
            0, max_latency_ms, [](SrtUri& u, std::int64_t v) { u.config.receiver_latency_ms = static_cast<int>(v); });
        o["peerlatency"] = integer(0, max_latency_ms,
                                   [](SrtUri& u, std::int64_t v) { u.config.peer_latency_ms = static_cast<int>(v); });
        o["maxbw"] = integer(-1, INT64_MAX, [](SrtUri& u, std::int64_t v) { u.config.max_bw_bytes_per_s = v; });
        o["maxrexmitbw"] =
            integer(-1, INT64_MAX, [](SrtUri& u, std::int64_t v) { u.config.max_rexmit_bw_bytes_per_s = v; });
        o["inputbw"] = integer(0, INT64_MAX, [](SrtUri& u, std::int64_t v) { u.config.input_bw_bytes_per_s = v; });
        o["mininputbw"] =
            integer(0, INT64_MAX, [](SrtUri& u, std::int64_t v) { u.config.min_input_bw_bytes_per_s = v; });
        o["oheadbw"] = integer(limits::min_overhead_percent, limits::max_overhead_percent,
                               [](SrtUri& u, std::int64_t v) { u.config.overhead_bw_percent = static_cast<int>(v); });
        o["payloadsize"] = integer(1, limits::max_live_payload,
                                   [](SrtUri& u, std::int64_t v) { u.config.payload_size = static_cast<int>(v); });
        o["pkt_size"] = o["payloadsize"];
        o["mss"] = integer(limits::min_mss, limits::max_mss,
                           [](SrtUri& u, std::int64_t v) { u.config.mss = static_cast<int>(v); });
        o["fc"] = integer(limits::min_flight_window, INT32_MAX,
                          [](SrtUri& u, std::int64_t v) { u.config.flight_window_pkts = static_cast<int>(v); });
        // Buffer sizes are bytes; libsrt counts them in packets of MSS − 28 bytes.
        o["sndbuf"] = integer(1, 1 << 30, [](SrtUri& u, std::int64_t v) {
            u.config.send_buffer_pkts = std::max(
                limits::min_buffer_pkts, static_cast<int>(std::min<std::int64_t>(v / (u.config.mss - 28), INT32_MAX)));
        });
        o["rcvbuf"] = integer(1, 1 << 30, [](SrtUri& u, std::int64_t v) {
            u.config.receive_buffer_pkts = std::max(
                limits::min_buffer_pkts, static_cast<int>(std::min<std::int64_t>(v / (u.config.mss - 28), INT32_MAX)));
        });
        o["conntimeo"] =
            integer(1, max_ms, [](SrtUri& u, std::int64_t v) { u.config.connect_timeout = milliseconds(v); });
        o["peeridletimeo"] =
            integer(1, max_ms, [](SrtUri& u, std::int64_t v) { u.config.peer_idle_timeout = milliseconds(v); });
        o["snddropdelay"] =
            integer(-1, max_ms, [](SrtUri& u, std::int64_t v) { u.config.send_drop_delay_ms = static_cast<int>(v); });
        // SRTO_LINGER, in seconds: how long a graceful close waits for acknowledgement.
        o["linger"] = integer(0, max_ms / 1000, [](SrtUri& u, std::int64_t v) { u.config.linger = seconds(v); });
        o["tsbpdmode"] = boolean([](SrtUri& u, bool v) { u.config.tsbpd = v; });
        o["tlpktdrop"] = boolean([](SrtUri& u, bool v) { u.config.too_late_packet_drop = v; });
        o["nakreport"] = boolean([](SrtUri& u, bool v) { u.config.nak_report = v; });
        o["messageapi"] = boolean([](SrtUri& u, bool v) { u.config.message_api = v; });
        o["enforcedencryption"] = boolean([](SrtUri& u, bool v) { u.config.enforced_encryption = v; });
        o["enforced_encryption"] = o["enforcedencryption"];
        o["streamid"] = [](SrtUri& uri, const std::string& v) -> std::optional<std::string> {
            if (v.size() > limits::max_stream_id_size)
                return "is longer than " + std::to_string(limits::max_stream_id_size) + " bytes";
            uri.config.stream_id = v;
            return std::nullopt;
        };
        // SRTO_PACKETFILTER: libsrt's fec filter, e.g. fec,cols:10,rows:5,layout:staircase,arq:onreq.
        o["packetfilter"] = [](SrtUri& uri, const std::string& v) -> std::optional<std::string> {
            if (auto problem = check_packet_filter_option(v)) return problem;
            uri.config.packet_filter = v;
            return std::nullopt;
        };
        o["passphrase"] = [](SrtUri& uri, const std::string& v) -> std::optional<std::string> {
            if (v.size() < limits::min_passphrase_size || v.size() > limits::max_passphrase_size)
                return "must be " + std::to_string(limits::min_passphrase_size) + " to " +
                       std::to_string(limits::max_passphrase_size) + " characters";
            uri.config.passphrase = v;
            return std::nullopt;
        };
        o["pbkeylen"] = [](SrtUri& uri, const std::string& v) -> std::optional<std::string> {
            const auto value = parse_integer(v);
            if (!value || (*value != 0 && *value != 16 && *value != 24 && *value != 32))
                return "expects 0, 16, 24 or 32";
            uri.config.pbkey_len = static_cast<int>(*value);
            return std::nullopt;
        };
        o["kmrefreshrate"] =
            integer(0, INT32_MAX, [](SrtUri& u, std::int64_t v) { u.config.km_refresh_rate_pkts = v; });
        o["kmpreannounce"] = integer(0, INT32_MAX, [](SrtUri& u, std::int64_t v) { u.config.km_preannounce_pkts = v; });
        // SRTO_CRYPTOMODE: 0 auto, 1 AES-CTR, 2 AES-GCM (libsrt >= 1.5.2 numbering), or by name.
        o["cryptomode"] = [](SrtUri& uri, const std::string& v) -> std::optional<std::string> {
            if (v == "0" || v == "auto")
                uri.config.crypto_mode = CryptoMode::automatic;
            else if (v == "1" || v == "aes-ctr")
                uri.config.crypto_mode = CryptoMode::aes_ctr;
            else if (v == "2" || v == "aes-gcm")
                uri.config.crypto_mode = CryptoMode::aes_gcm;
            else
                return "expects 0 (auto), 1 (aes-ctr) or 2 (aes-gcm)";
            return std::nullopt;
        };
        o["transtype"] = [](SrtUri& uri, const std::string& v) -> std::optional<std::string> {
            // transtype=file's settings were applied before the other options (parse_srt).
            if (v == "live")
                uri.config.transtype = TransmissionType::live;
            else if (v == "file")
                uri.config.transtype = TransmissionType::file;
            else
                return "expects live or file";
            return std::nullopt;
        };
        o["congestion"] = [](SrtUri& uri, const std::string& v) -> std::optional<std::string> {
            // "vod" is libsrt's other name for FileCC (socketconfig.cpp SRTO_CONGESTION).
            if (v != "live" && v != "file" && v != "vod") return "expects live or file";
            uri.config.congestion = v == "vod" ? "file" : v;
            return std::nullopt;
        };
        return o;
    }();
    return options;
}

Expected<MediaUri, UriError> parse_srt(std::string_view rest, std::string_view uri) {
    const auto question = rest.find('?');
    const auto authority = rest.substr(0, question);
    auto host_port = parse_host_port(authority, uri);
    if (!host_port) return host_port.error();
    SrtUri srt;
    srt.host = host_port->host;
    srt.port = host_port->port;
    // srt-live-transmit: no host means listener, a host means caller, unless mode= says otherwise.
    srt.mode = srt.host.empty() ? ConnectMode::listener : ConnectMode::caller;
    auto query = parse_query(question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1));
    if (!query) return query.error();
    // libsrt's option table sets transtype before the options it presets, whatever the order in
    // the URI: transtype=file first, then every option (messageapi=1 and the like still apply).
    for (const auto& [key, value] : *query)
        if (key == "transtype" && value == "file") use_file_mode(srt.config);
    for (const auto& [key, value] : *query) {
        const auto& options = srt_options();
        const auto option = options.find(key);
        if (option == options.end()) return error("unknown SRT option '" + key + "' in '" + redacted(uri) + "'");
        if (auto problem = option->second(srt, value)) {
            if (is_secret_option(key)) return error("SRT option '" + key + "' " + *problem);
            return error("SRT option '" + key + "=" + value + "' " + *problem);
        }
    }
    if (srt.mode != ConnectMode::listener && srt.host.empty())
        return error(std::string(srt.mode == ConnectMode::caller ? "caller" : "rendezvous") +
                     " mode needs a host in '" + redacted(uri) + "'");
    // A listener on port 0 binds any free port (the driver reports which), as a socket does.
    if (srt.port == 0 && srt.mode != ConnectMode::listener)
        return error("port 0 (any free port) is only for a listener, in '" + redacted(uri) + "'");
    // What each option allows on its own was checked above; this checks them together (the
    // payload in the MSS), as connect() and listen() do.
    if (auto problem = srt.config.validate())
        return error("SRT options do not fit together in '" + redacted(uri) + "': " + *problem);
    return MediaUri{std::move(srt)};
}

Expected<MediaUri, UriError> parse_udp(std::string_view rest, std::string_view uri) {
    const auto question = rest.find('?');
    auto host_port = parse_host_port(rest.substr(0, question), uri);
    if (!host_port) return host_port.error();
    if (host_port->port == 0) return error("bad port '0' in '" + redacted(uri) + "'");
    UdpUri udp{host_port->host, host_port->port, std::nullopt};
    auto query = parse_query(question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1));
    if (!query) return query.error();
    for (const auto& [key, value] : *query) {
        if (key == "adapter")
            udp.adapter = value;
        else
            return error("unknown UDP option '" + key + "' in '" + redacted(uri) + "'");
    }
    return MediaUri{std::move(udp)};
}

/// file://con, or a file by its path. libsrt's uriparser (apps/uriparser.cpp) takes what follows
/// "file://" up to the first '/' for a host and the rest for the path, and turns a leading "/./"
/// into a relative path: file:///abs/x is /abs/x, file:///./rel/x is rel/x. It would read
/// file://rel/x as /x, dropping "rel": refused here, so that no other file is read or truncated
/// than the one meant.
Expected<MediaUri, UriError> parse_file(std::string_view rest, std::string_view uri) {
    if (rest == "con") return MediaUri{ConsoleUri{}};
    if (rest.empty() || rest.front() != '/')
        return error("a file URI is file://con, file:///absolute/path or file:///./relative/path, not '" +
                     std::string(uri) + "'");
    // libsrt reads '?' as the start of options, and has none for files.
    if (rest.find('?') != std::string_view::npos)
        return error("a file URI takes no options (write '?' in a path as %3F): '" + std::string(uri) + "'");
    constexpr std::string_view relative_prefix = "/./";
    if (rest.size() > relative_prefix.size() && rest.starts_with(relative_prefix))
        rest.remove_prefix(relative_prefix.size());
    auto path = percent_decode(rest);
    if (!path) return error("bad %-escape in '" + std::string(uri) + "'");
    // open() would take the path only up to a NUL: another file than the one named.
    if (path->find('\0') != std::string::npos) return error("a NUL byte in the path of '" + std::string(uri) + "'");
    return MediaUri{FileUri{std::move(*path)}};
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
        if (ec != std::errc{} || end != text.data() + i + 3) return std::nullopt;
        out.push_back(static_cast<char>(value));
        i += 2;
    }
    return out;
}

Expected<MediaUri, UriError> parse_media_uri(std::string_view text) {
    const auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos)
        return error("not a URI: '" + redacted(text) + "' (expected srt://, udp://, file://con or file:///path)");
    const std::string_view scheme = text.substr(0, scheme_end);
    const std::string_view rest = text.substr(scheme_end + 3);
    if (scheme == "srt") return parse_srt(rest, text);
    if (scheme == "udp") return parse_udp(rest, text);
    if (scheme == "file") return parse_file(rest, text);
    return error("unsupported scheme '" + std::string(scheme) +
                 "' (expected srt://, udp://, file://con or file:///path)");
}

std::uint16_t bind_port(const SrtUri& uri) {
    switch (uri.mode) {
    case ConnectMode::listener: return uri.port;
    case ConnectMode::rendezvous: return uri.local_port.value_or(uri.port);
    case ConnectMode::caller: break;
    }
    return uri.local_port.value_or(0);
}

}  // namespace websrt::core
