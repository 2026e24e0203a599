// Connection statistics as text or JSON lines with libsrt's names (SRT_TRACEBSTATS): each counter
// twice, "<name>" for the interval and "<name>Total" since the start, then the instant values.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/stats.hpp"

namespace websrt::native {

enum class StatsFormat { json, text };

nlohmann::ordered_json stats_to_json(const core::ConnectionStats& stats);
std::string format_stats(const core::ConnectionStats& stats, StatsFormat format);

}  // namespace websrt::native
