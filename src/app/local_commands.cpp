#include "app/local_commands.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "app/config_loader.hpp"
#include "app/dev_tls.hpp"
#include "storage/sqlite/sqlite_backup.hpp"

namespace rekey {
namespace {

void add_backup_commands(CLI::App& cli, local_command& chosen) {
  struct options {
    std::string to, from, data_dir = "./rekey-data", database;
  };
  const auto o = std::make_shared<options>();
  auto* backup = cli.add_subcommand(
      "backup", "copy a SQLite database consistently, also while its server runs (PostgreSQL: pg_dump)");
  backup->add_option("--to", o->to, "the backup file to write (must not exist)")->required();
  backup->add_option("--data-dir", o->data_dir, "the data directory whose rekey.db to copy")->envname("REKEY_DATA_DIR");
  backup->add_option("--database", o->database, "the SQLite file to copy (default <data-dir>/rekey.db)")
      ->envname("REKEY_DATABASE");
  backup->callback([&chosen, o] {
    chosen = [o] {
      const auto database = o->database.empty() ? o->data_dir + "/rekey.db" : o->database;
      if (database.starts_with("postgres://") || database.starts_with("postgresql://")) {
        fmt::print(stderr, "rekey: error: a PostgreSQL database is backed up with pg_dump (docs/deployment.md)\n");
        return 1;
      }
      backup_sqlite(database, o->to);
      fmt::print("backed up {} to {}\nThe master key is not in it: keep it (and back it up) apart.\n", database, o->to);
      return 0;
    };
  });

  auto* restore = cli.add_subcommand("restore", "put a backup in place as a data directory's database");
  restore->add_option("--from", o->from, "the backup file")->required();
  restore->add_option("--data-dir", o->data_dir, "the data directory to restore into (it must have no database)")
      ->required();
  restore->callback([&chosen, o] {
    chosen = [o] {
      restore_sqlite(o->from, o->data_dir);
      fmt::print(
          "restored {} into {}/rekey.db\nPut the master key that sealed it in place too ({}/master.key, "
          "--master-key-file or REKEY_MASTER_KEY) before starting rekey: without it the data cannot be read.\n",
          o->from, o->data_dir, o->data_dir);
      return 0;
    };
  });
}

void add_config_commands(CLI::App& cli, local_command& chosen) {
  auto* config = cli.add_subcommand("config", "the service's configuration");
  config->require_subcommand(1);
  auto* check = config->add_subcommand(
      "check", "validate a configuration (file, REKEY_* variables, flags) and print the effective settings");
  const auto loader = std::make_shared<config_loader>(*check);
  check->callback([&chosen, loader] {
    chosen = [loader] {
      const auto effective = loader->load();  // throws, naming the bad setting, its source and line
      fmt::print("{}", loader->describe(effective));
      return 0;
    };
  });
}

}  // namespace

void add_local_commands(CLI::App& cli, local_command& chosen) {
  add_backup_commands(cli, chosen);
  add_config_commands(cli, chosen);
  // `dev` is the admin commands' (cli.cpp), declared first; CLI11's get_subcommand throws
  // CLI::OptionNotFound rather than return null, so a missing `dev` fails every start at once.
  add_dev_tls_commands(*cli.get_subcommand("dev"), chosen);
}

}  // namespace rekey
