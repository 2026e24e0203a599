// `websrt bridge`: the WebSocket-to-UDP relay that carries SRT between browsers and SRT peers.
#pragma once

#include <CLI/CLI.hpp>

namespace websrt::native {

void register_bridge_command(CLI::App& app);

}  // namespace websrt::native
