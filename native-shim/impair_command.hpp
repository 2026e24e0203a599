// `websrt impair`: a UDP relay that impairs both directions with a seeded link model, so that
// libsrt and websrt can be measured through the same bad link.
#pragma once

#include <CLI/CLI.hpp>

namespace websrt::native {

void register_impair_command(CLI::App& app);

}  // namespace websrt::native
