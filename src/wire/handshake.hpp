// The HANDSHAKE control packet body (draft-sharabayko-srt §3.2.1) with its v5 extension blocks
// (§3.2.1.1–§3.2.1.4), in the order they appear on the wire.
#pragma once

#include <array>
#include <string>
#include <variant>
#include <vector>

#include "wire/byte_io.hpp"
#include "wire/constants.hpp"
#include "wire/km_message.hpp"
#include "wire/result.hpp"
#include "wire/seq.hpp"

namespace websrt::wire {

/// HSREQ/HSRSP body (draft §3.2.1.1): also the body of an HSv4 UMSG_EXT HSREQ/HSRSP message.
struct SrtHandshakeMessage {
    std::uint32_t srt_version = 0;          // 0x00MMmmpp
    std::uint32_t flags = 0;                // srt_flag_*
    std::uint16_t receiver_latency_ms = 0;  // high half of word 2: this side's TSBPD delay
    std::uint16_t sender_latency_ms = 0;    // low half: the delay this side asks of the peer
    Bytes extra;                            // words beyond the three defined ones, kept as sent
    friend bool operator==(const SrtHandshakeMessage& a, const SrtHandshakeMessage& b);
};

/// KMRSP that reports a failure instead of echoing the key material: one word.
struct KmErrorReport {
    KmState state = KmState::unsecured;
    friend bool operator==(const KmErrorReport&, const KmErrorReport&) = default;
};

/// SID, CONGESTION and FILTER blocks: text NUL-padded to a word, each word byte-reversed on the
/// wire by libsrt (srtcore/core.cpp, "HtoNLA"), e.g. "live" travels as "evil".
struct TextExtension {
    std::string text;
    friend bool operator==(const TextExtension&, const TextExtension&) = default;
};

/// GROUP block (libsrt srtcore/core.cpp: GRPD_GROUPID, GRPD_GROUPDATA).
struct GroupExtension {
    std::uint32_t group_id = 0;
    std::uint8_t group_type = 0;
    std::uint8_t group_flags = 0;
    std::uint16_t weight = 0;
    friend bool operator==(const GroupExtension&, const GroupExtension&) = default;
};

/// An extension block whose type we do not interpret, or whose body does not fit its type.
struct OpaqueExtension {
    Bytes body;
    friend bool operator==(const OpaqueExtension& a, const OpaqueExtension& b);
};

using ExtensionBody =
    std::variant<SrtHandshakeMessage, KmMessage, KmErrorReport, TextExtension, GroupExtension, OpaqueExtension>;

struct HandshakeExtension {
    std::uint16_t type = 0;  // ExtensionType value, or any other number for an opaque block
    ExtensionBody body;
    friend bool operator==(const HandshakeExtension&, const HandshakeExtension&) = default;
};

struct Handshake {
    std::uint32_t version = hs_version_srt5;
    std::uint16_t encryption_field = 0;  // v5: pbkeylen/8 (2, 3, 4) or 0; v4: high half of "type"
    std::uint16_t extension_field = 0;   // v5: hs_ext_* flags or srt_magic_code; v4: socket type
    SeqNo initial_seq;
    std::uint32_t mss = 1500;
    std::uint32_t flight_window = 8192;
    std::int32_t request_type = static_cast<std::int32_t>(HandshakeRequest::induction);
    std::uint32_t socket_id = 0;
    std::uint32_t cookie = 0;
    /// The peer's IP address in network order (IPv4 in the first four bytes, the rest zero).
    /// libsrt stores it as host-order words, so on the wire each 4-byte group is byte-reversed.
    std::array<std::uint8_t, 16> peer_ip{};
    std::vector<HandshakeExtension> extensions;

    [[nodiscard]] bool is_rejection() const noexcept { return request_type >= hs_rejection_base; }
    friend bool operator==(const Handshake&, const Handshake&) = default;
};

/// Size of the handshake body before any extension block (draft §3.2.1, Figure 5).
inline constexpr std::size_t handshake_body_size = 48;

/// Decodes a handshake body (the control packet payload). Extension blocks are read whenever bytes
/// follow the 48-byte body (libsrt reads them by length, not by the flags); a block that runs past
/// the end is an error. SRT-typed blocks whose size does not fit their type are kept opaque.
Result<Handshake> decode_handshake(Bytes payload);
void write_handshake(const Handshake& handshake, ByteWriter& out);

/// Decodes the body of an extension block of the given type (used for handshakes and UMSG_EXT).
ExtensionBody decode_extension_body(std::uint16_t type, Bytes body);
void write_extension_body(const ExtensionBody& body, ByteWriter& out);

}  // namespace websrt::wire
