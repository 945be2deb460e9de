// dev_tls: rekey's local CA for Amazon's host names (crypto/local_ca.hpp) as the developer meets
// it — `rekey dev tls init`, a --dev start — and the lines that make each runtime trust it and
// reach rekey.
#pragma once

#include <string>

#include "app/local_commands.hpp"
#include "crypto/local_ca.hpp"

namespace CLI {
class App;
}

namespace rekey {

// Makes <data_dir>/tls current for Amazon's host names, localhost, 127.0.0.1 and ::1.
local_ca_outcome prepare_local_ca(const std::string& data_dir);

// What to set so that an app trusts the CA and reaches rekey: per runtime, the proxy, the hosts file.
std::string trust_instructions(const local_ca_files& files, const local_ca_outcome& outcome);

// `rekey dev tls init` under the `dev` command.
void add_dev_tls_commands(CLI::App& dev, local_command& chosen);

}  // namespace rekey
