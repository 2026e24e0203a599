// Human-readable reject codes, for error messages on both sides of a refused connection.
#include "core/reject_reason.hpp"

namespace websrt::core {

std::string describe_reject(int code) {
    switch (static_cast<RejectReason>(code)) {
    case RejectReason::unknown: return "unknown or erroneous";
    case RejectReason::system: return "error in system calls";
    case RejectReason::peer: return "peer rejected connection";
    case RejectReason::resource: return "resource allocation failure";
    case RejectReason::rogue: return "rogue peer or incorrect parameters";
    case RejectReason::backlog: return "listener's backlog exceeded";
    case RejectReason::ipe: return "internal program error";
    case RejectReason::close: return "socket is being closed";
    case RejectReason::version: return "peer version too old";
    case RejectReason::rdv_cookie: return "rendezvous-mode cookie collision";
    case RejectReason::bad_secret: return "incorrect passphrase";
    case RejectReason::unsecure: return "password required or unexpected";
    case RejectReason::message_api: return "MessageAPI/StreamAPI collision";
    case RejectReason::congestion: return "congestion controller type collision";
    case RejectReason::filter: return "packet filter settings error";
    case RejectReason::group: return "group settings collision";
    case RejectReason::timeout: return "connection timeout";
    case RejectReason::crypto: return "cryptographic mode mismatch";
    }
    if (code == reject_forbidden) return "access forbidden by the listener (1403)";
    if (code == reject_not_found) return "resource not found (1404)";
    if (code >= reject_user_base) return "rejected by the application (user code " + std::to_string(code) + ")";
    if (code >= reject_predefined_base) return "rejected by the application (code " + std::to_string(code) + ")";
    return "reject code " + std::to_string(code);
}

}  // namespace websrt::core
