// native-shim/bridge_policy.hpp: which WebSocket upgrades `websrt bridge` admits (/srt only, from
// allowed origins, to an allowlisted IP:PORT, under the session cap) and the status of each refusal.
#include "bridge_policy.hpp"

#define BOOST_TEST_MODULE bridge_policy
#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

using websrt::native::AllowedTarget;
using websrt::native::BridgeDecision;
using websrt::native::BridgePolicy;
using websrt::native::parse_host_port;
using websrt::native::parse_ip_literal;

namespace {

AllowedTarget allowed(const char* address, std::uint16_t port) {
    const auto literal = parse_ip_literal(address);
    BOOST_REQUIRE(literal);
    return {*literal, port};
}

/// The policy of `websrt bridge --allow 127.0.0.1:9000 --allow [2001:db8::5]:9001` with the
/// given --origin list and --max-sessions.
BridgePolicy policy(std::vector<std::string> origins = {}, int max_sessions = 4) {
    auto created = BridgePolicy::create({allowed("127.0.0.1", 9000), allowed("2001:db8::5", 9001)}, std::move(origins),
                                        max_sessions);
    BOOST_REQUIRE(created.ok());
    return created.value();
}

/// "status: reason" of a decision, so that a failed check shows why it was refused.
std::string verdict(const BridgeDecision& decision) {
    return std::to_string(decision.status) + (decision.ok ? " ok" : ": " + decision.reason);
}

int status_of(const BridgeDecision& decision) {
    BOOST_TEST(decision.ok == (decision.status == 101), verdict(decision));
    return decision.status;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_upgrade_to_an_allowlisted_target_is_admitted_with_the_address_to_relay_to) {
    const BridgePolicy bridge = policy();
    const BridgeDecision v4 = bridge.admit("/srt?target=127.0.0.1:9000", "http://localhost:8080", 0);
    BOOST_TEST(v4.ok, verdict(v4));
    BOOST_TEST(v4.status == 101);
    BOOST_TEST(v4.target_host == "127.0.0.1");
    BOOST_TEST(v4.target_port == 9000);

    const BridgeDecision v6 = bridge.admit("/srt?target=[2001:DB8:0::5]:9001", "", 3);
    BOOST_TEST(v6.ok, verdict(v6));
    BOOST_TEST(v6.target_host == "2001:db8::5");  // the canonical form, brackets removed
    BOOST_TEST(v6.target_port == 9001);

    // A dual-stack spelling of an allowlisted IPv4 address, a percent-encoded target and other
    // query parameters around it are the same target.
    for (const char* request : {"/srt?target=[::ffff:127.0.0.1]:9000", "/srt?target=127.0.0.1%3A9000",
                                "/srt?latency=200&target=127.0.0.1:9000&streamid=x"}) {
        const BridgeDecision d = bridge.admit(request, "", 0);
        BOOST_TEST(d.ok, request << " → " << verdict(d));
        BOOST_TEST(d.target_host == "127.0.0.1", request);
        BOOST_TEST(d.target_port == 9000, request);
    }
}

BOOST_AUTO_TEST_CASE(upgrades_are_served_on_srt_only_before_anything_else_is_looked_at) {
    const BridgePolicy bridge = policy({"https://app.example"});
    for (const char* request : {"/", "", "/srt/", "/SRT?target=127.0.0.1:9000", "/srtx?target=127.0.0.1:9000",
                                "/srt/../srt?target=127.0.0.1:9000", "srt?target=127.0.0.1:9000",
                                "http://bridge/srt?target=127.0.0.1:9000", "/static/srt"}) {
        // Even from an origin that is not allowed: nothing else is said about the request.
        const BridgeDecision d = bridge.admit(request, "https://evil.example", 0);
        BOOST_TEST(status_of(d) == 404, request << " → " << verdict(d));
    }
}

BOOST_AUTO_TEST_CASE(without_origin_settings_only_local_pages_and_clients_sending_no_origin_are_admitted) {
    const BridgePolicy bridge = policy();
    for (const char* origin : {"", "http://localhost", "http://localhost:8080", "https://localhost:8443",
                               "http://127.0.0.1", "https://127.0.0.1:3000", "http://[::1]", "https://[::1]:8443"}) {
        const BridgeDecision d = bridge.admit("/srt?target=127.0.0.1:9000", origin, 0);
        BOOST_TEST(d.ok, origin << " → " << verdict(d));
    }
    // Names that merely start like a local origin are other sites.
    for (const char* origin : {"http://localhost.evil.example", "http://localhostevil", "http://127.0.0.1.nip.io",
                               "https://127.0.0.10", "http://[::1].evil.example", "https://evil.example", "null",
                               "file://", "ws://localhost", "localhost", "http://evil.example/http://localhost"}) {
        const BridgeDecision d = bridge.admit("/srt?target=127.0.0.1:9000", origin, 0);
        BOOST_TEST(status_of(d) == 403, origin << " → " << verdict(d));
        BOOST_TEST(d.reason.find("--origin") != std::string::npos, d.reason);
    }
}

BOOST_AUTO_TEST_CASE(configured_origins_match_exactly_and_replace_the_local_default) {
    const BridgePolicy bridge = policy({"https://app.example", "http://localhost:5173"});
    BOOST_TEST(bridge.admit("/srt?target=127.0.0.1:9000", "https://app.example", 0).ok);
    BOOST_TEST(bridge.admit("/srt?target=127.0.0.1:9000", "http://localhost:5173", 0).ok);
    for (const char* origin :
         {"", "http://localhost", "http://localhost:8080", "https://app.example:443", "https://app.example/",
          "https://APP.example", "http://app.example", "https://app.example.evil.example", "https://app.exampl"}) {
        const BridgeDecision d = bridge.admit("/srt?target=127.0.0.1:9000", origin, 0);
        BOOST_TEST(status_of(d) == 403, origin << " → " << verdict(d));
    }
}

BOOST_AUTO_TEST_CASE(a_missing_or_malformed_target_or_a_name_instead_of_an_ip_is_a_bad_request) {
    const BridgePolicy bridge = policy();
    for (const char* request : {"/srt",
                                "/srt?",
                                "/srt?target",
                                "/srt?target=",
                                "/srt?targets=127.0.0.1:9000",
                                "/srt?xtarget=127.0.0.1:9000",
                                "/srt?Target=127.0.0.1:9000",
                                "/srt?target=127.0.0.1",
                                "/srt?target=127.0.0.1:",
                                "/srt?target=:9000",
                                "/srt?target=127.0.0.1:0",
                                "/srt?target=127.0.0.1:65536",
                                "/srt?target=127.0.0.1:4294976296",
                                "/srt?target=127.0.0.1:-1",
                                "/srt?target=127.0.0.1:+9000",
                                "/srt?target=127.0.0.1:9000x",
                                "/srt?target=127.0.0.1: 9000",
                                "/srt?target=127.0.0.1%3",
                                "/srt?target=%zz127.0.0.1:9000",
                                "/srt?target=[]:9000",
                                "/srt?target=[::1:9000",
                                "/srt?target=[::1]",
                                "/srt?target=localhost:9000",
                                "/srt?target=bridge.example:9000",
                                "/srt?target=0x7f.0.0.1:9000",
                                "/srt?target=127.1:9000",
                                "/srt?target=[fe80::1%25eth0]:9000",
                                "/srt?target=127.0.0.1%00:9000"}) {
        const BridgeDecision d = bridge.admit(request, "", 0);
        BOOST_TEST(status_of(d) == 400, request << " → " << verdict(d));
    }
    // inet_pton stops at a NUL; the text after one must not be ignored.
    BOOST_TEST(!parse_ip_literal(std::string_view("127.0.0.1\0junk", 14)));
}

BOOST_AUTO_TEST_CASE(a_target_off_the_allowlist_is_forbidden_whichever_way_it_is_spelt) {
    const BridgePolicy bridge = policy();
    for (const char* request : {"/srt?target=127.0.0.1:9001", "/srt?target=127.0.0.2:9000",
                                "/srt?target=[::1]:9000",  // loopback, but not the allowlisted family
                                "/srt?target=[2001:db8::5]:9000", "/srt?target=0.0.0.0:9000",
                                // A second target cannot smuggle in past the first: the first is the one.
                                "/srt?target=203.0.113.9:9000&target=127.0.0.1:9000"}) {
        const BridgeDecision d = bridge.admit(request, "", 0);
        BOOST_TEST(status_of(d) == 403, request << " → " << verdict(d));
        BOOST_TEST(d.reason.find("--allow") != std::string::npos, d.reason);
        BOOST_TEST(d.target_host.empty());
    }
    const auto nothing_allowed = BridgePolicy::create({}, {}, 4);
    BOOST_REQUIRE(nothing_allowed.ok());
    BOOST_TEST(status_of(nothing_allowed.value().admit("/srt?target=127.0.0.1:9000", "", 0)) == 403);
}

BOOST_AUTO_TEST_CASE(the_session_cap_refuses_at_the_cap_and_only_requests_that_would_otherwise_be_admitted) {
    const BridgePolicy bridge = policy({}, 2);
    BOOST_TEST(bridge.admit("/srt?target=127.0.0.1:9000", "", 1).ok);
    const BridgeDecision full = bridge.admit("/srt?target=127.0.0.1:9000", "", 2);
    BOOST_TEST(status_of(full) == 503, verdict(full));
    BOOST_TEST(full.reason.find("--max-sessions 2") != std::string::npos, full.reason);
    BOOST_TEST(status_of(bridge.admit("/srt?target=127.0.0.1:9000", "", 1000)) == 503);
    // At the cap, every other refusal still says what is wrong with the request.
    BOOST_TEST(status_of(bridge.admit("/", "", 2)) == 404);
    BOOST_TEST(status_of(bridge.admit("/srt?target=127.0.0.1:9000", "https://evil.example", 2)) == 403);
    BOOST_TEST(status_of(bridge.admit("/srt?target=nowhere", "", 2)) == 400);
    BOOST_TEST(status_of(bridge.admit("/srt?target=127.0.0.2:9000", "", 2)) == 403);

    for (const int bad : {0, -1}) {
        const auto refused = BridgePolicy::create({allowed("127.0.0.1", 9000)}, {}, bad);
        BOOST_TEST(!refused.ok());
        BOOST_TEST(refused.error().find("--max-sessions") != std::string::npos, refused.error());
    }
    BOOST_TEST(BridgePolicy::create({}, {}, 1).ok());
}

BOOST_AUTO_TEST_CASE(host_port_splits_at_the_last_colon_and_refuses_ports_outside_1_to_65535) {
    struct Case {
        const char* text;
        const char* host;
        std::uint16_t port;
    };
    for (const Case& c : {Case{"127.0.0.1:9000", "127.0.0.1", 9000}, Case{"[::1]:1", "::1", 1},
                          Case{"name:65535", "name", 65535}, Case{"[2001:db8::5]:9001", "2001:db8::5", 9001}}) {
        const auto parsed = parse_host_port(c.text);
        BOOST_REQUIRE_MESSAGE(parsed.has_value(), c.text);
        BOOST_TEST(parsed->host == c.host, c.text);
        BOOST_TEST(parsed->port == c.port, c.text);
    }
    for (const char* text : {"", ":", "host", "host:", ":9000", "[]:9000", "host:0", "host:65536", "host:99999999999",
                             "host:9000 ", "host: 9000", "host:0x10", "host:-5"})
        BOOST_TEST(!parse_host_port(text), '"' << text << '"');
}

BOOST_AUTO_TEST_CASE(a_refusal_quotes_the_requests_bytes_only_as_printable_text) {
    // The reason goes to the bridge's log line and to the client. A target is percent-decoded, so
    // a request can put any byte in it: a line break would forge log lines, ESC drive the terminal.
    const BridgePolicy bridge = policy();
    for (const char* request :
         {"/srt?target=%0d%0awebsrt%20bridge:%20accepted%20x:9000", "/srt?target=%1b%5b2J127.0.0.1:9000",
          "/srt?target=127.0.0.1%00:9000", "/srt?target=127.0.0.1:9000%0a"}) {
        const BridgeDecision d = bridge.admit(request, "", 0);
        BOOST_TEST(status_of(d) == 400, request);
        std::string shown;  // the reason with every byte outside printable ASCII as \xNN
        for (const char c : d.reason) {
            const auto byte = static_cast<unsigned char>(c);
            if (byte >= 0x20 && byte < 0x7f) {
                shown.push_back(c);
            } else {
                shown += "\\x" + std::string{"0123456789abcdef"[byte >> 4], "0123456789abcdef"[byte & 0xf]};
            }
        }
        const bool printable = shown == d.reason;  // not compared in BOOST_TEST: it would print the raw bytes
        BOOST_TEST(printable, request << " → the reason carries raw bytes: " << shown);
    }
}
