#include "stats_format.hpp"

#include "core/stats_fields.hpp"

#include <sstream>

namespace websrt::native {

nlohmann::ordered_json stats_to_json(const core::ConnectionStats& s) {
    nlohmann::ordered_json j;
    core::visit_stats(s, [&](const char* name, auto value) { j[name] = value; });
    return j;
}

std::string format_stats(const core::ConnectionStats& stats, StatsFormat format) {
    const auto j = stats_to_json(stats);
    if (format == StatsFormat::json) return j.dump();
    std::ostringstream line;
    bool first = true;
    for (const auto& [key, value] : j.items()) {
        line << (first ? "" : " ") << key << '=' << value.dump();
        first = false;
    }
    return line.str();
}

}  // namespace websrt::native
