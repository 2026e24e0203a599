// Sweeps the live scenarios over many seeds and prints delivery and retransmission overhead per
// scenario. Exit status 1 when any seed breaks an invariant; each such seed is printed with the
// command that replays it alone.
//
//   websrt_sim [--seeds N] [--first-seed S] [--scenario TEXT]   sweep (TEXT: part of a name)
//   websrt_sim --random-seeds N [--scenario TEXT]              sweep N fresh seeds (first one printed)
//   websrt_sim --seed-file FILE                                 the once-failing seeds, each in its scenario
//   websrt_sim --scenario TEXT --seed S                         replay one run, verbosely
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>

#include "live_scenario.hpp"

using namespace websrt::sim;

namespace {

struct Options {
    std::uint64_t seeds = 200;
    std::uint64_t first_seed = 1;
    std::string scenario;
    std::string seed_file;
    bool single = false;
};

bool parse(int argc, char** argv, Options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc) return false;
        const std::string value = argv[++i];
        if (arg == "--seeds")
            options.seeds = std::strtoull(value.c_str(), nullptr, 10);
        else if (arg == "--first-seed")
            options.first_seed = std::strtoull(value.c_str(), nullptr, 10);
        else if (arg == "--seed")
            options.first_seed = std::strtoull(value.c_str(), nullptr, 10), options.seeds = 1, options.single = true;
        else if (arg == "--scenario")
            options.scenario = value;
        else if (arg == "--seed-file")
            options.seed_file = value;
        else if (arg == "--random-seeds") {
            options.seeds = std::strtoull(value.c_str(), nullptr, 10);
            // Below 2^48, so that a printed seed is short and every seed after it fits.
            std::random_device device;
            options.first_seed = ((std::uint64_t{device()} << 32 | device()) & ((std::uint64_t{1} << 48) - 1)) + 1;
            std::printf("random seeds %llu..%llu (replay: --first-seed %llu --seeds %llu)\n",
                        static_cast<unsigned long long>(options.first_seed),
                        static_cast<unsigned long long>(options.first_seed + options.seeds - 1),
                        static_cast<unsigned long long>(options.first_seed),
                        static_cast<unsigned long long>(options.seeds));
        } else
            return false;
    }
    return options.seeds > 0;
}

void print_run(const LiveOutcome& o) {
    std::printf(
        "  seed %llu: RTT %lld ms, latency %d ms, sent %d, delivered %d, dropped %lld, retransmitted %lld, "
        "delay %lld..%lld µs, undecodable %llu\n",
        static_cast<unsigned long long>(o.seed), static_cast<long long>(o.rtt / 1000), o.latency_ms, o.sent,
        o.delivered, static_cast<long long>(o.counted_dropped), static_cast<long long>(o.retransmitted),
        static_cast<long long>(o.min_delay), static_cast<long long>(o.max_delay),
        static_cast<unsigned long long>(o.undecodable));
    if (!o.closed.empty()) std::printf("    closed: %s\n", o.closed.c_str());
    for (const auto& v : o.violations) std::printf("    violation: %s\n", v.c_str());
}

/// Replay detail: the messages delivered later than the earliest delay by more than 1 ms.
void print_late(const LiveOutcome& o) {
    int shown = 0;
    for (const auto& [index, delay] : o.delays)
        if (delay > o.min_delay + 1000 && shown++ < 20)
            std::printf("    message %u: delay %lld µs\n", index, static_cast<long long>(delay));
}

/// Runs each "SEED<TAB>SCENARIO NAME" line of `path` ('#' starts a comment): seeds that once
/// broke an invariant, kept so that the fix stays fixed. 0 when all pass, 1 when one fails, 2
/// when the file or a line is bad.
int run_seed_file(const std::string& path, const char* program) {
    std::ifstream file(path);
    if (!file) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        return 2;
    }
    const auto scenarios = standard_live_scenarios();
    int runs = 0, failures = 0;
    std::string line;
    for (int number = 1; std::getline(file, line); ++number) {
        if (line.empty() || line[0] == '#') continue;
        const auto tab = line.find('\t');
        const std::string name = tab == std::string::npos ? "" : line.substr(tab + 1);
        const auto scenario =
            std::find_if(scenarios.begin(), scenarios.end(), [&](const LiveScenario& s) { return s.name == name; });
        char* end = nullptr;
        const std::uint64_t seed = std::strtoull(line.c_str(), &end, 10);
        if (tab == std::string::npos || end != line.c_str() + tab || scenario == scenarios.end()) {
            std::fprintf(stderr, "%s:%d: expected SEED<TAB>an exact scenario name\n", path.c_str(), number);
            return 2;
        }
        ++runs;
        const LiveOutcome outcome = run_live(*scenario, seed);
        if (outcome.violations.empty()) continue;
        ++failures;
        print_run(outcome);
        std::printf("    replay: %s --scenario '%s' --seed %llu\n", program, name.c_str(),
                    static_cast<unsigned long long>(seed));
    }
    std::printf("%s: %d once-failing seeds run, %d failed\n", path.c_str(), runs, failures);
    return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse(argc, argv, options)) {
        std::fprintf(stderr,
                     "usage: websrt_sim [--seeds N] [--first-seed S] [--scenario TEXT] | --random-seeds N | "
                     "--seed-file FILE | --scenario TEXT --seed S\n");
        return 2;
    }
    if (!options.seed_file.empty()) return run_seed_file(options.seed_file, argv[0]);
    int failures = 0;
    bool matched = false;
    std::printf("%-48s %6s %11s %11s %10s %9s %8s\n", "scenario", "seeds", "delivered", "worst seed", "overhead",
                "dropped", "failed");
    for (const LiveScenario& scenario : standard_live_scenarios()) {
        if (!options.scenario.empty() && scenario.name.find(options.scenario) == std::string::npos) continue;
        matched = true;
        double delivered_sum = 0;
        double worst = 1;
        double overhead_sum = 0;
        std::int64_t dropped = 0;
        std::uint64_t undecodable = 0;
        int failed = 0;
        const std::uint64_t seeds =
            scenario.max_seeds > 0 && !options.single
                ? std::min<std::uint64_t>(options.seeds, static_cast<std::uint64_t>(scenario.max_seeds))
                : options.seeds;
        for (std::uint64_t seed = options.first_seed; seed < options.first_seed + seeds; ++seed) {
            const LiveOutcome outcome = run_live(scenario, seed);
            delivered_sum += outcome.delivery_ratio();
            worst = std::min(worst, outcome.delivery_ratio());
            overhead_sum += outcome.overhead();
            dropped += outcome.counted_dropped;
            undecodable += outcome.undecodable;
            if (options.single) {
                print_run(outcome);
                print_late(outcome);
            }
            if (outcome.violations.empty()) continue;
            ++failed;
            if (!options.single) {
                print_run(outcome);
                std::printf("    replay: %s --scenario '%s' --seed %llu\n", argv[0], scenario.name.c_str(),
                            static_cast<unsigned long long>(seed));
            }
        }
        if (delivered_sum / static_cast<double>(seeds) < scenario.min_mean_delivery_ratio) {
            std::printf("  '%s' delivered less than %.1f %% over all seeds\n", scenario.name.c_str(),
                        100 * scenario.min_mean_delivery_ratio);
            ++failed;
        }
        // Damaged datagrams must reach the core and be counted there, not just survive.
        if ((scenario.corrupt_percent > 0 || scenario.truncate_percent > 0) && undecodable == 0) {
            std::printf("  no undecodable datagram was counted in '%s'\n", scenario.name.c_str());
            ++failed;
        }
        const double n = static_cast<double>(seeds);
        std::printf("%-48s %6llu %10.3f%% %10.3f%% %9.1f%% %9lld %8d\n", scenario.name.c_str(),
                    static_cast<unsigned long long>(seeds), 100 * delivered_sum / n, 100 * worst,
                    100 * overhead_sum / n, static_cast<long long>(dropped), failed);
        std::fflush(stdout);
        failures += failed;
    }
    if (!matched) {
        std::fprintf(stderr, "no scenario matches '%s'\n", options.scenario.c_str());
        return 2;
    }
    return failures == 0 ? 0 : 1;
}
