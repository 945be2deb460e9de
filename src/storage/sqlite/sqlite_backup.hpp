// sqlite_backup: a consistent copy of a SQLite database that a rekey server may be writing
// (SQLite's online backup API, all pages in one step under one read transaction: in WAL mode
// the server's writers go on meanwhile and the copy is the database as of one commit), and
// putting such a copy in place as a data directory's database. What the copy holds is what the
// database holds — secrets sealed or as keyed hashes — and nothing else: the master key lives
// outside the database and must be kept (and restored) apart. Each call throws
// std::runtime_error with a message for the operator.
#pragma once

#include <string>

namespace rekey {

// Copies `database` to `target`, which must not exist yet; written to a temporary file beside
// it, checked (PRAGMA quick_check), synced and renamed into place, mode 0600.
void backup_sqlite(const std::string& database, const std::string& target);

// Puts the backup `source` in place as <data_dir>/rekey.db (the directory is made, mode 0700,
// when missing). Refuses when the data directory already has a database — a live one or not:
// restore never overwrites — and when `source` is not a rekey database that passes quick_check.
void restore_sqlite(const std::string& source, const std::string& data_dir);

}  // namespace rekey
