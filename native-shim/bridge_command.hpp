// `websrt bridge`: the WebSocket-to-UDP relay that carries SRT between browsers and SRT peers.
#pragma once

#include <CLI/CLI.hpp>

#include "command_line.hpp"

namespace websrt::native {

/// Adds the subcommand; its parse callback leaves the job (returning the exit status) in `job`.
void register_bridge_command(CLI::App& app, CommandJob& job);

}  // namespace websrt::native
