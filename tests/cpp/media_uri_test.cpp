// parse_media_uri: srt-live-transmit's URI forms and option names, and errors for everything else.
#define BOOST_TEST_MODULE media_uri
#include <boost/test/unit_test.hpp>

#include "core/media_uri.hpp"

using namespace websrt::core;

namespace {

SrtUri srt(std::string_view text) {
    auto parsed = parse_media_uri(text);
    BOOST_TEST_REQUIRE(parsed.ok(), text << ": " << parsed.error().message);
    BOOST_TEST_REQUIRE(std::holds_alternative<SrtUri>(*parsed));
    return std::get<SrtUri>(*parsed);
}

std::string failure(std::string_view text) {
    auto parsed = parse_media_uri(text);
    BOOST_TEST_REQUIRE(!parsed.ok(), text << " parsed");
    return parsed.error().message;
}

std::string file(std::string_view text) {
    auto parsed = parse_media_uri(text);
    BOOST_TEST_REQUIRE(parsed.ok(), text << ": " << parsed.error().message);
    BOOST_TEST_REQUIRE(std::holds_alternative<FileUri>(*parsed));
    return std::get<FileUri>(*parsed).path;
}

bool mentions(const std::string& message, std::string_view what) { return message.find(what) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_CASE(a_host_makes_a_caller_and_no_host_a_listener) {
    const auto caller = srt("srt://127.0.0.1:9000");
    BOOST_TEST(caller.host == "127.0.0.1");
    BOOST_TEST(caller.port == 9000);
    BOOST_TEST((caller.mode == ConnectMode::caller));
    BOOST_TEST((srt("srt://:9000").mode == ConnectMode::listener));
    BOOST_TEST((srt("srt://0.0.0.0:9000?mode=listener").mode == ConnectMode::listener));
}

BOOST_AUTO_TEST_CASE(ipv6_hosts_are_bracketed) {
    const auto uri = srt("srt://[::1]:9000");
    BOOST_TEST(uri.host == "::1");
    BOOST_TEST(uri.port == 9000);
}

BOOST_AUTO_TEST_CASE(latency_sets_both_directions_and_rcvlatency_peerlatency_one_each) {
    const auto both = srt("srt://h:1?latency=300");
    BOOST_TEST(both.config.receiver_latency_ms == 300);
    BOOST_TEST(both.config.peer_latency_ms == 300);
    const auto split = srt("srt://h:1?rcvlatency=200&peerlatency=400");
    BOOST_TEST(split.config.receiver_latency_ms == 200);
    BOOST_TEST(split.config.peer_latency_ms == 400);
}

BOOST_AUTO_TEST_CASE(pacing_and_timeout_options_keep_libsrt_units) {
    const auto uri =
        srt("srt://h:1?maxbw=5000000&inputbw=1000000&oheadbw=50&conntimeo=1500&peeridletimeo=8000&payloadsize=1456");
    BOOST_TEST(uri.config.max_bw_bytes_per_s == 5'000'000);
    BOOST_TEST(uri.config.input_bw_bytes_per_s == 1'000'000);
    BOOST_TEST(uri.config.overhead_bw_percent == 50);
    BOOST_TEST(uri.config.connect_timeout == milliseconds(1500));
    BOOST_TEST(uri.config.peer_idle_timeout == milliseconds(8000));
    BOOST_TEST(uri.config.payload_size == 1456);
}

BOOST_AUTO_TEST_CASE(linger_is_in_seconds_as_libsrts_and_absent_means_the_cores_default) {
    BOOST_TEST(srt("srt://h:1?linger=7").config.linger.value_or(0) == seconds(7));
    BOOST_TEST(!srt("srt://h:1").config.linger.has_value());
    BOOST_TEST(mentions(failure("srt://h:1?linger=-1"), "linger"));
}

BOOST_AUTO_TEST_CASE(ffmpeg_spellings_are_aliases) {
    BOOST_TEST(srt("srt://h:1?pkt_size=1316").config.payload_size == 1316);
    BOOST_TEST(!srt("srt://h:1?enforced_encryption=0").config.enforced_encryption);
}

BOOST_AUTO_TEST_CASE(encryption_options_set_passphrase_key_length_refresh_and_cipher) {
    const auto uri =
        srt("srt://h:1?passphrase=a%20long%20secret&pbkeylen=32&kmrefreshrate=5000&kmpreannounce=100&cryptomode=2");
    BOOST_TEST(uri.config.passphrase == "a long secret");
    BOOST_TEST(uri.config.pbkey_len == 32);
    BOOST_TEST(uri.config.km_refresh_rate_pkts == 5000);
    BOOST_TEST(uri.config.km_preannounce_pkts == 100);
    BOOST_TEST((uri.config.crypto_mode == CryptoMode::aes_gcm));
    BOOST_TEST((srt("srt://h:1?cryptomode=aes-ctr").config.crypto_mode == CryptoMode::aes_ctr));
    BOOST_TEST(srt("srt://h:1").config.enforced_encryption);  // on by default, as in libsrt
    BOOST_TEST(mentions(failure("srt://h:1?cryptomode=3"), "cryptomode"));
    BOOST_TEST(mentions(failure("srt://h:1?passphrase=" + std::string(81, 'x')), "passphrase"));
}

BOOST_AUTO_TEST_CASE(stream_id_is_percent_decoded) {
    BOOST_TEST(srt("srt://h:1?streamid=%23!::r=live/cam,m=publish").config.stream_id == "#!::r=live/cam,m=publish");
}

BOOST_AUTO_TEST_CASE(unknown_options_are_errors_that_name_the_option) {
    BOOST_TEST(mentions(failure("srt://h:1?latancy=200"), "latancy"));
}

BOOST_AUTO_TEST_CASE(out_of_range_and_malformed_values_are_errors) {
    BOOST_TEST(mentions(failure("srt://h:1?latency=-5"), "latency"));
    BOOST_TEST(mentions(failure("srt://h:1?latency=abc"), "latency"));
    BOOST_TEST(mentions(failure("srt://h:1?payloadsize=1457"), "payloadsize"));
    BOOST_TEST(mentions(failure("srt://h:1?oheadbw=4"), "oheadbw"));
    BOOST_TEST(mentions(failure("srt://h:1?pbkeylen=20"), "pbkeylen"));
    BOOST_TEST(mentions(failure("srt://h:1?passphrase=short"), "passphrase"));
    BOOST_TEST(mentions(failure("srt://h:1?tsbpdmode=maybe"), "tsbpdmode"));
    BOOST_TEST(mentions(failure("srt://h:1?streamid=%zz"), "%"));
}

BOOST_AUTO_TEST_CASE(bad_ports_and_missing_pieces_are_errors) {
    BOOST_TEST(mentions(failure("srt://h"), "port"));
    BOOST_TEST(mentions(failure("srt://h:65536"), "port"));
    BOOST_TEST(mentions(failure("srt://h:12ab"), "port"));
    BOOST_TEST(mentions(failure("srt://[::1:9000"), "IPv6"));
    BOOST_TEST(mentions(failure("srt://:9000?mode=caller"), "host"));
    BOOST_TEST(mentions(failure("localhost:9000"), "not a URI"));
}

BOOST_AUTO_TEST_CASE(only_a_listener_may_ask_for_any_free_port) {
    BOOST_TEST(srt("srt://:0").port == 0);
    BOOST_TEST(srt("srt://127.0.0.1:0?mode=listener").port == 0);
    BOOST_TEST(mentions(failure("srt://h:0"), "only for a listener"));
    BOOST_TEST(mentions(failure("udp://:0"), "port"));
}

BOOST_AUTO_TEST_CASE(a_rendezvous_needs_a_host_and_binds_the_remote_port_unless_told) {
    const SrtUri plain = srt("srt://10.0.0.5:9000?mode=rendezvous");
    BOOST_TEST((plain.mode == ConnectMode::rendezvous));
    BOOST_TEST(bind_port(plain) == 9000);
    BOOST_TEST(bind_port(srt("srt://10.0.0.5:9000?mode=rendezvous&port=7000")) == 7000);
    BOOST_TEST(mentions(failure("srt://:9000?mode=rendezvous"), "rendezvous mode needs a host"));
    // A caller binds any free port unless told; a listener its own.
    BOOST_TEST(bind_port(srt("srt://10.0.0.5:9000")) == 0);
    BOOST_TEST(bind_port(srt("srt://10.0.0.5:9000?port=7000")) == 7000);
    BOOST_TEST(bind_port(srt("srt://:9000")) == 9000);
}

BOOST_AUTO_TEST_CASE(transtype_file_sets_libsrts_file_mode_before_the_other_options) {
    const SrtUri file = srt("srt://h:1?transtype=file");
    BOOST_TEST((file.config.transtype == TransmissionType::file));
    BOOST_TEST(file.config.congestion == "file");
    BOOST_TEST(!file.config.tsbpd);
    BOOST_TEST(!file.config.message_api);
    BOOST_TEST(!file.config.nak_report);
    BOOST_TEST(file.config.receiver_latency_ms == 0);
    BOOST_TEST(file.config.payload_size == 1456);
    // Options are applied after the preset, wherever transtype stands (libsrt's option table).
    const SrtUri messages = srt("srt://h:1?messageapi=1&transtype=file&payloadsize=1000");
    BOOST_TEST(messages.config.message_api);
    BOOST_TEST(messages.config.payload_size == 1000);
    BOOST_TEST(srt("srt://h:1?congestion=vod").config.congestion == "file");
    BOOST_TEST(mentions(failure("srt://h:1?congestion=bbr"), "live or file"));
}

BOOST_AUTO_TEST_CASE(what_is_not_built_yet_says_so) {
    BOOST_TEST(mentions(failure("rtmp://h:1"), "unsupported scheme"));
    BOOST_TEST(mentions(failure("tcp://h:1"), "file:///path"));
}

BOOST_AUTO_TEST_CASE(udp_and_console_uris) {
    auto udp = parse_media_uri("udp://239.0.0.1:5000?adapter=127.0.0.1");
    BOOST_TEST_REQUIRE(udp.ok());
    const auto& parsed = std::get<UdpUri>(*udp);
    BOOST_TEST(parsed.host == "239.0.0.1");
    BOOST_TEST(parsed.port == 5000);
    BOOST_TEST(parsed.adapter.value_or("") == "127.0.0.1");
    BOOST_TEST(mentions(failure("udp://:5000?ttl=4"), "ttl"));
    auto console = parse_media_uri("file://con");
    BOOST_TEST_REQUIRE(console.ok());
    BOOST_TEST(std::holds_alternative<ConsoleUri>(*console));
}

BOOST_AUTO_TEST_CASE(a_file_is_named_by_its_path_as_libsrt_reads_it) {
    // libsrt's uriparser: file:///abs is /abs; a leading "/./" makes the path relative.
    BOOST_TEST(file("file:///tmp/x.ts") == "/tmp/x.ts");
    BOOST_TEST(file("file:///./out/x.ts") == "out/x.ts");
    BOOST_TEST(file("file:///") == "/");
    BOOST_TEST(file("file:///./") == "/./");  // libsrt strips "/./" only before something
    BOOST_TEST(file("file:///tmp/a%20b%3Fc%23d.ts") == "/tmp/a b?c#d.ts");
    BOOST_TEST(file("file:///tmp/%C3%A9t%C3%A9") == "/tmp/\xC3\xA9t\xC3\xA9");
    // file://con is the console, not a file named con.
    auto console = parse_media_uri("file://con");
    BOOST_TEST_REQUIRE(console.ok());
    BOOST_TEST(std::holds_alternative<ConsoleUri>(*console));
}

BOOST_AUTO_TEST_CASE(a_file_uri_without_a_usable_path_is_refused) {
    BOOST_TEST(mentions(failure("file://"), "file:///absolute/path"));
    // libsrt would read file://dir/x.ts as /x.ts, dropping "dir": refused, not guessed.
    BOOST_TEST(mentions(failure("file://dir/x.ts"), "file:///./relative/path"));
    BOOST_TEST(mentions(failure("file://x.ts"), "'file://x.ts'"));
    BOOST_TEST(mentions(failure("file://console"), "file://con"));
    BOOST_TEST(mentions(failure("file:///tmp/x%00.ts"), "NUL"));
    BOOST_TEST(mentions(failure("file:///tmp/x%zz.ts"), "%-escape"));
    BOOST_TEST(mentions(failure("file:///tmp/x.ts%"), "%-escape"));
    BOOST_TEST(mentions(failure("file:///tmp/x.ts?mode=caller"), "no options"));
}

BOOST_AUTO_TEST_CASE(a_latency_the_handshake_cannot_carry_is_refused) {
    // HSREQ carries each TSBPD delay in 16 bits of milliseconds.
    BOOST_TEST(srt("srt://:9000?latency=65535").config.receiver_latency_ms == 65535);
    for (const char* option : {"latency", "rcvlatency", "peerlatency"})
        BOOST_TEST(mentions(failure(std::string("srt://:9000?") + option + "=65536"), option));
}

BOOST_AUTO_TEST_CASE(a_passphrase_never_appears_in_an_error_message) {
    const std::string secret = "hunter2-is-not-a-passphrase";
    for (const std::string& uri : std::vector<std::string>{
             "srt://:9000?passphrase=short&x=1", "srt://:9000?passphrase=" + secret + "&nosuchoption=1",
             "srt://host?passphrase=" + secret, "srt://:9000?passphrase=" + secret + "&mode=caller",
             "srt://:9000?passphrase=" + secret + "%zz"}) {
        const std::string message = failure(uri);
        BOOST_TEST(!mentions(message, secret), message);
        BOOST_TEST(!mentions(message, "short"), message);
    }
}

BOOST_AUTO_TEST_CASE(a_retransmission_limit_takes_libsrt_units) {
    BOOST_TEST(srt("srt://:9000").config.max_rexmit_bw_bytes_per_s == -1);
    BOOST_TEST(srt("srt://:9000?maxrexmitbw=125000").config.max_rexmit_bw_bytes_per_s == 125000);
}
