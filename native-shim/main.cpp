// The `websrt` command-line tool: one subcommand per job.
#include <CLI/CLI.hpp>
#include <iostream>

#include "bridge_command.hpp"
#include "impair_command.hpp"
#include "transmit_command.hpp"

int main(int argc, char** argv) {
    CLI::App app{"websrt: SRT (Secure Reliable Transport) tools"};
    app.require_subcommand(1);
    websrt::native::register_transmit_command(app);
    websrt::native::register_impair_command(app);
    websrt::native::register_bridge_command(app);
    try {
        app.parse(argc, argv);  // the subcommand's callback runs the job and exits with its status
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help
        std::cerr << "websrt: " << e.what() << std::endl;
        return 2;
    }
    return 0;
}
