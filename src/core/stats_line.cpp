#include "core/stats_line.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

#include "core/stats_fields.hpp"

namespace websrt::core {

namespace {

/// The shortest decimal digits that read back as `value` (> 0), and the position of the decimal
/// point after the first digit: 1234.5 → {"12345", 4}.
std::pair<std::string, int> shortest_digits(double value) {
    char text[40];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(text, sizeof text, "%.*e", precision - 1, value);
        if (std::strtod(text, nullptr) == value) break;
    }
    // text is "d.ddde±x" or "de±x".
    std::string digits;
    const char* p = text;
    for (; *p != 'e'; ++p)
        if (*p != '.') digits += *p;
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    return {digits, std::atoi(p + 1) + 1};
}

}  // namespace

std::string format_stats_double(double value) {
    if (!std::isfinite(value)) return "null";
    if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
    const std::string sign = value < 0 ? "-" : "";
    const auto [digits, n] = shortest_digits(std::fabs(value));
    const int k = static_cast<int>(digits.size());
    // nlohmann::json's dtoa layout (detail::format_buffer, min_exp -4, max_exp 15).
    if (k <= n && n <= 15) return sign + digits + std::string(static_cast<std::size_t>(n - k), '0') + ".0";
    if (n > 0 && n <= 15)
        return sign + digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
    if (n > -4 && n <= 0) return sign + "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
    const int e = n - 1;
    char exponent[16];  // a double's exponent needs 5 (e-324); room for any int
    std::snprintf(exponent, sizeof exponent, "e%c%02d", e < 0 ? '-' : '+', std::abs(e));
    return sign + (k == 1 ? digits : digits.substr(0, 1) + "." + digits.substr(1)) + exponent;
}

std::string format_stats_line(const ConnectionStats& stats, StatsFormat format) {
    std::string line = format == StatsFormat::json ? "{" : "";
    bool first = true;
    visit_stats(stats, [&](const char* name, const auto& value) {
        if (!first) line += format == StatsFormat::json ? "," : " ";
        first = false;
        if (format == StatsFormat::json)
            line += std::string("\"") + name + "\":";
        else
            line += std::string(name) + "=";
        if constexpr (std::is_floating_point_v<std::remove_cvref_t<decltype(value)>>)
            line += format_stats_double(value);
        else
            line += std::to_string(value);
    });
    if (format == StatsFormat::json) line += "}";
    return line;
}

}  // namespace websrt::core
