#include "stats_format.hpp"

#include <sstream>

namespace websrt::native {

namespace {

using Counter = std::int64_t core::TrafficCounters::*;

struct NamedCounter {
    const char* name;
    Counter member;
};

// In the order of libsrt's SRT_TRACEBSTATS.
constexpr NamedCounter counters[] = {
    {"pktSent", &core::TrafficCounters::pktSent},
    {"pktRecv", &core::TrafficCounters::pktRecv},
    {"pktSentUnique", &core::TrafficCounters::pktSentUnique},
    {"pktRecvUnique", &core::TrafficCounters::pktRecvUnique},
    {"pktSndLoss", &core::TrafficCounters::pktSndLoss},
    {"pktRcvLoss", &core::TrafficCounters::pktRcvLoss},
    {"pktRetrans", &core::TrafficCounters::pktRetrans},
    {"pktRcvRetrans", &core::TrafficCounters::pktRcvRetrans},
    {"pktSentACK", &core::TrafficCounters::pktSentACK},
    {"pktRecvACK", &core::TrafficCounters::pktRecvACK},
    {"pktSentNAK", &core::TrafficCounters::pktSentNAK},
    {"pktRecvNAK", &core::TrafficCounters::pktRecvNAK},
    {"pktSndDrop", &core::TrafficCounters::pktSndDrop},
    {"pktRcvDrop", &core::TrafficCounters::pktRcvDrop},
    {"pktRcvUndecrypt", &core::TrafficCounters::pktRcvUndecrypt},
    {"pktRcvBelated", &core::TrafficCounters::pktRcvBelated},
    {"byteSent", &core::TrafficCounters::byteSent},
    {"byteRecv", &core::TrafficCounters::byteRecv},
    {"byteSentUnique", &core::TrafficCounters::byteSentUnique},
    {"byteRecvUnique", &core::TrafficCounters::byteRecvUnique},
    {"byteRcvLoss", &core::TrafficCounters::byteRcvLoss},
    {"byteRetrans", &core::TrafficCounters::byteRetrans},
    {"byteSndDrop", &core::TrafficCounters::byteSndDrop},
    {"byteRcvDrop", &core::TrafficCounters::byteRcvDrop},
    {"byteRcvUndecrypt", &core::TrafficCounters::byteRcvUndecrypt},
};

}  // namespace

nlohmann::ordered_json stats_to_json(const core::ConnectionStats& s) {
    nlohmann::ordered_json j;
    j["msTimeStamp"] = s.msTimeStamp;
    for (const auto& c : counters) {
        j[c.name] = s.interval.*c.member;
        j[std::string(c.name) + "Total"] = s.total.*c.member;
    }
    j["mbpsSendRate"] = s.mbpsSendRate;
    j["mbpsRecvRate"] = s.mbpsRecvRate;
    j["usPktSndPeriod"] = s.usPktSndPeriod;
    j["pktFlowWindow"] = s.pktFlowWindow;
    j["pktFlightSize"] = s.pktFlightSize;
    j["msRTT"] = s.msRTT;
    j["mbpsBandwidth"] = s.mbpsBandwidth;
    j["mbpsMaxBW"] = s.mbpsMaxBW;
    j["byteAvailSndBuf"] = s.byteAvailSndBuf;
    j["byteAvailRcvBuf"] = s.byteAvailRcvBuf;
    j["byteMSS"] = s.byteMSS;
    j["pktSndBuf"] = s.pktSndBuf;
    j["byteSndBuf"] = s.byteSndBuf;
    j["msSndBuf"] = s.msSndBuf;
    j["msSndTsbPdDelay"] = s.msSndTsbPdDelay;
    j["pktRcvBuf"] = s.pktRcvBuf;
    j["byteRcvBuf"] = s.byteRcvBuf;
    j["msRcvBuf"] = s.msRcvBuf;
    j["msRcvTsbPdDelay"] = s.msRcvTsbPdDelay;
    j["pktReorderDistance"] = s.pktReorderDistance;
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
