// The `websrt` command line run in-process (run_command_line): usage errors are status 2 with one
// line, --help is 0, and a whole transfer runs, fails with 1 and can run again in the same
// process — the commands return their status instead of exiting from parse callbacks.
#define BOOST_TEST_MODULE command_line
#include <algorithm>
#include <arpa/inet.h>
#include <boost/test/unit_test.hpp>
#include <iostream>
#include <netinet/in.h>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "command_line.hpp"

namespace {

struct Run {
    int status;
    std::string out;
    std::string err;
};

/// Runs `websrt ARGS…` with std::cout and std::cerr captured.
Run run_websrt(std::vector<std::string> args) {
    args.insert(args.begin(), "websrt");
    std::ostringstream out;
    std::ostringstream err;
    auto* old_out = std::cout.rdbuf(out.rdbuf());
    auto* old_err = std::cerr.rdbuf(err.rdbuf());
    const int status = websrt::native::run_command_line(args);
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    return {status, out.str(), err.str()};
}

/// A UDP port on 127.0.0.1 that is bound (so no one else takes it) and never answers.
class SilentPort {
public:
    SilentPort() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        BOOST_REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        socklen_t size = sizeof address;
        BOOST_REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) == 0);
        port_ = ntohs(address.sin_port);
    }
    ~SilentPort() { ::close(fd_); }
    SilentPort(const SilentPort&) = delete;
    SilentPort& operator=(const SilentPort&) = delete;
    [[nodiscard]] int port() const { return port_; }

private:
    int fd_;
    int port_ = 0;
};

std::size_t lines(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

BOOST_AUTO_TEST_CASE(no_subcommand_is_a_usage_error_with_one_line) {
    const auto run = run_websrt({});
    BOOST_TEST(run.status == 2);
    BOOST_TEST(lines(run.err) == 1u);
}

BOOST_AUTO_TEST_CASE(help_prints_every_subcommand_on_stdout_and_returns_0) {
    const auto run = run_websrt({"--help"});
    BOOST_TEST(run.status == 0);
    for (const char* name : {"transmit", "impair", "bridge"}) BOOST_TEST(run.out.find(name) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(transmit_with_a_bad_uri_returns_2_naming_the_side) {
    const auto run = run_websrt({"transmit", "srt://:9000?latency=abc", "udp://127.0.0.1:9"});
    BOOST_TEST(run.status == 2);
    BOOST_TEST(run.err.find("bad input URI") != std::string::npos, run.err);
    BOOST_TEST(lines(run.err) == 1u);
}

BOOST_AUTO_TEST_CASE(transmit_needs_exactly_one_srt_side) {
    const auto run = run_websrt({"transmit", "udp://:9000", "udp://127.0.0.1:9"});
    BOOST_TEST(run.status == 2);
    BOOST_TEST(run.err.find("exactly one side") != std::string::npos, run.err);
}

BOOST_AUTO_TEST_CASE(impair_refuses_a_loss_over_100_percent) {
    const auto run = run_websrt({"impair", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:9", "--loss", "150"});
    BOOST_TEST(run.status == 2);
    BOOST_TEST(!run.err.empty());
}

BOOST_AUTO_TEST_CASE(bridge_refuses_a_static_folder_that_does_not_exist) {
    const auto run = run_websrt({"bridge", "--listen", "127.0.0.1:0", "--static", "/nonexistent/websrt-test"});
    BOOST_TEST(run.status == 2);
    BOOST_TEST(run.err.find("is not a directory") != std::string::npos, run.err);
}

BOOST_AUTO_TEST_CASE(a_caller_nobody_answers_returns_1_and_the_command_runs_again) {
    const SilentPort silent;
    const std::string uri = "srt://127.0.0.1:" + std::to_string(silent.port()) + "?conntimeo=300";
    for (int attempt = 0; attempt < 2; ++attempt) {
        const auto run = run_websrt({"transmit", uri, "udp://127.0.0.1:9"});
        BOOST_TEST(run.status == 1);
        BOOST_TEST(run.err.find("timed out") != std::string::npos, run.err);
    }
}
