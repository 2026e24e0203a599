// The statistics' fields by libsrt's names (srtcore/srt.h SRT_TRACEBSTATS, in its order), for
// whoever prints or exports them: the native JSON/text lines and the JS `stats()` object.
#pragma once

#include <cstdint>
#include <type_traits>

#include "core/stats.hpp"

namespace websrt::core {

struct CounterField {
    const char* interval_name;  // libsrt's per-interval name, e.g. "pktSent"
    const char* total_name;     // and the since-start one, e.g. "pktSentTotal"
    std::int64_t TrafficCounters::*member;
};

inline constexpr CounterField counter_fields[] = {
    {"pktSent", "pktSentTotal", &TrafficCounters::pktSent},
    {"pktRecv", "pktRecvTotal", &TrafficCounters::pktRecv},
    {"pktSentUnique", "pktSentUniqueTotal", &TrafficCounters::pktSentUnique},
    {"pktRecvUnique", "pktRecvUniqueTotal", &TrafficCounters::pktRecvUnique},
    {"pktSndLoss", "pktSndLossTotal", &TrafficCounters::pktSndLoss},
    {"pktRcvLoss", "pktRcvLossTotal", &TrafficCounters::pktRcvLoss},
    {"pktRetrans", "pktRetransTotal", &TrafficCounters::pktRetrans},
    {"pktRcvRetrans", "pktRcvRetransTotal", &TrafficCounters::pktRcvRetrans},
    {"pktSentACK", "pktSentACKTotal", &TrafficCounters::pktSentACK},
    {"pktRecvACK", "pktRecvACKTotal", &TrafficCounters::pktRecvACK},
    {"pktSentNAK", "pktSentNAKTotal", &TrafficCounters::pktSentNAK},
    {"pktRecvNAK", "pktRecvNAKTotal", &TrafficCounters::pktRecvNAK},
    {"pktSndDrop", "pktSndDropTotal", &TrafficCounters::pktSndDrop},
    {"pktRcvDrop", "pktRcvDropTotal", &TrafficCounters::pktRcvDrop},
    {"pktRcvUndecrypt", "pktRcvUndecryptTotal", &TrafficCounters::pktRcvUndecrypt},
    {"pktRcvBelated", "pktRcvBelatedTotal", &TrafficCounters::pktRcvBelated},
    {"byteSent", "byteSentTotal", &TrafficCounters::byteSent},
    {"byteRecv", "byteRecvTotal", &TrafficCounters::byteRecv},
    {"byteSentUnique", "byteSentUniqueTotal", &TrafficCounters::byteSentUnique},
    {"byteRecvUnique", "byteRecvUniqueTotal", &TrafficCounters::byteRecvUnique},
    {"byteRcvLoss", "byteRcvLossTotal", &TrafficCounters::byteRcvLoss},
    {"byteRetrans", "byteRetransTotal", &TrafficCounters::byteRetrans},
    {"byteSndDrop", "byteSndDropTotal", &TrafficCounters::byteSndDrop},
    {"byteRcvDrop", "byteRcvDropTotal", &TrafficCounters::byteRcvDrop},
    {"byteRcvUndecrypt", "byteRcvUndecryptTotal", &TrafficCounters::byteRcvUndecrypt},
    {"pktSndFilterExtra", "pktSndFilterExtraTotal", &TrafficCounters::pktSndFilterExtra},
    {"pktRcvFilterExtra", "pktRcvFilterExtraTotal", &TrafficCounters::pktRcvFilterExtra},
    {"pktRcvFilterSupply", "pktRcvFilterSupplyTotal", &TrafficCounters::pktRcvFilterSupply},
    {"pktRcvFilterLoss", "pktRcvFilterLossTotal", &TrafficCounters::pktRcvFilterLoss},
};

/// Calls `visit(name, value)` for every field, in libsrt's order; values keep their types
/// (std::int64_t counters, double rates, int sizes) and are references into `s` (const when
/// `s` is), so the one list also reads statistics back by name.
template <class Stats, class Visit>
requires std::is_same_v<std::remove_const_t<Stats>, ConnectionStats>
void visit_stats(Stats& s, Visit&& visit) {
    visit("msTimeStamp", s.msTimeStamp);
    for (const CounterField& c : counter_fields) {
        visit(c.interval_name, s.interval.*c.member);
        visit(c.total_name, s.total.*c.member);
    }
    visit("mbpsSendRate", s.mbpsSendRate);
    visit("mbpsRecvRate", s.mbpsRecvRate);
    visit("usPktSndPeriod", s.usPktSndPeriod);
    visit("pktFlowWindow", s.pktFlowWindow);
    visit("pktFlightSize", s.pktFlightSize);
    visit("msRTT", s.msRTT);
    visit("mbpsBandwidth", s.mbpsBandwidth);
    visit("mbpsMaxBW", s.mbpsMaxBW);
    visit("byteAvailSndBuf", s.byteAvailSndBuf);
    visit("byteAvailRcvBuf", s.byteAvailRcvBuf);
    visit("byteMSS", s.byteMSS);
    visit("pktSndBuf", s.pktSndBuf);
    visit("byteSndBuf", s.byteSndBuf);
    visit("msSndBuf", s.msSndBuf);
    visit("msSndTsbPdDelay", s.msSndTsbPdDelay);
    visit("pktRcvBuf", s.pktRcvBuf);
    visit("byteRcvBuf", s.byteRcvBuf);
    visit("msRcvBuf", s.msRcvBuf);
    visit("msRcvTsbPdDelay", s.msRcvTsbPdDelay);
    visit("pktReorderDistance", s.pktReorderDistance);
}

}  // namespace websrt::core
