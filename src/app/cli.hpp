// cli: the `rekey` command line — `serve` plus the admin commands that talk to a running
// server through the admin API. Single-threaded.
#pragma once

namespace rekey {

// Parses argv and runs the chosen command; returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace rekey
