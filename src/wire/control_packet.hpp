// SRT control packets: the common header and the typed bodies of every control type
// (draft-sharabayko-srt §3.2). Unknown types and subtypes are kept as opaque payloads.
#pragma once

#include <variant>
#include <vector>

#include "wire/byte_io.hpp"
#include "wire/constants.hpp"
#include "wire/handshake.hpp"
#include "wire/km_message.hpp"
#include "wire/loss_list.hpp"
#include "wire/result.hpp"
#include "wire/seq.hpp"

namespace websrt::wire {

struct ControlHeader {
    std::uint16_t type = 0;     // 15 bits: a ControlType value or any other number
    std::uint16_t subtype = 0;  // an ExtensionType for ControlType::user_defined
    /// Type-specific information (draft §3.2): the ACK number of ACK and ACKACK, the message number
    /// of DROPREQ, the error code of PEERERROR; zero elsewhere in libsrt.
    std::uint32_t type_info = 0;
    std::uint32_t timestamp_us = 0;
    std::uint32_t dest_socket_id = 0;
    friend bool operator==(const ControlHeader&, const ControlHeader&) = default;

    [[nodiscard]] bool is(ControlType t) const noexcept { return type == static_cast<std::uint16_t>(t); }
};

/// ACK body (draft §3.2.4). libsrt sends three sizes: light (1 word: only the acknowledged
/// sequence number), small (4 words) and full (7 words); it accepts up to 8 (srtcore/core.cpp
/// ACKD_TOTAL_SIZE_*). `word_count` records how many were on the wire; fields past it are zero.
struct AckBody {
    static constexpr std::uint8_t light_words = 1;
    static constexpr std::uint8_t small_words = 4;
    static constexpr std::uint8_t full_words = 7;
    static constexpr std::uint8_t max_words = 8;

    SeqNo last_acknowledged;  // first sequence number not yet received (draft: "Last ACKed")
    std::uint32_t rtt_us = 0;
    std::uint32_t rtt_var_us = 0;
    std::uint32_t available_buffer_pkts = 0;
    std::uint32_t receive_speed_pkts = 0;  // packets per second
    std::uint32_t bandwidth_pkts = 0;      // estimated link capacity, packets per second
    std::uint32_t receive_rate_bytes = 0;  // bytes per second
    std::uint32_t send_rate_pkts = 0;      // libsrt 1.0.2's 8th word; never sent by 1.5
    std::uint8_t word_count = full_words;

    [[nodiscard]] bool is_light() const noexcept { return word_count == light_words; }
    friend bool operator==(const AckBody&, const AckBody&) = default;
};

/// NAK body (draft §3.2.5).
struct NakBody {
    std::vector<LossRange> losses;
    friend bool operator==(const NakBody&, const NakBody&) = default;
};

/// DROPREQ body (draft §3.2.9): the message number is in the header's type_info.
struct DropRequestBody {
    SeqNo first;
    SeqNo last;
    friend bool operator==(const DropRequestBody&, const DropRequestBody&) = default;
};

/// The payload of any control packet without its own structure: KEEPALIVE, SHUTDOWN, ACKACK,
/// CGWARNING and PEERERROR carry 4 zero bytes from libsrt (the draft says none), unknown types
/// carry whatever they carry.
struct OpaqueBody {
    Bytes bytes;
    friend bool operator==(const OpaqueBody& a, const OpaqueBody& b);
};

using ControlBody = std::variant<OpaqueBody, Handshake, AckBody, NakBody, DropRequestBody, SrtHandshakeMessage,
                                 KmMessage, KmErrorReport>;

struct ControlPacket {
    ControlHeader header;
    ControlBody body;
    friend bool operator==(const ControlPacket&, const ControlPacket&) = default;
};

/// Four zero bytes: what libsrt puts after the header of KEEPALIVE, SHUTDOWN, ACKACK, CGWARNING
/// and PEERERROR (srtcore/core.cpp sendCtrl), and what we send too.
inline constexpr std::uint8_t zero_word[4] = {0, 0, 0, 0};

/// Decodes a datagram whose first bit is 1. Views into `datagram` stay valid as long as it does.
Result<ControlPacket> decode_control_packet(Bytes datagram);
void write_control_packet(const ControlPacket& packet, ByteWriter& out);

}  // namespace websrt::wire
