// The bridge's DNS-rebinding defence: which Host headers it serves. A page on evil.example whose
// name an attacker re-points at 127.0.0.1 reaches a loopback bridge with `Host: evil.example`;
// refusing names the operator did not list keeps such pages away from the bridge and its files.
// Pure string logic, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"

namespace websrt::native {

/// A Host header (or a --host entry) split into its lower-cased name ("localhost", "127.0.0.1",
/// "[::1]", "example.com") and its port, when it names one.
struct HostName {
    std::string name;
    std::optional<std::uint16_t> port;
};

/// Parses "NAME", "NAME:PORT", "[V6]" or "[V6]:PORT"; nullopt when malformed (empty, a port
/// that is not 1..65535, bytes no host name has).
std::optional<HostName> parse_host(std::string_view text);

/// 127.x.y.z (dotted decimal), [::1] or localhost.
bool is_loopback_name(std::string_view lowercase_name);

/// The rule, fixed at start:
/// - listening on a loopback address: loopback names, and the --host names;
/// - listening elsewhere with --host: the same;
/// - listening elsewhere without --host: any Host (the operator is warned at start).
/// A name without a port in the Host header is admitted; with a port, it must be the listening
/// port, or the port a --host entry names (for a bridge behind a proxy on another port).
class HostAllowlist {
public:
    /// Errors name the bad --host entry.
    static Expected<HostAllowlist, std::string> create(bool listening_on_loopback,
                                                       const std::vector<std::string>& hosts,
                                                       std::uint16_t listening_port);

    /// Whether Host checks apply at all (false: any Host is served).
    [[nodiscard]] bool enforced() const { return enforced_; }
    /// Whether a request with this Host header value is served. A missing or empty Host header
    /// is refused while enforced (HTTP/1.1 requires one; every browser sends one).
    [[nodiscard]] bool admits(std::string_view host_header) const;

private:
    bool enforced_ = true;
    std::vector<HostName> extra_;
    std::uint16_t listening_port_ = 0;
};

}  // namespace websrt::native
