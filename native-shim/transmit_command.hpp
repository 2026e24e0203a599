// `websrt transmit <input-uri> <output-uri>`: moves a live stream between SRT and UDP or standard
// input/output, like srt-live-transmit.
#pragma once

#include <CLI/CLI.hpp>

namespace websrt::native {

/// Adds the subcommand; its callback runs the transfer and exits the process with its status.
void register_transmit_command(CLI::App& app);

}  // namespace websrt::native
