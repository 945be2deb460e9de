// local_commands: the commands that work on this machine's files rather than through a running
// server's admin API — `rekey backup`, `rekey restore`, `rekey config check` and
// `rekey dev tls init` (under the admin commands' `dev`, which must be declared first).
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace rekey {

// One local command, chosen by the command line: returns the exit status.
using local_command = std::function<int()>;

// Declares the commands on `cli`; the one given is put in `chosen` when parsed.
void add_local_commands(CLI::App& cli, local_command& chosen);

}  // namespace rekey
