// One SRT connection in live mode: the HSv5 caller handshake, then the sender (send buffer,
// retransmission on NAK, LiveCC pacing, too-late drop with DROPREQ), the receiver (loss
// detection, immediate and periodic NAK, full and light ACK, TSBPD delivery with too-late drop)
// and the connection's upkeep (ACKACK/RTT, keepalive, idle expiry, SHUTDOWN), all sans-IO.
//
// The Endpoint creates connections, hands them decoded packets addressed to them, and drains
// their output. A listener's connection starts life connected (the Endpoint ran the handshake).
// Member functions are split over connection*.cpp files by concern.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.hpp"
#include "core/ack_history.hpp"
#include "core/call_results.hpp"
#include "core/connection_config.hpp"
#include "core/connection_crypto.hpp"
#include "core/endpoint_events.hpp"
#include "core/fec_receiver.hpp"
#include "core/fec_sender.hpp"
#include "core/file_congestion.hpp"
#include "core/handshake_exchange.hpp"
#include "core/live_pacing.hpp"
#include "core/message_control.hpp"
#include "core/receive_buffer.hpp"
#include "core/receive_rate_meter.hpp"
#include "core/receiver_loss_list.hpp"
#include "core/rendezvous_exchange.hpp"
#include "core/retransmit_budget.hpp"
#include "core/rtt_estimator.hpp"
#include "core/send_buffer.hpp"
#include "core/sender_loss_list.hpp"
#include "core/socket_address.hpp"
#include "core/stats.hpp"
#include "core/time.hpp"
#include "core/timer_table.hpp"
#include "core/tsbpd_time.hpp"
#include "wire/packet.hpp"

namespace websrt::core {

/// inducing, concluding: a caller's handshake; meeting: a rendezvous handshake (its phase in
/// Connection); connected; closed.
enum class ConnectionState { inducing, concluding, meeting, connected, closed };

/// Timer periods and limits, each the libsrt behaviour it matches.
namespace timing {
/// Handshake resent every 250 ms while connecting (libsrt CUDT::startConnect, m_tsNextSendTime).
inline constexpr Micros handshake_resend = milliseconds(250);
/// A rendezvous waits ten connect timeouts for its peer (libsrt startConnect: the rendezvous
/// queue's TTL is 10 × SRTO_CONNTIMEO, 30 s by default).
inline constexpr int rendezvous_connect_timeout_factor = 10;
/// Full ACK period: SYN interval 10 ms (libsrt COMM_SYN_INTERVAL_US).
inline constexpr Micros full_ack_period = milliseconds(10);
/// A light ACK goes out after this many packets without one (libsrt SELF_CLOCK_INTERVAL).
inline constexpr int light_ack_packets = 64;
/// Periodic NAK never more often than 20 ms (libsrt checkNAKTimer: m_iMinNakInterval_us).
inline constexpr Micros min_nak_period = milliseconds(20);
/// KEEPALIVE after 1 s without sending anything (libsrt COMM_KEEPALIVE_PERIOD_US).
inline constexpr Micros keepalive_period = seconds(1);
/// Sender drop threshold floor and margin: max(peer latency + snddropdelay, 1000 ms) + 20 ms
/// (libsrt CUDT::sendmsg2 / m_iSndDropDelay handling, SRT_TLPKTDROP_MINTHRESHOLD_MS).
inline constexpr Micros sender_drop_floor = milliseconds(1000);
inline constexpr Micros sender_drop_margin = milliseconds(20);
/// The tail loss probe waits at least this long after the last send or ACK progress: the
/// periodic NAK's floor plus one full-ACK period, so the receiver has had its chance to report.
inline constexpr Micros min_tail_probe_wait = min_nak_period + full_ack_period;
/// How far beyond its latency a data packet may claim to be due before it is taken as damaged:
/// far more than the drift tracer ever moves the base (5 ms steps) or clocks drift apart.
inline constexpr Micros max_timestamp_lead = seconds(1);
/// SHUTDOWN is never acknowledged, and libsrt sends it once (CUDT::closeInternal): when that one
/// is lost the peer waits out its idle timeout. A few copies cost 16 bytes each; a peer that has
/// already closed ignores the rest.
inline constexpr int shutdown_copies = 3;
/// A graceful close sends SHUTDOWN only this long after the last packet's play-out time at the
/// peer (its latency after we sent it): a libsrt receiver drops what its TSBPD clock still holds
/// when SHUTDOWN arrives, and the clocks of both sides drift by milliseconds.
inline constexpr Micros played_out_margin = milliseconds(100);
/// Every this many CONCLUSIONs a caller sends an INDUCTION instead, and concludes again with the
/// cookie that comes back. libsrt resends its CONCLUSION with the same cookie until the connect
/// timeout; if the cookie it got was damaged on the way (the simulator's corrupted datagrams found
/// it: UDP's checksum makes it rare, not impossible), every CONCLUSION is refused silently.
inline constexpr int conclusions_per_induction = 4;
/// The 32-bit microsecond timestamp space (draft §3: Timestamp).
inline constexpr std::int64_t timestamp_span = std::int64_t{1} << 32;
}  // namespace timing

/// Why a connection fails when a buffer cannot grow (in WebAssembly: the module's maximum memory).
inline constexpr std::string_view out_of_memory_detail = "out of memory: a buffer could not grow";

class Connection {
public:
    /// A caller (sends an INDUCTION request at once and concludes when answered) or, with
    /// ConnectMode::rendezvous, one side of a rendezvous (waves at once, see rendezvous_exchange.hpp;
    /// its connect timeout is ten times config.connect_timeout, as libsrt's). `random` (which must
    /// outlive the connection) draws the rendezvous cookie and the stream keys when it encrypts.
    Connection(ConnectionId id, Micros now, const SocketAddress& peer, const ConnectionConfig& config,
               wire::SeqNo initial_seq, RandomSource& random, ConnectMode mode = ConnectMode::caller);
    /// A listener's accepted caller, already connected. `response` is resent whenever the caller
    /// repeats its CONCLUSION (its copy of our answer was lost); `request_timestamp` sets the TSBPD
    /// base (libsrt processSrtMsg_HSREQ). `crypto` holds the keys the handshake agreed on, if any
    /// (the response's KMRSP views it).
    Connection(ConnectionId id, Micros now, const SocketAddress& peer, const ConnectionConfig& config,
               const Negotiated& negotiated, OutgoingHandshake response, std::uint32_t request_timestamp,
               std::unique_ptr<ConnectionCrypto> crypto, RandomSource& random);

    // Endpoint's per-connection calls, with the same contract (endpoint.hpp). `out` is at least
    // Endpoint::max_datagram_size bytes for poll_transmit (the Endpoint checks).
    void handle_packet(Micros now, const wire::Packet& packet);
    std::optional<std::size_t> poll_transmit(Micros now, wire::MutableBytes out);
    [[nodiscard]] std::optional<Micros> next_timeout() const { return timers_.next(); }
    void handle_timeout(Micros now);
    std::optional<Event> poll_event();

    SendOutcome send(Micros now, wire::Bytes message, const SendControl& control);
    Expected<std::size_t, NoMessage> receive(Micros now, wire::MutableBytes out, MessageInfo* info);
    /// The size of the message receive() would give now, or why there is none.
    Expected<std::size_t, NoMessage> ready_message_size(Micros now);
    void close(Micros now, bool graceful, std::optional<Micros> linger);
    /// Ends the connection without a SHUTDOWN: its peer restarted on the same address and port
    /// (a new caller with a new socket id took its place), so nobody is left to tell.
    void supersede();

    [[nodiscard]] ConnectionId id() const { return id_; }
    [[nodiscard]] ConnectionState state() const { return state_; }
    [[nodiscard]] const SocketAddress& peer() const { return peer_; }
    [[nodiscard]] const Negotiated& negotiated() const { return negotiated_; }
    /// The connection's encryption, or null when neither side has a passphrase.
    [[nodiscard]] const ConnectionCrypto* crypto() const { return crypto_.get(); }
    /// Closed, its event delivered, nothing left to send, nor to read: the Endpoint may forget it.
    [[nodiscard]] bool finished() const {
        return state_ == ConnectionState::closed && events_.empty() && control_queue_.empty() &&
               !unread_after_peer_close();
    }
    ConnectionStats stats(Micros now, bool clear_interval);

private:
    // connection.cpp: packet dispatch, the end of a connection, and the work after every input.
    void dispatch_packet(Micros now, const wire::Packet& packet);
    /// Ends the connection with a closed event; SHUTDOWNs already queued still go out.
    void end(CloseReason reason, int reject_code, std::string detail);
    /// A graceful close ends once everything is acknowledged and played out, or its linger is over.
    void check_graceful_close(Micros now);
    [[nodiscard]] Micros played_out_time() const;
    void queue_shutdown();
    [[nodiscard]] bool unread_after_peer_close() const { return peer_closed_ && receive_buffer_.packets() > 0; }
    /// After each call that may change state: the writable event, a graceful close's progress,
    /// and every timer from the state (the one place timers are set).
    void settle(Micros now);
    void update_timers();

    // connection_handshake.cpp: the caller's side of the handshake.
    void handle_handshake(Micros now, const wire::ControlPacket& packet);
    void queue_caller_handshake(Micros now);
    /// `peer_start_time`: when the peer's clock read 0, on ours (the TSBPD base).
    void become_connected(Micros now, const Negotiated& negotiated, Micros peer_start_time);
    void fail(CloseReason reason, int reject_code, std::string detail);
    /// An event of `kind` about this connection (its id, peer and stream id filled in).
    [[nodiscard]] Event connection_event(EventKind kind) const;
    /// fail() with CloseReason::rejected, the reject code and its description as the detail.
    void fail_rejected(int code);
    void start_encryption(std::size_t advertised_key_size);
    [[nodiscard]] bool reject_for_key_material(const wire::Handshake& response);
    /// The caller's packet filter from the listener's response into `negotiated`; true when it
    /// refused it (SRT_REJ_FILTER) and the connection has failed.
    [[nodiscard]] bool reject_for_packet_filter(const wire::Handshake& response, Negotiated& negotiated);
    /// Fails with `code` after the listener admitted us, and tells it so with a SHUTDOWN.
    void refuse_admission(int code, const wire::Handshake& response);

    // connection_rendezvous.cpp: both sides of a rendezvous handshake.
    enum class RendezvousPhase { waving, attention, fine, initiated };
    void queue_rendezvous_handshake(Micros now);
    void handle_rendezvous_handshake(Micros now, const wire::ControlPacket& packet, const wire::Handshake& hs);
    /// The responder's step on the initiator's CONCLUSION with HSREQ: negotiate, take its KMREQ,
    /// answer with HSRSP. False when it refused the peer (the connection has failed).
    bool respond_to_hsreq(Micros now, const wire::ControlPacket& packet, const wire::Handshake& hs);
    /// A responder that has answered the HSREQ is connected by the AGREEMENT, or by the peer's
    /// first data or KEEPALIVE (libsrt processConnectResponse "pins" it in).
    void finish_rendezvous_as_responder(Micros now);
    /// Fails the connection with `code` and tells the peer with a rejection handshake.
    void refuse_rendezvous_peer(int code);

    // connection_sender.cpp
    SendOutcome submit(Micros now, wire::Bytes message, const SendControl& control);
    /// Gives up `entry`'s message (its TTL is over) from `entry` on: one DROPREQ up to the
    /// message's last packet sent, each packet counted once.
    void give_up_expired(SendBuffer::Entry& entry);
    /// Counts `dropped` in pktSndDrop and byteSndDrop and tells the receiver (DROPREQ).
    void drop_on_sender(const SendBuffer::DroppedRange& dropped);
    void handle_ack(Micros now, const wire::ControlPacket& packet, const wire::AckBody& ack);
    void handle_nak(Micros now, const wire::NakBody& nak);
    void drop_too_late_on_sender(Micros now);
    std::optional<std::size_t> transmit_data(Micros now, wire::MutableBytes out);
    [[nodiscard]] bool has_data_to_send() const;
    [[nodiscard]] bool may_send_new_data() const;
    /// When transmit_data() has a packet to send: new data when the flight window allows, and
    /// retransmissions when the retransmission budget does; nothing when neither.
    [[nodiscard]] std::optional<Micros> next_data_time() const;
    /// A retransmission's size as charged against the budget: the average packet with its
    /// SRT, UDP and IP headers (libsrt packLostData estimates with m_zSndAveragePacketSize).
    [[nodiscard]] std::size_t retransmission_estimate() const;
    [[nodiscard]] Micros sender_drop_threshold() const;
    /// SRTT + 4·RTTVar + two full-ACK periods: how long an ACK for a packet sent now may take.
    [[nodiscard]] Micros ack_timeout() const;
    [[nodiscard]] std::optional<Micros> tail_probe_time() const;
    /// arq:onreq: when the retransmitted packet the peer's ACK stays at counts as lost again.
    [[nodiscard]] std::optional<Micros> lost_retransmission_time() const;
    /// File mode's retransmission timeout (libsrt LATEREXMIT), or nothing when it cannot fire.
    [[nodiscard]] std::optional<Micros> file_retransmission_time() const;

    // connection_receiver.cpp
    Expected<std::size_t, NoMessage> take_message(Micros now, wire::MutableBytes out, MessageInfo* info);
    /// Once the peer closed, everything that arrived is due at once and gaps can never fill.
    [[nodiscard]] Micros delivery_due_by(Micros now) const { return peer_closed_ ? forever : now; }
    [[nodiscard]] bool delivery_drops_missing() const {
        return peer_closed_ || (config_.too_late_packet_drop && negotiated_.peer_tlpktdrop);
    }
    void handle_data(Micros now, const wire::DataPacket& packet);
    /// A data packet, received or rebuilt by FEC, into loss detection and the receive buffer.
    /// False when it could not be decrypted (counted in pktRcvUndecrypt).
    bool accept_data(Micros now, const wire::DataPacket& packet);
    /// The FEC packet filter's part of a received data packet: FEC packets consumed, lost packets
    /// rebuilt (into accept_data with the packet, in sequence order), arq:onreq's NAK.
    void filter_received(Micros now, const wire::DataPacket& packet);
    /// Builds the agreed packet filter's sender and receiver (at become_connected).
    void start_packet_filter(const Negotiated& negotiated);
    /// Whether SRT NAKs losses itself (always, unless a packet filter says arq:onreq or never).
    [[nodiscard]] bool naks_losses() const { return !fec_config_ || fec_config_->arq == FecArq::always; }
    /// The packet filter's FEC packet due in this send slot, if any.
    std::optional<std::size_t> transmit_fec(Micros now, wire::MutableBytes out);
    [[nodiscard]] bool fec_packet_due() const;
    /// Schedules the next send slot one send period on.
    void pace_next_packet(Micros now);
    void handle_ackack(Micros now, const wire::ControlPacket& packet);
    void handle_drop_request(const wire::DropRequestBody& body, wire::MsgNo msgno);
    void handle_key_material(const wire::ControlPacket& packet);
    /// The payload a received data packet delivers: decrypted, or clear; nothing when it cannot
    /// be decrypted or arrives clear on an encrypted connection (libsrt processData).
    std::optional<wire::Bytes> clear_payload(const wire::DataPacket& packet);
    void send_full_ack(Micros now);
    void send_light_ack();
    void send_periodic_nak(Micros now);
    [[nodiscard]] Micros nak_period() const;

    // connection.cpp
    void queue_control(wire::ControlType type, std::uint32_t type_info, wire::ControlBody body);
    std::optional<std::size_t> encode_control(Micros now, wire::MutableBytes out);
    std::optional<std::size_t> encode_key_material(Micros now, wire::MutableBytes out);
    [[nodiscard]] std::uint32_t timestamp_at(Micros now) const;
    void on_peer_heard(Micros now);
    /// Adds to a counter in both the total and the interval statistics.
    void count(std::int64_t TrafficCounters::*counter, std::int64_t amount = 1) {
        stats_.total.*counter += amount;
        stats_.interval.*counter += amount;
    }

    ConnectionId id_;
    SocketAddress peer_;
    ConnectionConfig config_;
    RandomSource& random_;
    std::unique_ptr<ConnectionCrypto> crypto_;
    // The fec packet filter, when one was agreed (libsrt SRTO_PACKETFILTER).
    std::optional<FecConfig> fec_config_;
    std::optional<FecSender> fec_sender_;
    std::optional<FecReceiver> fec_receiver_;
    ConnectionState state_;
    TimerTable timers_;
    Micros last_now_ = 0;  // the latest `now` given: the closed event's statistics are taken then
    Micros start_time_;    // the epoch of the 32-bit timestamps we send (libsrt m_stats.tsStartTime)
    Negotiated negotiated_;
    std::deque<Event> events_;

    // Handshake (caller).
    wire::SeqNo initial_seq_;
    std::uint32_t cookie_ = 0;
    int conclusions_sent_ = 0;  // CONCLUSIONs sent unanswered (conclusions_per_induction)
    Micros connect_deadline_ = 0;
    Micros next_handshake_send_ = 0;
    std::optional<OutgoingHandshake> handshake_to_send_;
    std::optional<OutgoingHandshake> listener_response_;  // listener: resent on a repeated CONCLUSION
    std::optional<int> refused_answer_;                   // caller: why the last answer we could not accept was refused

    // Handshake (rendezvous). cookie_ is ours, drawn at start.
    RendezvousPhase phase_ = RendezvousPhase::waving;
    RendezvousRole role_ = RendezvousRole::draw;
    std::optional<OutgoingHandshake> responder_conclusion_;  // the HSRSP, resent until connected
    std::optional<Negotiated> responder_negotiated_;         // ... and what it agreed
    Micros responder_peer_start_ = 0;                        // ... with the HSREQ's TSBPD base

    // Closing.
    bool closing_ = false;        // a graceful close waits for acknowledgement and play-out
    Micros linger_deadline_ = 0;  // ... until then at most
    bool peer_closed_ = false;    // the peer sent SHUTDOWN: what arrived is readable at once
    Micros unread_deadline_ = 0;  // ... until then at most
    bool want_writable_ = false;  // send() said buffer_full: a writable event is owed

    // Control packets waiting to go out, ahead of data.
    std::deque<wire::ControlPacket> control_queue_;
    Micros last_send_time_ = 0;
    Micros last_receive_time_ = 0;

    // Sender.
    SendBuffer send_buffer_;
    SenderLossList sender_loss_;
    RetransmitBudget rexmit_budget_;
    LivePacing pacing_;
    // File mode (congestion "file"): FileCC instead of pacing_, the receiver's free buffer from
    // its ACKs as the flow window (libsrt m_iFlowWindowSize), and the retransmission timeouts
    // since the last ACK progress (libsrt m_iReXmitCount, a linear backoff).
    std::optional<FileCongestion> file_cc_;
    int flow_window_pkts_ = 0;
    wire::SeqNo last_full_ack_received_;
    int rexmit_timeouts_ = 0;
    Micros next_data_send_time_ = 0;
    std::optional<Micros> last_submit_time_;  // when the newest message was given to send()
    wire::SeqNo last_ack_received_;
    Micros last_ack_progress_time_ = 0;  // when last_ack_received_ last moved forward
    std::int32_t last_ackack_sent_number_ = 0;
    Micros last_ackack_time_ = 0;
    RttEstimator rtt_;
    PeerRates peer_rates_;

    // Receiver.
    ReceiveBuffer receive_buffer_;
    ReceiverLossList receiver_loss_;  // what is missing and NAKed (arq:onreq: what FEC gave up on)
    TsbpdTime tsbpd_;
    ReceiveRateMeter rate_meter_;
    AckHistory ack_history_;
    std::int32_t last_ack_number_ = 0;
    wire::SeqNo last_full_ack_seq_;
    Micros last_full_ack_time_ = 0;
    bool last_full_ack_confirmed_ = true;  // nothing to acknowledge before the first data
    Micros next_full_ack_time_ = 0;
    Micros next_nak_time_ = 0;
    int packets_since_ack_ = 0;
    bool received_any_data_ = false;
    wire::SeqNo highest_received_;
    std::int32_t reorder_distance_ = 0;

    // Statistics.
    ConnectionStats stats_;
    Micros interval_start_ = 0;
};

}  // namespace websrt::core
