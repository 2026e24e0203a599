#include "core/packet_filter_config.hpp"

#include <charconv>

namespace websrt::core {

namespace {

/// The only filter type libsrt builds in (packetfilter.cpp PacketFilter::builtin_filters).
constexpr std::string_view fec_type = "fec";
/// libsrt fills keys neither side set from this (fec.cpp FECFilterBuiltin::defaultConfig):
/// the layout defaults to staircase, whatever libsrt's documents say.
constexpr std::string_view fec_defaults = "fec,rows:1,layout:staircase,arq:onreq";

FilterError error(std::string detail) { return FilterError{std::move(detail)}; }

/// libsrt reads the numbers with atoi: leading digits count, the rest is ignored ("10x" is 10).
std::optional<int> leading_integer(const std::string& text) {
    int value = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (first != last && *first == '+') ++first;
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc{} || end == first) return std::nullopt;
    return value;
}

}  // namespace

Expected<FilterSpec, FilterError> parse_filter_spec(std::string_view text) {
    if (text.empty()) return error("packetfilter is empty");
    if (text.size() > max_packet_filter_size)
        return error("packetfilter is longer than " + std::to_string(max_packet_filter_size) + " bytes");
    FilterSpec spec;
    std::size_t start = 0;
    bool first = true;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string_view token = text.substr(start, comma - start);
        if (first) {
            spec.type = std::string(token);
            first = false;
        } else {
            const std::size_t colon = token.find(':');
            if (colon == std::string_view::npos || token.find(':', colon + 1) != std::string_view::npos)
                return error("packetfilter: '" + std::string(token) + "' is not key:value");
            // An empty value drops the key (libsrt ParseFilterConfig keeps only non-empty ones).
            if (colon + 1 < token.size())
                spec.params[std::string(token.substr(0, colon))] = std::string(token.substr(colon + 1));
        }
        start = comma + 1;
    }
    if (spec.type != fec_type) return error("packetfilter: unknown filter type '" + spec.type + "' (only fec)");
    return spec;
}

std::string to_string(const FilterSpec& spec) {
    std::string text = spec.type;
    for (const auto& [key, value] : spec.params) text += "," + key + ":" + value;
    return text;
}

Expected<FecConfig, FilterError> fec_config_of(const FilterSpec& spec, bool require_cols) {
    FecConfig config;
    for (const auto& [key, value] : spec.params) {
        if (key == "cols") {
            const auto cols = leading_integer(value);
            if (!cols || *cols < 2 || *cols > max_fec_cols)
                return error("packetfilter: fec cols expects 2 to " + std::to_string(max_fec_cols));
            config.cols = *cols;
        } else if (key == "rows") {
            const auto rows = leading_integer(value);
            // -1 and 0 mean nothing (fec.cpp verifyConfig); -N is columns only, N deep.
            if (!rows || (*rows >= -1 && *rows <= 0) || *rows > max_fec_rows || *rows < -max_fec_rows)
                return error("packetfilter: fec rows expects 1 to " + std::to_string(max_fec_rows) + ", or -2 to -" +
                             std::to_string(max_fec_rows) + " for columns only");
            config.rows = *rows;
        } else if (key == "layout") {
            if (value == "even")
                config.layout = FecLayout::even;
            else if (value == "staircase")
                config.layout = FecLayout::staircase;
            else
                return error("packetfilter: fec layout expects even or staircase");
        } else if (key == "arq") {
            if (value == "never")
                config.arq = FecArq::never;
            else if (value == "onreq")
                config.arq = FecArq::onreq;
            else if (value == "always")
                config.arq = FecArq::always;
            else
                return error("packetfilter: fec arq expects never, onreq or always");
        } else {
            return error("packetfilter: fec has no option '" + key + "'");
        }
    }
    if (require_cols && config.cols == 0) return error("packetfilter: fec needs cols");
    return config;
}

std::optional<std::string> check_packet_filter_option(std::string_view text) {
    const auto spec = parse_filter_spec(text);
    if (!spec) return spec.error().detail;
    if (const auto config = fec_config_of(*spec, false); !config) return config.error().detail;
    return std::nullopt;
}

Expected<std::string, FilterError> negotiate_filter_as_responder(std::string_view ours,
                                                                 std::optional<std::string_view> theirs) {
    // libsrt 1.5.5 (core.cpp interpretSrtHandshake): a caller that sent no FILTER gets none, and
    // the listener's own setting is dropped for this connection.
    if (!theirs) return std::string();
    const auto peer = parse_filter_spec(*theirs);
    if (!peer) return peer.error();
    if (ours.empty()) return std::string(*theirs);
    auto own = parse_filter_spec(ours);
    if (!own) return own.error();
    // CheckFilterCompat: a key on both sides must agree as text; one side's key is taken; one on
    // neither side comes from the defaults.
    for (const auto& [key, value] : peer->params) {
        const auto mine = own->params.find(key);
        if (mine == own->params.end())
            own->params[key] = value;
        else if (mine->second != value)
            return error("packetfilter: the peer's " + key + ":" + value + " conflicts with our " + key + ":" +
                         mine->second);
    }
    const auto defaults = parse_filter_spec(fec_defaults);
    for (const auto& [key, value] : defaults->params) own->params.try_emplace(key, value);
    return to_string(*own);
}

Expected<std::string, FilterError> negotiate_filter_as_initiator(std::string_view ours,
                                                                 std::optional<std::string_view> theirs) {
    if (!theirs) {
        if (ours.empty()) return std::string();
        return error("packetfilter: the listener did not answer our filter");  // libsrt 1.5.5
    }
    const auto peer = parse_filter_spec(*theirs);
    if (!peer) return peer.error();
    if (ours.empty()) return std::string(*theirs);
    auto own = parse_filter_spec(ours);
    if (!own) return own.error();
    for (const auto& [key, value] : peer->params) own->params[key] = value;
    return to_string(*own);
}

Expected<FecConfig, FilterError> agreed_fec_config(std::string_view agreed) {
    const auto spec = parse_filter_spec(agreed);
    if (!spec) return spec.error();
    return fec_config_of(*spec, true);
}

}  // namespace websrt::core
