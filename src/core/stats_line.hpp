// Connection statistics as one line, the way `websrt transmit --stats-every` prints them in both
// of its builds (native and the Node CLI): a JSON object or `name=value` pairs, libsrt's names in
// libsrt's order (stats_fields.hpp). One formatter, so that the two lines are the same bytes.
#pragma once

#include <string>

#include "core/stats.hpp"

namespace websrt::core {

enum class StatsFormat { json, text };

/// Integers as they are; doubles in their shortest round-trip digits laid out as nlohmann::json
/// prints them ("12.0", "0.5", "1e-05", "1.5e+15"), which the native lines always used.
std::string format_stats_line(const ConnectionStats& stats, StatsFormat format);

/// One double as format_stats_line writes it ("null" when not finite, as JSON has no NaN).
std::string format_stats_double(double value);

}  // namespace websrt::core
