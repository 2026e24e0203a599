#include "core/printable_text.hpp"

#include <algorithm>

namespace websrt::core {

std::string printable_text(std::string_view text, std::size_t limit) {
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

}  // namespace websrt::core
