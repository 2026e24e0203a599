// `websrt transmit <input-uri> <output-uri>`: moves a live stream between SRT and UDP or standard
// input/output, like srt-live-transmit.
#pragma once

#include <CLI/CLI.hpp>

#include "command_line.hpp"

namespace websrt::native {

/// Adds the subcommand; its parse callback leaves the job (returning the exit status) in `job`.
void register_transmit_command(CLI::App& app, CommandJob& job);

}  // namespace websrt::native
