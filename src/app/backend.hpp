// backend: what `rekey serve` opens before it wires anything — the master key and the keys
// derived from it, the store (SQLite or PostgreSQL, chosen by the database setting: the only
// place besides the composition root that names a backend), the audit trail's chain layout and
// the token signing keys. Start-up only; throws std::runtime_error with a clear message when
// something cannot be opened.
#pragma once

#include <memory>

#include "audit/audit_trail.hpp"
#include "auth/secret_hasher.hpp"
#include "auth/signing_keys.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/random.hpp"
#include "crypto/bytes.hpp"
#include "storage/store.hpp"

namespace rekey {

class pg_store;

struct backend {
  key256 master_key;
  key256 at_rest_key;  // seals what is stored encrypted
  std::unique_ptr<secret_hasher> hasher;
  std::unique_ptr<store> storage;
  pg_store* postgres = nullptr;  // set when the database is PostgreSQL: other nodes share it
  std::unique_ptr<audit_trail> audit;
  signing_key_set signing;
};

// Creates the master key if none is given, opens and migrates the store, loads (or creates)
// the signing keys. `clock` is the service's clock (the audit trail and signing keys read it).
backend open_backend(const config& cfg, random_source& random, const clock& clock);

// The database location for the log: a URL loses its user and password.
std::string printable_database(const std::string& database);

}  // namespace rekey
