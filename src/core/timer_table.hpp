// A connection's deadlines, one slot per kind (quinn-proto's timer.rs): the connection sets the
// slots after each input, next() is the earliest, and handle_timeout() walks the expired ones in
// the enum's order, which is the order their work must be done in.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "core/time.hpp"

namespace websrt::core {

enum class Timer : std::size_t {
    connect_deadline,  // caller: no answer to the handshake within conntimeo (libsrt SRT_ENOSERVER)
    handshake_resend,  // caller: resend the handshake every 250 ms while connecting
    peer_idle,         // nothing heard from the peer for peeridletimeo (libsrt SRT_ECONNLOST)
    full_ack,          // receiver: the periodic full ACK (10 ms)
    periodic_nak,      // receiver: the NAK report of losses still missing
    sender_drop,       // sender: the oldest packet becomes too late (TLPKTDROP)
    key_resend,        // crypto: an unanswered in-band KMREQ is resent
    tail_probe,        // sender: a quiet sender with packets unacknowledged probes its tail
    rexmit_lost,       // sender, arq:onreq: the ACK stays at a packet whose retransmission was lost
    keepalive,         // KEEPALIVE after a second of silence
    data,              // sender: the next pacing slot or retransmission budget (poll_transmit's)
    delivery,          // receiver: the next message's TSBPD time (receive()'s)
    linger,            // graceful close: the peer had its time to acknowledge; close anyway
    played_out,        // graceful close: the last packet sent has been played by the peer
    unread_expiry,     // peer closed: what it sent waits this long for the application to read
    count_,
};

class TimerTable {
public:
    void set(Timer timer, std::optional<Micros> at) { slots_[index(timer)] = at; }
    void stop(Timer timer) { slots_[index(timer)].reset(); }
    void stop_all() { slots_.fill(std::nullopt); }
    [[nodiscard]] std::optional<Micros> get(Timer timer) const { return slots_[index(timer)]; }
    [[nodiscard]] bool expired(Timer timer, Micros now) const {
        const auto& at = slots_[index(timer)];
        return at && *at <= now;
    }
    /// The earliest deadline set, or nothing.
    [[nodiscard]] std::optional<Micros> next() const {
        std::optional<Micros> earliest;
        for (const auto& at : slots_)
            if (at && (!earliest || *at < *earliest)) earliest = at;
        return earliest;
    }

    static constexpr std::size_t size = static_cast<std::size_t>(Timer::count_);

private:
    static constexpr std::size_t index(Timer timer) { return static_cast<std::size_t>(timer); }
    std::array<std::optional<Micros>, size> slots_{};
};

}  // namespace websrt::core
