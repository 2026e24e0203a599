// The `websrt` command-line tool: one subcommand per job (native-shim/command_line.hpp).
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "command_line.hpp"

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv, argv + argc);
    const int status = websrt::native::run_command_line(args);
    std::cout.flush();
    std::cerr.flush();
    // Without destructors: transmit's stdin thread may still be blocked in read(), holding
    // objects that static destruction would pull from under it.
    std::_Exit(status);
}
