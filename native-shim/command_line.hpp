// The `websrt` command line as a function: parses argv, runs the one subcommand it names and
// returns the process's exit status, so that main() is one line and tests run commands in-process.
#pragma once

#include <functional>
#include <span>
#include <string>

namespace websrt::native {

/// What a subcommand's parse callback leaves to run once parsing succeeded: the job, returning
/// its exit status. The callbacks never run the job or exit themselves.
using CommandJob = std::function<int()>;

/// Runs `websrt ARGS…` (args[0] is the program name). Returns the command's status: 0 done,
/// 1 the job failed (its reason printed on stderr), 2 a usage error (one line on stderr);
/// `--help` prints the usage on stdout and returns 0.
int run_command_line(std::span<const std::string> args);

}  // namespace websrt::native
