// The URIs `websrt transmit` reads and writes, as srt-live-transmit takes them:
//   srt://[host]:port?option=value&…   caller when a host is given, listener without one
//                                      (or mode=caller|listener|rendezvous); option names and
//                                      units (milliseconds) as srt-live-transmit's socket options
//   udp://[host]:port                  datagrams in (bind) or out (send to)
//   file://con                         standard input / output
//   file:///absolute/path              a file read (input) or created/truncated (output);
//   file:///./relative/path            relative to the working directory, as libsrt's uriparser
// Unknown or unsupported options are errors, never ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/expected.hpp"
#include "core/connection_config.hpp"

namespace websrt::core {

struct SrtUri {
    std::string host;  // empty: any address (listener)
    std::uint16_t port = 0;
    ConnectMode mode = ConnectMode::caller;
    ConnectionConfig config;
    std::optional<std::string> adapter;       // local address to bind
    std::optional<std::uint16_t> local_port;  // caller/rendezvous: `port=`; bind_port() says what is bound
};

/// The local UDP port an srt:// side binds: a listener its own port; a caller `port=`, else any
/// free port (0); a rendezvous side `port=`, else the remote port (srt-live-transmit's
/// OpenRendezvous: both ends use one port number unless told otherwise).
std::uint16_t bind_port(const SrtUri& uri);

struct UdpUri {
    std::string host;  // empty: any address
    std::uint16_t port = 0;
    std::optional<std::string> adapter;
};

struct ConsoleUri {};  // file://con

struct FileUri {
    std::string path;  // percent-decoded; never empty, never holds a NUL byte
};

using MediaUri = std::variant<SrtUri, UdpUri, ConsoleUri, FileUri>;

struct UriError {
    std::string message;  // one line, names the offending part
};

Expected<MediaUri, UriError> parse_media_uri(std::string_view text);

/// Decodes %XX escapes ("%23" → "#"); nothing on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace websrt::core
