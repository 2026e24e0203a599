// Embind glue for the core's statistics line (core/stats_line): `formatStats(stats, format)` in
// JS, so that the Node CLI prints `--stats-every` lines byte for byte as `websrt transmit` does.
// `stats` is an object with libsrt's names (SrtEndpoint.stats()); fields it lacks count as 0.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>

#include "core/stats_fields.hpp"
#include "core/stats_line.hpp"

namespace {

using emscripten::val;

std::string format_stats(val fields, const std::string& format) {
    websrt::core::ConnectionStats stats;
    if (fields.isUndefined() || fields.isNull()) fields = val::object();
    websrt::core::visit_stats(stats, [&](const char* name, auto& value) {
        const val field = fields[name];
        if (field.isNumber()) value = static_cast<std::remove_reference_t<decltype(value)>>(field.as<double>());
    });
    return websrt::core::format_stats_line(
        stats, format == "text" ? websrt::core::StatsFormat::text : websrt::core::StatsFormat::json);
}

}  // namespace

EMSCRIPTEN_BINDINGS(websrt_stats_line) { emscripten::function("formatStats", &format_stats); }
