// Per-message options and metadata of the message API (libsrt SRT_MSGCTRL, srt_sendmsg2 and
// srt_recvmsg2): what a sender may say of each message, and what a receiver learns of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/time.hpp"

namespace websrt::core {

/// What send() may be told of one message.
struct SendControl {
    /// Give the message up when it is not sent within this long of its source time (libsrt
    /// msgttl, in ms there; nothing = SRT_MSGTTL_INF). A message not yet sent is skipped; one the
    /// receiver asks for again after it expired is not resent; either way the receiver is told by
    /// a DROPREQ and the sender counts it in pktSndDrop (libsrt CSndBuffer::readData).
    std::optional<Micros> ttl;
    /// The receiver may not deliver it before the messages sent earlier (libsrt inorder). Only
    /// file mode's message API reads it: without it a complete message may overtake one still
    /// missing a packet (ReceiveBuffer's unordered delivery). Live mode delivers in order anyway.
    bool in_order = false;
    /// When the message was made, on the core's clock (libsrt srctime): its timestamp, and so its
    /// play-out time at a live receiver, counts from here instead of from send(). Used only with
    /// TSBPD and the message API, as libsrt (ignored otherwise); never earlier than the
    /// connection's start nor later than `now` (send() answers bad_source_time).
    std::optional<Micros> source_time;
};

/// What receive() may tell of the message it gives (libsrt SRT_MSGCTRL from srt_recvmsg2).
struct MessageInfo {
    std::uint32_t message_number = 0;  // the sender's message number (libsrt msgno), 1 … 2^26 − 1
    std::uint32_t sequence = 0;        // the sequence number of its packet (libsrt pktseq)
    /// When the sender made it, on our clock: the TSBPD base plus its timestamp (libsrt's srctime
    /// is the play-out time, this plus the latency). In file mode (no TSBPD): when it arrived.
    Micros source_time = 0;
};

}  // namespace websrt::core
