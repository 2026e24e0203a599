// SRT wire constants, each defined once and cited to draft-sharabayko-srt (the "draft") or to the
// libsrt 1.5 behaviour it matches (see ../shared/SRT-WIRE-NOTES.md).
#pragma once

#include <cstddef>
#include <cstdint>

namespace websrt::wire {

/// Every SRT packet starts with a 16-byte header of four 32-bit words (draft §3).
inline constexpr std::size_t header_size = 16;

/// Bit 31 of the first header word: 0 data, 1 control (draft §3, "F").
inline constexpr std::uint32_t control_flag = 0x8000'0000u;

/// Control packet types (draft §3.2, Table 1; libsrt UDTMessageType in srtcore/packet.h).
enum class ControlType : std::uint16_t {
    handshake = 0x0000,
    keepalive = 0x0001,
    ack = 0x0002,
    nak = 0x0003,
    congestion_warning = 0x0004,
    shutdown = 0x0005,
    ackack = 0x0006,
    drop_request = 0x0007,
    peer_error = 0x0008,
    user_defined = 0x7FFF,  // libsrt UMSG_EXT: subtype selects an SRT extension message
};

/// Subtypes of ControlType::user_defined, shared with handshake extension block types
/// (draft §3.2.1.1, Table 5; libsrt SRT_CMD_* in srtcore/handshake.h).
enum class ExtensionType : std::uint16_t {
    hsreq = 1,
    hsrsp = 2,
    kmreq = 3,
    kmrsp = 4,
    sid = 5,         // handshake extension only
    congestion = 6,  // handshake extension only
    filter = 7,      // handshake extension only
    group = 8,       // handshake extension only
};

/// Handshake Extension Field flags in a v5 conclusion (draft §3.2.1, "Extension Field").
inline constexpr std::uint16_t hs_ext_hsreq = 0x1;
inline constexpr std::uint16_t hs_ext_kmreq = 0x2;
inline constexpr std::uint16_t hs_ext_config = 0x4;

/// Extension Field of the listener's v5 induction response (draft §3.2.1, "SRT magic code").
inline constexpr std::uint16_t srt_magic_code = 0x4A17;

/// Handshake versions (draft §3.2.1, "Version"): 4 = UDT legacy / HSv5 induction request, 5 = HSv5.
inline constexpr std::uint32_t hs_version_udt4 = 4;
inline constexpr std::uint32_t hs_version_srt5 = 5;

/// Handshake request types (draft §3.2.1, "Handshake Type"; libsrt UDTRequestType).
enum class HandshakeRequest : std::int32_t {
    done = -3,
    agreement = -2,
    conclusion = -1,
    wave_a_hand = 0,
    induction = 1,
};
/// A request type at or above this is a rejection: 1000 + reason code (libsrt URQ_FAILURE_TYPES).
inline constexpr std::int32_t hs_rejection_base = 1000;

/// HSREQ/HSRSP flags (draft §3.2.1.1.1, "SRT Flags"; libsrt SRT_OPT_* in srtcore/handshake.h).
inline constexpr std::uint32_t srt_flag_tsbpd_snd = 0x01;
inline constexpr std::uint32_t srt_flag_tsbpd_rcv = 0x02;
inline constexpr std::uint32_t srt_flag_haicrypt = 0x04;
inline constexpr std::uint32_t srt_flag_tlpktdrop = 0x08;
inline constexpr std::uint32_t srt_flag_nakreport = 0x10;
inline constexpr std::uint32_t srt_flag_rexmitflg = 0x20;
inline constexpr std::uint32_t srt_flag_stream = 0x40;
inline constexpr std::uint32_t srt_flag_filtercap = 0x80;

/// Key-based encryption flags in data packets and KM messages (draft §3.1 "KK", §3.2.2).
enum class EncryptionKey : std::uint8_t { none = 0, even = 1, odd = 2, both = 3 };

/// Packet position flags of a data packet (draft §3.1, "PP").
enum class PacketPosition : std::uint8_t { middle = 0, last = 1, first = 2, solo = 3 };

/// KM message constants (draft §3.2.2; libsrt haicrypt/hcrypt_msg.h).
inline constexpr std::uint8_t km_version = 1;
inline constexpr std::uint8_t km_packet_type = 2;      // HCRYPT_MSG_PT_KM
inline constexpr std::uint16_t km_signature = 0x2029;  // "HAI" PnP vendor id
inline constexpr std::size_t km_fixed_size = 16;       // bytes before the salt
inline constexpr std::size_t key_wrap_icv_size = 8;    // RFC 3394 integrity check value

/// KMRSP error states sent as a single word (libsrt SRT_KM_STATE in srtcore/srt.h).
enum class KmState : std::uint32_t {
    unsecured = 0,
    securing = 1,
    secured = 2,
    no_secret = 3,
    bad_secret = 4,
    bad_crypto_mode = 5,
};

}  // namespace websrt::wire
