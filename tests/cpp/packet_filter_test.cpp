// The fec packet filter between two Endpoints on the simulator: the FILTER extension's
// negotiation and its refusal, lost packets rebuilt from FEC with no NAK (arq:never), what FEC
// cannot rebuild NAKed (arq:onreq) until it arrives, FEC on an AES-CTR stream, and libsrt's counters.
#define BOOST_TEST_MODULE packet_filter
#include <boost/test/unit_test.hpp>

#include "connection_pair.hpp"
#include "core/payload_cipher.hpp"

using namespace websrt;
using namespace websrt::core;
using namespace websrt::test;

namespace {

constexpr std::size_t message_size = 1316;
constexpr int message_count = 100;

ConnectionConfig with_filter(std::string filter) {
    ConnectionConfig config;
    config.packet_filter = std::move(filter);
    return config;
}

void check_stream_intact(const std::vector<Delivery>& received, int count) {
    BOOST_REQUIRE_EQUAL(received.size(), static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        const auto& message = received[static_cast<std::size_t>(i)].message;
        BOOST_REQUIRE_EQUAL(index_of(message), i);
        BOOST_REQUIRE(std::all_of(message.begin() + 4, message.end(),
                                  [i](std::uint8_t b) { return b == static_cast<std::uint8_t>(i); }));
    }
}

/// Loses every transmission of the data packets `seqs` (FEC packets carrying one of them too).
DropRule lose_data_always(std::vector<std::uint32_t> seqs) {
    return [seqs](std::uint64_t, wire::Bytes datagram) {
        const auto seq = sim::data_sequence_number(datagram);
        return seq && std::find(seqs.begin(), seqs.end(), *seq) != seqs.end();
    };
}

struct FilteredPair {
    ConnectionPair pair;
    std::uint32_t isn = 0;

    FilteredPair(const ConnectionConfig& listener, const ConnectionConfig& caller) : pair(listener) {
        pair.connect(caller);
        pair.sim.run_for(milliseconds(100));
        BOOST_REQUIRE(pair.event(pair.listener, EventKind::accepted));
        isn = caller_connection().negotiated().initial_seq.value();
    }
    const Connection& caller_connection() { return *pair.sim.endpoint(pair.caller).connection(pair.caller_id); }
    const Connection& listener_connection() { return *pair.sim.endpoint(pair.listener).connection(pair.accepted_id()); }
    TrafficCounters caller_totals() {
        return pair.sim.endpoint(pair.caller).stats(pair.caller_id, pair.now(), false)->total;
    }
    TrafficCounters listener_totals() {
        return pair.sim.endpoint(pair.listener).stats(pair.accepted_id(), pair.now(), false)->total;
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_listener_answers_the_callers_filter_and_both_use_the_merge) {
    FilteredPair fp(with_filter("fec,cols:10,arq:never"), with_filter("fec,cols:10,rows:5"));
    const std::string merged = "fec,arq:never,cols:10,layout:staircase,rows:5";
    BOOST_TEST(fp.caller_connection().negotiated().packet_filter == merged);
    BOOST_TEST(fp.listener_connection().negotiated().packet_filter == merged);
}

BOOST_AUTO_TEST_CASE(a_conflicting_filter_is_refused_with_the_filter_code) {
    ConnectionPair pair(with_filter("fec,cols:10"));
    pair.connect(with_filter("fec,cols:20"));
    pair.sim.run_for(milliseconds(500));
    const Event* closed = pair.event(pair.caller, EventKind::closed);
    BOOST_REQUIRE(closed);
    BOOST_TEST(closed->reject_code == static_cast<int>(RejectReason::filter));
    BOOST_REQUIRE(pair.event(pair.listener, EventKind::refused));
    BOOST_TEST(pair.event(pair.listener, EventKind::refused)->reject_code == static_cast<int>(RejectReason::filter));
}

BOOST_AUTO_TEST_CASE(a_listeners_filter_alone_is_dropped_as_libsrt_1_5_5_drops_it) {
    FilteredPair fp(with_filter("fec,cols:10"), {});
    BOOST_TEST(fp.caller_connection().negotiated().packet_filter.empty());
    BOOST_TEST(fp.listener_connection().negotiated().packet_filter.empty());
}

BOOST_AUTO_TEST_CASE(with_arq_never_a_lost_packet_per_row_is_rebuilt_and_nothing_is_naked) {
    FilteredPair fp(with_filter("fec,cols:10,arq:never"), with_filter("fec,cols:10"));
    // One data packet in each of three rows, never to arrive by itself (rows end at +9, +19, …).
    fp.pair.sim.set_drop_rule(fp.pair.caller, fp.pair.listener,
                              lose_data_always({fp.isn + 3, fp.isn + 15, fp.isn + 27}));
    fp.pair.stream(fp.pair.caller, fp.pair.caller_id, message_count, message_size, milliseconds(2));
    fp.pair.sim.run_for(milliseconds(800));
    check_stream_intact(fp.pair.received_by_listener(), message_count);
    const TrafficCounters sender = fp.caller_totals();
    const TrafficCounters receiver = fp.listener_totals();
    BOOST_TEST(receiver.pktSentNAK == 0);
    BOOST_TEST(sender.pktRetrans == 0);
    BOOST_TEST(receiver.pktRcvFilterSupply >= 1);
    BOOST_TEST(sender.pktSndFilterExtra == message_count / 10);
    BOOST_TEST(receiver.pktRcvFilterExtra == sender.pktSndFilterExtra);
    BOOST_TEST(receiver.pktRcvDrop == 0);
}

BOOST_AUTO_TEST_CASE(with_arq_onreq_what_fec_cannot_rebuild_is_naked_once_and_retransmitted) {
    FilteredPair fp(with_filter("fec,cols:10"), with_filter("fec,cols:10"));
    // Two packets of one row: the row's FEC cannot rebuild them.
    fp.pair.sim.set_drop_rule(fp.pair.caller, fp.pair.listener, lose_data_once({fp.isn + 22, fp.isn + 25}));
    fp.pair.stream(fp.pair.caller, fp.pair.caller_id, message_count, message_size, milliseconds(2));
    fp.pair.sim.run_for(milliseconds(800));
    check_stream_intact(fp.pair.received_by_listener(), message_count);
    const TrafficCounters receiver = fp.listener_totals();
    BOOST_TEST(receiver.pktRcvFilterLoss == 2);
    BOOST_TEST(receiver.pktSentNAK == 1);
    BOOST_TEST(fp.caller_totals().pktRetrans == 2);
}

BOOST_AUTO_TEST_CASE(with_arq_onreq_a_lost_retransmission_is_asked_for_again_by_the_periodic_nak) {
    FilteredPair fp(with_filter("fec,cols:10"), with_filter("fec,cols:10"));
    // Two packets of one row, each lost again when first retransmitted: libsrt's receiver asks
    // once only and would lose both.
    fp.pair.sim.set_drop_rule(fp.pair.caller, fp.pair.listener,
                              lose_data_once({fp.isn + 22, fp.isn + 25, fp.isn + 22, fp.isn + 25}));
    fp.pair.stream(fp.pair.caller, fp.pair.caller_id, message_count, message_size, milliseconds(2));
    fp.pair.sim.run_for(milliseconds(800));
    check_stream_intact(fp.pair.received_by_listener(), message_count);
    const TrafficCounters receiver = fp.listener_totals();
    BOOST_TEST(receiver.pktRcvFilterLoss == 2);
    BOOST_TEST(receiver.pktSentNAK >= 2);
    BOOST_TEST(fp.caller_totals().pktRetrans == 4);
    BOOST_TEST(receiver.pktRcvDrop == 0);
}

BOOST_AUTO_TEST_CASE(with_arq_onreq_a_sender_resends_a_lost_retransmission_to_a_receiver_that_asks_once) {
    // 400 ms of latency, as the interop tests use: time for a second round trip after FEC gave up.
    ConnectionConfig config = with_filter("fec,cols:10");
    config.receiver_latency_ms = 400;
    FilteredPair fp(config, config);
    fp.pair.sim.set_drop_rule(fp.pair.caller, fp.pair.listener,
                              lose_data_once({fp.isn + 22, fp.isn + 25, fp.isn + 22, fp.isn + 25}));
    // The receiver's NAKs after its first are lost: it asks once, as libsrt's does with arq:onreq.
    // Its ACK stays at the packet whose retransmission was lost.
    auto naks_seen = std::make_shared<int>(0);
    fp.pair.sim.set_drop_rule(fp.pair.listener, fp.pair.caller, [naks_seen](std::uint64_t, wire::Bytes datagram) {
        return sim::control_type(datagram) == wire::ControlType::nak && ++*naks_seen > 1;
    });
    fp.pair.stream(fp.pair.caller, fp.pair.caller_id, message_count, message_size, milliseconds(2));
    fp.pair.sim.run_for(milliseconds(800));
    check_stream_intact(fp.pair.received_by_listener(), message_count);
    BOOST_TEST(fp.caller_totals().pktRecvNAK == 1);
    BOOST_TEST(fp.caller_totals().pktRetrans == 4);
}

BOOST_AUTO_TEST_CASE(a_data_packet_far_beyond_the_receive_buffer_does_not_reset_fec_which_still_rebuilds_a_loss) {
    // Rows of 10, arq:onreq (libsrt's default): packet 22 is lost, and before row 2's FEC packet
    // (sent after packet 29) a datagram claims sequence number isn + 100,000, beyond what the
    // receive buffer can hold. It is ignored as if lost; FEC must not jump its window there,
    // which would leave packet 22 neither rebuilt nor asked for.
    FilteredPair fp(with_filter("fec,cols:10"), with_filter("fec,cols:10"));
    fp.pair.sim.set_drop_rule(fp.pair.caller, fp.pair.listener, lose_data_once({fp.isn + 22}));
    fp.pair.sim.at(fp.pair.now() + milliseconds(51), [&fp] {
        const std::vector<std::uint8_t> payload(100, 0x5a);
        wire::DataPacket far;
        far.seq = wire::SeqNo(fp.isn + 100'000);
        far.message_number = wire::MsgNo(7);
        far.timestamp_us = 60'000;
        far.dest_socket_id = fp.pair.accepted_id();
        far.payload = payload;
        std::vector<std::uint8_t> datagram(16 + payload.size());
        BOOST_REQUIRE(wire::encode_data_packet(far, datagram));
        fp.pair.sim.endpoint(fp.pair.listener).handle_datagram(fp.pair.now(), caller_address, datagram);
    });
    fp.pair.stream(fp.pair.caller, fp.pair.caller_id, message_count, message_size, milliseconds(2));
    fp.pair.sim.run_for(milliseconds(800));
    check_stream_intact(fp.pair.received_by_listener(), message_count);
    BOOST_TEST(fp.listener_totals().pktRcvFilterSupply == 1);
    BOOST_TEST(fp.caller_totals().pktRetrans == 0);
}

BOOST_AUTO_TEST_CASE(fec_rebuilds_aes_ctr_packets_which_then_decrypt) {
    ConnectionConfig listener = with_filter("fec,cols:5,rows:5,layout:even,arq:never");
    listener.passphrase = "fec-and-aes-passphrase";
    ConnectionConfig caller = listener;
    caller.packet_filter = "fec,cols:5,rows:5";
    FilteredPair fp(listener, caller);
    // Two in one row and one in another column's way: columns, then the row, rebuild them.
    fp.pair.sim.set_drop_rule(fp.pair.caller, fp.pair.listener,
                              lose_data_always({fp.isn + 6, fp.isn + 7, fp.isn + 31}));
    fp.pair.stream(fp.pair.caller, fp.pair.caller_id, message_count, message_size, milliseconds(2));
    fp.pair.sim.run_for(milliseconds(800));
    check_stream_intact(fp.pair.received_by_listener(), message_count);
    BOOST_TEST(fp.listener_totals().pktRcvUndecrypt == 0);
    BOOST_TEST(fp.listener_totals().pktRcvFilterSupply >= 3);
}

BOOST_AUTO_TEST_CASE(an_aes_gcm_packet_rebuilt_from_fec_fails_authentication_and_is_asked_for_with_arq_onreq) {
    ConnectionConfig config = with_filter("fec,cols:5");
    config.passphrase = "fec-and-gcm-passphrase";
    config.crypto_mode = CryptoMode::aes_gcm;
    FilteredPair fp(config, config);
    fp.pair.sim.set_drop_rule(fp.pair.caller, fp.pair.listener, lose_data_once({fp.isn + 2, fp.isn + 13}));
    fp.pair.stream(fp.pair.caller, fp.pair.caller_id, message_count, message_size - gcm_tag_size, milliseconds(2));
    fp.pair.sim.run_for(milliseconds(800));
    check_stream_intact(fp.pair.received_by_listener(), message_count);
    const TrafficCounters receiver = fp.listener_totals();
    BOOST_TEST(receiver.pktRcvFilterSupply == 2);
    BOOST_TEST(receiver.pktRcvUndecrypt == 2);  // the message number is not in the clip, the tag covers it
    BOOST_TEST(fp.caller_totals().pktRetrans == 2);
}
