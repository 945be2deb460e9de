// The versioned SQLite schema. Each migration runs once, in order, in its own transaction, and
// is recorded in schema_migrations. Migrations are append-only: never edit a released one.
// docs/storage.md describes the resulting schema.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/errc.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace rekey {

// Applies every migration newer than the database's version, up to `up_to_version` (tests stop
// early to build an older database and then upgrade it). Errors as in store.hpp.
[[nodiscard]] result<void> migrate_sqlite(sqlite_connection& db, std::size_t up_to_version = SIZE_MAX);

}  // namespace rekey
