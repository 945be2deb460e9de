// The versioned SQLite schema. Each migration runs once, in order, in its own transaction, and
// is recorded in schema_migrations. Migrations are append-only: never edit a released one.
// docs/storage.md describes the resulting schema.
#pragma once

#include "core/errc.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace rekey {

// Applies every migration newer than the database's version. Errors as in store.hpp.
[[nodiscard]] result<void> migrate_sqlite(sqlite_connection& db);

}  // namespace rekey
