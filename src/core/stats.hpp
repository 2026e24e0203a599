// Connection statistics with libsrt's names and meanings (srtcore/srt.h SRT_TRACEBSTATS,
// docs/API/statistics.md): *Total counters since the connection started, the same names without
// "Total" for the interval since the last read that cleared it, and instantaneous values.
#pragma once

#include <cstdint>

namespace websrt::core {

/// Counters kept twice: since the start and since the last interval reset.
struct TrafficCounters {
    std::int64_t pktSent = 0;
    std::int64_t pktRecv = 0;
    std::int64_t pktSentUnique = 0;
    std::int64_t pktRecvUnique = 0;
    std::int64_t pktSndLoss = 0;
    std::int64_t pktRcvLoss = 0;
    std::int64_t pktRetrans = 0;
    std::int64_t pktRcvRetrans = 0;
    std::int64_t pktSentACK = 0;
    std::int64_t pktRecvACK = 0;
    std::int64_t pktSentNAK = 0;
    std::int64_t pktRecvNAK = 0;
    std::int64_t pktSndDrop = 0;
    std::int64_t pktRcvDrop = 0;
    std::int64_t pktRcvUndecrypt = 0;
    std::int64_t pktRcvBelated = 0;
    std::int64_t byteSent = 0;
    std::int64_t byteRecv = 0;
    std::int64_t byteSentUnique = 0;
    std::int64_t byteRecvUnique = 0;
    std::int64_t byteRcvLoss = 0;
    std::int64_t byteRetrans = 0;
    std::int64_t byteSndDrop = 0;
    std::int64_t byteRcvDrop = 0;
    std::int64_t byteRcvUndecrypt = 0;
    // The packet filter (FEC): packets it sent and received besides data, lost packets it
    // rebuilt, and losses it gave up on (libsrt's pkt*Filter* counters).
    std::int64_t pktSndFilterExtra = 0;
    std::int64_t pktRcvFilterExtra = 0;
    std::int64_t pktRcvFilterSupply = 0;
    std::int64_t pktRcvFilterLoss = 0;
};

struct ConnectionStats {
    std::int64_t msTimeStamp = 0;  // time since the connection started
    TrafficCounters total;
    TrafficCounters interval;
    std::int64_t interval_us = 0;  // length of the interval the `interval` counters cover

    // Rates over the interval, in Mbit/s as libsrt reports them.
    double mbpsSendRate = 0;
    double mbpsRecvRate = 0;

    // Instantaneous values.
    double usPktSndPeriod = 0;
    int pktFlowWindow = 0;
    int pktFlightSize = 0;
    double msRTT = 0;
    double mbpsBandwidth = 0;
    double mbpsMaxBW = 0;
    int byteAvailSndBuf = 0;
    int byteAvailRcvBuf = 0;
    int byteMSS = 0;
    int pktSndBuf = 0;
    int byteSndBuf = 0;
    int msSndBuf = 0;
    int msSndTsbPdDelay = 0;
    int pktRcvBuf = 0;
    int byteRcvBuf = 0;
    int msRcvBuf = 0;
    int msRcvTsbPdDelay = 0;
    int pktReorderDistance = 0;
};

}  // namespace websrt::core
