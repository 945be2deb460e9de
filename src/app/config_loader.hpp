// config_loader: fills a config from, in rising precedence, its defaults, a TOML file
// (--config / REKEY_CONFIG), REKEY_* environment variables and command-line flags. Every
// setting is declared once in a table (config_loader.cpp) that names its flag, its variable
// and its TOML key, so the three sources cannot drift apart. REKEY_MASTER_KEY is read from the
// environment only (a flag would show it in `ps`). Not thread-safe; used once at start-up.
#pragma once

#include <memory>
#include <string>

#include "core/config.hpp"

namespace CLI {
class App;
}

namespace rekey {

class config_loader {
 public:
  // Declares the settings' flags (with their environment variables) on `command`.
  explicit config_loader(CLI::App& command);
  ~config_loader();

  // After CLI11 has parsed: builds the config. Throws std::runtime_error with a message that
  // names the bad setting and its source.
  config load() const;
  // The settings of `effective`, one `toml.key = value` line each, in the table's order; the
  // database URL's password and the master key are never shown.
  std::string describe(const config& effective) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rekey
