// Which file a request target names under `websrt bridge --static DIR`, or why it names none.
// Pure except for resolving symlinks (realpath): no sockets, no Boost, so the fuzz harness
// (tests/fuzz/static_path_fuzz.cpp) links it alone.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/expected.hpp"

namespace websrt::native {

namespace static_path_limits {
/// Longest request path (before decoding) the bridge looks at. The demo's deepest file is a few
/// dozen bytes; anything near beast's 8 KiB header limit is a probe, not a page.
inline constexpr std::size_t max_path_bytes = 1024;
/// What a directory path ("/", "/dir/") serves.
inline constexpr std::string_view index_file = "index.html";
}  // namespace static_path_limits

/// Why a request names no servable file. Every refusal is answered the same way (404, a fixed
/// body), so a client learns nothing about the tree; the reason is for the bridge's own log.
enum class StaticPathRefusal {
    none,
    not_origin_form,      // does not start with '/' (absolute-form, authority-form, '*')
    too_long,             // over static_path_limits::max_path_bytes
    bad_percent_escape,   // '%' not followed by two hex digits
    forbidden_character,  // backslash, NUL or another control character, raw or percent-encoded
    encoded_slash,        // "%2F": a separator the client hid from segment checks
    empty_segment,        // "//etc/passwd", "/a//b"
    dot_segment,          // "." or ".." as a segment, raw or percent-encoded
    outside_root,         // resolves (through a symlink) outside the canonical root
    not_a_regular_file,   // missing, a directory, a device, a socket...
};

std::string_view describe(StaticPathRefusal why);

/// Checks and percent-decodes the path of `request_target` (query and fragment ignored) without
/// touching the filesystem. On success, a relative path of plain segments joined by '/', each
/// non-empty and neither "." nor ".."; `index_file` appended when the path names a directory.
Expected<std::string, StaticPathRefusal> relative_static_path(std::string_view request_target);

/// The file `request_target` names under `canonical_root` (which must already be canonical, as
/// std::filesystem::canonical returns it): relative_static_path, then symlinks resolved, then
/// the result required to be `canonical_root` or below it on a path-component boundary and a
/// regular file. The returned path is canonical. (Between this check and opening the file, a
/// writer of the static directory could swap in a symlink; the directory is the operator's.)
Expected<std::filesystem::path, StaticPathRefusal> resolve_static_path(const std::filesystem::path& canonical_root,
                                                                       std::string_view request_target);

/// The Content-Type a served file gets, by its name's extension ("index.html" → text/html);
/// application/octet-stream for any other.
std::string_view content_type_for(std::string_view file_name);

/// Whether canonical `path` is `canonical_root` or inside it, compared component by component
/// (so "/srv/site-other" is not inside "/srv/site").
bool is_within(const std::filesystem::path& canonical_root, const std::filesystem::path& path);

}  // namespace websrt::native
