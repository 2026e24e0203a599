// Golden vectors: every datagram captured from real libsrt traffic (tests/vectors/*.txt) must
// decode and re-encode to identical bytes, and the captures together must cover every packet kind
// the codec has to handle, so a capture that silently lost a kind fails here.
//
// File format: one datagram per line, "c>l <hex>" (caller to listener) or "l>c <hex>"; lines
// starting with '#' and blank lines are ignored.
#define BOOST_TEST_MODULE vectors
#include <boost/test/unit_test.hpp>
#include <rapidcheck/boost_test.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "wire/packet.hpp"

using namespace websrt::wire;
using namespace websrt::test;

namespace {

struct CapturedDatagram {
    std::string file;  // file name within the vectors directory
    std::size_t line = 0;
    std::string direction;  // "c>l" or "l>c"
    Buffer bytes;
};

struct VectorSet {
    std::vector<std::string> files;
    std::vector<CapturedDatagram> datagrams;
    std::vector<std::string> malformed_lines;  // "file:line: reason"
};

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

VectorSet load_vector_set() {
    namespace fs = std::filesystem;
    VectorSet set;
    const fs::path directory(WEBSRT_VECTORS_DIR);
    std::error_code error;
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(directory, error))
        if (entry.is_regular_file() && entry.path().extension() == ".txt") paths.push_back(entry.path());
    std::sort(paths.begin(), paths.end());

    for (const fs::path& path : paths) {
        const std::string name = path.filename().string();
        set.files.push_back(name);
        std::ifstream in(path);
        std::string raw_line;
        for (std::size_t number = 1; std::getline(in, raw_line); ++number) {
            const std::string line = trim(raw_line);
            if (line.empty() || line[0] == '#') continue;
            const std::string where = name + ":" + std::to_string(number);
            const std::string direction = line.substr(0, 3);
            if ((direction != "c>l" && direction != "l>c") || line.size() < 4 || (line[3] != ' ' && line[3] != '\t')) {
                set.malformed_lines.push_back(where + ": expected \"c>l <hex>\" or \"l>c <hex>\"");
                continue;
            }
            auto bytes = parse_hex(line.substr(4));
            if (!bytes || bytes->empty()) {
                set.malformed_lines.push_back(where + ": bad hex");
                continue;
            }
            set.datagrams.push_back({name, number, direction, std::move(*bytes)});
        }
    }
    return set;
}

/// Loaded once for all test cases.
const VectorSet& vectors() {
    static const VectorSet set = load_vector_set();
    return set;
}

}  // namespace

BOOST_AUTO_TEST_CASE(vector_files_exist_and_every_line_is_well_formed) {
    const VectorSet& set = vectors();
    BOOST_TEST_REQUIRE(!set.files.empty(), "no *.txt vector files in " WEBSRT_VECTORS_DIR);
    BOOST_TEST_MESSAGE(set.datagrams.size() << " datagrams in " << set.files.size() << " files");
    BOOST_TEST(!set.datagrams.empty(), "the vector files hold no datagrams");
    for (const std::string& problem : set.malformed_lines) BOOST_TEST(false, problem);
}

BOOST_AUTO_TEST_CASE(every_captured_datagram_decodes_and_reencodes_to_identical_bytes) {
    const VectorSet& set = vectors();
    BOOST_TEST_REQUIRE(!set.datagrams.empty(), "no captured datagrams in " WEBSRT_VECTORS_DIR);
    std::size_t identical = 0;
    for (const CapturedDatagram& d : set.datagrams) {
        const std::string where = d.file + ":" + std::to_string(d.line) + " (" + d.direction + ")";
        const auto packet = decode_packet(d.bytes);
        if (!packet) {
            BOOST_TEST(false,
                       where << ": decode failed: " << describe(packet.error()) << "\n  datagram: " << hex(d.bytes));
            continue;
        }
        const char* kind = packet_kind(*packet);
        const std::size_t size = encoded_size(*packet);
        Buffer out(std::max(size, d.bytes.size()));
        const auto written = encode_packet(*packet, out);
        if (!written) {
            BOOST_TEST(false, where << ": " << kind << ": encode failed: " << describe(written.error()));
            continue;
        }
        out.resize(*written);
        if (*written != size) {
            BOOST_TEST(false, where << ": " << kind << ": encoded_size " << size << " but wrote " << *written);
        }
        const std::string difference = describe_difference(out, d.bytes);
        if (!difference.empty()) {
            BOOST_TEST(false, where << ": " << kind << ": re-encoding differs, " << difference);
            continue;
        }
        ++identical;
    }
    BOOST_TEST(identical == set.datagrams.size());
}

BOOST_AUTO_TEST_CASE(captures_cover_every_packet_kind_the_codec_must_handle) {
    const VectorSet& set = vectors();
    std::map<std::string, std::size_t> kinds;
    for (const CapturedDatagram& d : set.datagrams) {
        if (const auto packet = decode_packet(d.bytes)) ++kinds[packet_kind(*packet)];
    }
    for (const auto& [kind, count] : kinds) BOOST_TEST_MESSAGE(kind << ": " << count);
    for (const char* required :
         {"handshake", "keepalive", "ack", "nak", "ackack", "shutdown", "data", "user_defined/kmreq"}) {
        BOOST_TEST(kinds.count(required) == 1u, "no captured " << required << " packet in " WEBSRT_VECTORS_DIR);
    }
}
