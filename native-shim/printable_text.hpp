// Text from a peer (a stream id, a path) made safe to print on a terminal or in a log line:
// bytes outside printable ASCII, the backslash and the quote become \xNN escapes, and the result
// is cut at a length, so a hostile string can neither forge log lines nor drive the terminal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace websrt::native {

/// Printed peer strings are cut after this many bytes of input, with "..." appended.
inline constexpr std::size_t max_printed_peer_text = 512;

inline std::string printable_text(std::string_view text, std::size_t limit = max_printed_peer_text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(std::min(text.size(), limit) + 8);
    for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte < 0x7f && byte != '\\' && byte != '\'' && byte != '"') {
            out.push_back(static_cast<char>(byte));
        } else {
            out += "\\x";
            out.push_back(hex[byte >> 4]);
            out.push_back(hex[byte & 0xf]);
        }
    }
    if (text.size() > limit) out += "...";
    return out;
}

}  // namespace websrt::native
