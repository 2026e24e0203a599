// Why a connection was refused: libsrt's reject codes (srtcore/srt.h SRT_REJECT_REASON, and the
// application range SRT_REJC_PREDEFINED 1000+ / SRT_REJC_USERDEFINED 2000+ from access_control.h),
// and how they travel in a handshake's request type.
#pragma once

#include <cstdint>
#include <string>

#include "wire/constants.hpp"

namespace websrt::core {

enum class RejectReason : int {
    unknown = 0,
    system = 1,
    peer = 2,
    resource = 3,
    rogue = 4,
    backlog = 5,
    ipe = 6,
    close = 7,
    version = 8,
    rdv_cookie = 9,
    bad_secret = 10,
    unsecure = 11,
    message_api = 12,
    congestion = 13,
    filter = 14,
    group = 15,
    timeout = 16,
    crypto = 17,  // SRT_REJ_CRYPTO (libsrt >= 1.5.2): the peers' cryptomodes do not match
};

/// Application codes chosen by a listener's accept decision (libsrt access_control.h).
inline constexpr int reject_predefined_base = 1000;  // SRT_REJC_PREDEFINED, e.g. 1403 forbidden
inline constexpr int reject_user_base = 2000;        // SRT_REJC_USERDEFINED
inline constexpr int reject_forbidden = 1403;        // SRT_REJX_FORBIDDEN
inline constexpr int reject_not_found = 1404;        // SRT_REJX_NOTFOUND

/// The handshake request type that carries a reject code (libsrt URQFailure: 1000 + code).
constexpr std::int32_t rejection_request_type(int code) noexcept { return wire::hs_rejection_base + code; }
/// The reject code carried by a rejection request type (libsrt URQFailure inverse).
constexpr int reject_code_of(std::int32_t request_type) noexcept { return request_type - wire::hs_rejection_base; }

/// A one-line explanation, worded as libsrt's srt_rejectreason_str where it has one.
std::string describe_reject(int code);

}  // namespace websrt::core
