// `websrt impair`: a UDP relay that impairs both directions with a seeded link model, so that
// libsrt and websrt can be measured through the same bad link.
#pragma once

#include <CLI/CLI.hpp>

#include "command_line.hpp"

namespace websrt::native {

/// Adds the subcommand; its parse callback leaves the job (returning the exit status) in `job`.
void register_impair_command(CLI::App& app, CommandJob& job);

}  // namespace websrt::native
