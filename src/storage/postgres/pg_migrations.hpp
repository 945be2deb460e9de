// The PostgreSQL schema as versioned migrations, applied in order at start-up. Several nodes may
// start at once: the migration runs under a transaction-level advisory lock, so one node migrates
// and the others wait and then find nothing left to do. The schema mirrors SQLite's (times are
// epoch milliseconds in BIGINT, blobs BYTEA) so one storage contract holds for both.
#pragma once

#include "storage/postgres/pg_connection.hpp"

namespace rekey {

[[nodiscard]] result<void> migrate_postgres(pg_connection& db);

}  // namespace rekey
