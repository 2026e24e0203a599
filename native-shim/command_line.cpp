#include "command_line.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <vector>

#include "bridge_command.hpp"
#include "impair_command.hpp"
#include "transmit_command.hpp"

namespace websrt::native {

int run_command_line(std::span<const std::string> args) {
    CLI::App app{"websrt: SRT (Secure Reliable Transport) tools"};
    app.require_subcommand(1);
    CommandJob job;
    register_transmit_command(app, job);
    register_impair_command(app, job);
    register_bridge_command(app, job);
    try {
        // CLI11 takes the arguments after the program name, last first.
        std::vector<std::string> reversed(args.rbegin(), args.rend());
        if (!reversed.empty()) reversed.pop_back();
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help
        std::cerr << "websrt: " << e.what() << std::endl;
        return 2;
    }
    return job ? job() : 2;
}

}  // namespace websrt::native
