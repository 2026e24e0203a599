// Request path to static file: decode, check each segment, resolve symlinks, stay under the root.
#include "static_path_policy.hpp"

#include <array>
#include <system_error>
#include <utility>

namespace websrt::native {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Bytes no file name the bridge serves contains: a Windows separator (a second way to write
/// '/'), and NUL and the other control characters (which end or garble a C path).
bool forbidden_byte(unsigned char byte) { return byte == '\\' || byte < 0x20 || byte == 0x7f; }

}  // namespace

std::string_view describe(StaticPathRefusal why) {
    switch (why) {
    case StaticPathRefusal::not_origin_form: return "path does not start with '/'";
    case StaticPathRefusal::too_long: return "path too long";
    case StaticPathRefusal::bad_percent_escape: return "bad percent escape";
    case StaticPathRefusal::forbidden_character: return "backslash or control character";
    case StaticPathRefusal::encoded_slash: return "percent-encoded '/'";
    case StaticPathRefusal::empty_segment: return "empty path segment";
    case StaticPathRefusal::dot_segment: return "'.' or '..' segment";
    case StaticPathRefusal::outside_root: return "resolves outside the static directory";
    case StaticPathRefusal::not_a_regular_file: return "no such regular file";
    case StaticPathRefusal::none: break;
    }
    return "";
}

Expected<std::string, StaticPathRefusal> relative_static_path(std::string_view request_target) {
    // Static files ignore the query; a fragment never reaches a server, but cut it too.
    const std::string_view raw = request_target.substr(0, request_target.find_first_of("?#"));
    if (raw.empty() || raw.front() != '/') return StaticPathRefusal::not_origin_form;
    if (raw.size() > static_path_limits::max_path_bytes) return StaticPathRefusal::too_long;

    std::string decoded;
    decoded.reserve(raw.size());
    for (std::size_t at = 0; at < raw.size(); ++at) {
        auto byte = static_cast<unsigned char>(raw[at]);
        if (byte == '%') {
            if (raw.size() - at < 3) return StaticPathRefusal::bad_percent_escape;
            const int high = hex_value(raw[at + 1]), low = hex_value(raw[at + 2]);
            if (high < 0 || low < 0) return StaticPathRefusal::bad_percent_escape;
            byte = static_cast<unsigned char>(high * 16 + low);
            at += 2;
            // Decoded separators would split segments after they were checked: refuse them.
            if (byte == '/') return StaticPathRefusal::encoded_slash;
        }
        if (forbidden_byte(byte)) return StaticPathRefusal::forbidden_character;
        decoded.push_back(static_cast<char>(byte));
    }

    // Segments between the leading '/' and each next one. Only the last may be empty: it names
    // a directory, which serves its index file.
    std::string relative;
    relative.reserve(decoded.size() + static_path_limits::index_file.size());
    std::string_view rest = std::string_view(decoded).substr(1);
    while (true) {
        const auto slash = rest.find('/');
        const std::string_view segment = rest.substr(0, slash);
        const bool last = slash == std::string_view::npos;
        if (segment.empty() && !last) return StaticPathRefusal::empty_segment;
        if (segment == "." || segment == "..") return StaticPathRefusal::dot_segment;
        relative.append(segment.empty() ? static_path_limits::index_file : segment);
        if (last) break;
        relative.push_back('/');
        rest.remove_prefix(slash + 1);
    }
    return relative;
}

bool is_within(const std::filesystem::path& canonical_root, const std::filesystem::path& path) {
    auto inside = path.begin();
    for (const auto& part : canonical_root) {
        if (part.empty()) continue;  // a trailing separator on the root
        if (inside == path.end() || *inside != part) return false;
        ++inside;
    }
    return true;
}

Expected<std::filesystem::path, StaticPathRefusal> resolve_static_path(const std::filesystem::path& canonical_root,
                                                                       std::string_view request_target) {
    const auto relative = relative_static_path(request_target);
    if (!relative) return relative.error();
    std::error_code ec;
    // Resolves every symlink along the existing part of the path, as realpath does; the
    // segments were checked above, so no ".." remains to climb out lexically.
    const auto resolved = std::filesystem::weakly_canonical(canonical_root / *relative, ec);
    if (ec) return StaticPathRefusal::not_a_regular_file;
    if (!is_within(canonical_root, resolved)) return StaticPathRefusal::outside_root;
    if (!std::filesystem::is_regular_file(resolved, ec)) return StaticPathRefusal::not_a_regular_file;
    return resolved;
}

std::string_view content_type_for(std::string_view file_name) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> types{
        {{".html", "text/html; charset=utf-8"},
         {".js", "text/javascript; charset=utf-8"},
         {".mjs", "text/javascript; charset=utf-8"},
         {".wasm", "application/wasm"},
         {".css", "text/css; charset=utf-8"},
         {".json", "application/json"},
         {".ts", "text/plain; charset=utf-8"},
         {".png", "image/png"},
         {".svg", "image/svg+xml"}}};
    const auto slash = file_name.rfind('/');
    const auto base = slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
    const auto dot = base.rfind('.');
    if (dot != std::string_view::npos && dot > 0) {
        const auto extension = base.substr(dot);
        for (const auto& [known, type] : types)
            if (known == extension) return type;
    }
    return "application/octet-stream";
}

}  // namespace websrt::native
