// The packet filter setting (SRTO_PACKETFILTER, the `packetfilter` URI option) and its handshake
// negotiation, as libsrt 1.5 does them for its built-in `fec` filter: the grammar
// (srtcore/common.cpp ParseFilterConfig), the fec options and their limits (fec.cpp
// FECFilterBuiltin::verifyConfig), and how the FILTER extension's strings are merged
// (packetfilter.cpp CheckFilterCompat, core.cpp checkApplyFilterConfig). A refusal here is
// libsrt's SRT_REJ_FILTER.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.hpp"

namespace websrt::core {

/// libsrt stores SRTO_PACKETFILTER in 64 bytes and refuses a FILTER extension longer than that
/// (socketconfig.h StringStorage<64>, core.cpp interpretSrtHandshake).
inline constexpr std::size_t max_packet_filter_size = 64;
/// Each FEC packet's payload leads with 4 bytes (group index, flag clip, length clip) before the
/// payload clip (fec.h EXTRA_SIZE), so with a filter a data payload may be 4 bytes shorter than
/// SRT's 1456 (socketconfig.cpp: SRTO_PAYLOADSIZE at most 1452).
inline constexpr int fec_header_size = 4;
/// libsrt's index byte is a signed char whose 0xFF means a row: column 255 would be misread, so
/// rows are kept below it. (libsrt sets no limit; a wider row is of no practical use.)
inline constexpr int max_fec_cols = 255;
/// How deep a column may be: libsrt keeps at most 10 column series (SRT_FEC_MAX_RCV_HISTORY)
/// and sets no other bound; this keeps a matrix within a receive buffer's reach.
inline constexpr int max_fec_rows = 255;

enum class FecLayout { even, staircase };
/// When SRT's retransmission runs beside FEC (fec.cpp, packetfilter_api.h SRT_ARQ_LEVEL).
enum class FecArq {
    never,   // only FEC recovers; TLPKTDROP gives up on the rest
    onreq,   // what FEC cannot rebuild is NAKed once, when FEC gives up on its group
    always,  // SRT's usual NAKs, FEC besides
};

/// The `fec` filter's settings. "cols" is a row's length, "rows" a column's depth.
struct FecConfig {
    int cols = 0;
    int rows = 1;  // 1: rows only; >= 2: rows and columns; <= -2: columns only, |rows| deep
    FecLayout layout = FecLayout::staircase;
    FecArq arq = FecArq::onreq;

    [[nodiscard]] bool sends_rows() const { return rows > 0; }
    [[nodiscard]] bool has_columns() const { return rows >= 2 || rows <= -2; }
    [[nodiscard]] int column_depth() const { return rows < 0 ? -rows : rows; }
    friend bool operator==(const FecConfig&, const FecConfig&) = default;
};

/// Why a filter setting or a negotiation was refused, for the log (the reject code is always
/// SRT_REJ_FILTER).
struct FilterError {
    std::string detail;
};

/// A filter string split as libsrt splits it: the type, then key:value pairs (a later repeat
/// wins; an empty value drops the key), which print in sorted key order.
struct FilterSpec {
    std::string type;
    std::map<std::string, std::string> params;
};

/// Splits `text` ("fec,cols:10,rows:5"). Errors: empty, a token that is not exactly one
/// key:value pair, or a type other than "fec" (the only filter libsrt builds in).
Expected<FilterSpec, FilterError> parse_filter_spec(std::string_view text);
/// "type,key:value,…" in sorted key order, as libsrt writes a negotiated filter.
std::string to_string(const FilterSpec& spec);

/// The fec settings `spec` names; `require_cols` when a filter is being built from it (cols has
/// no default). Errors: an unknown key, or a value out of range.
Expected<FecConfig, FilterError> fec_config_of(const FilterSpec& spec, bool require_cols);

/// Checks an SRTO_PACKETFILTER value as libsrt's setter does (parse and values; cols may still
/// come from the peer). Nothing when it is acceptable.
std::optional<std::string> check_packet_filter_option(std::string_view text);

/// The listener's (responder's) side: `ours` (its own setting, maybe empty) and `theirs` (the
/// caller's FILTER extension, nothing when absent). The agreed string to answer with and use,
/// empty for no filter. libsrt 1.5.5: a listener's filter without the caller's is dropped; with
/// both, one-sided keys are copied across, missing ones take the defaults, and a key set
/// differently on each side is a refusal.
Expected<std::string, FilterError> negotiate_filter_as_responder(std::string_view ours,
                                                                 std::optional<std::string_view> theirs);
/// The caller's (initiator's) side: `ours` and the listener's answer. The agreed string, empty
/// for no filter. A filter we asked for and got no answer to is a refusal (libsrt 1.5.5); the
/// answer's values win over ours.
Expected<std::string, FilterError> negotiate_filter_as_initiator(std::string_view ours,
                                                                 std::optional<std::string_view> theirs);

/// The settings an agreed, non-empty filter string builds (cols required).
Expected<FecConfig, FilterError> agreed_fec_config(std::string_view agreed);

}  // namespace websrt::core
