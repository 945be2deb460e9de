#include "app/backend.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "crypto/key_derivation.hpp"
#include "crypto/master_key.hpp"
#include "storage/postgres/pg_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace rekey {
namespace {

bool is_postgres_url(std::string_view database) {
  return database.starts_with("postgres://") || database.starts_with("postgresql://");
}

key256 open_master_key(const config& cfg, random_source& random) {
  std::string why;
  const auto master =
      load_master_key({cfg.master_key_hex, cfg.master_key_file, cfg.data_dir + "/master.key"}, random, why);
  if (!master) throw std::runtime_error(why);
  if (master->generated) {
    spdlog::warn("generated a new master key at {} (mode 0600); back it up — without it the data cannot be read",
                 master->origin);
  } else {
    spdlog::info("master key from {}", master->origin);
  }
  return master->key;
}

}  // namespace

std::string printable_database(const std::string& database) {
  if (!is_postgres_url(database)) return database;
  const auto scheme_end = database.find("://") + 3;
  const auto at = database.find('@', scheme_end);
  return at == std::string::npos ? database : database.substr(0, scheme_end) + "…@" + database.substr(at + 1);
}

backend open_backend(const config& cfg, random_source& random, const clock& clock) {
  backend b;
  b.master_key = open_master_key(cfg, random);
  b.at_rest_key = derive_key(b.master_key, at_rest_purpose);
  b.hasher = std::make_unique<secret_hasher>(b.master_key);
  if (is_postgres_url(cfg.database)) {
    auto opened = std::make_unique<pg_store>(cfg.database, cfg.database_connections);
    spdlog::info("storage: postgres {} ({} connections)", printable_database(cfg.database), cfg.database_connections);
    b.postgres = opened.get();
    b.storage = std::move(opened);
  } else {
    b.storage = std::make_unique<sqlite_store>(cfg.database);
    spdlog::info("storage: sqlite {}", cfg.database);
  }
  // Several nodes append to one trail at once on PostgreSQL: more chains, fewer waits.
  b.audit = std::make_unique<audit_trail>(
      b.master_key, clock,
      b.postgres != nullptr ? audit_trail::concurrent_writer_chains : audit_trail::single_writer_chains);
  auto signing = load_signing_keys(*b.storage, b.at_rest_key, random, clock);
  if (!signing) {
    throw std::runtime_error(
        fmt::format("loading token signing keys (is this the right master key?): {}", signing.error().message()));
  }
  b.signing = std::move(*signing);
  return b;
}

}  // namespace rekey
