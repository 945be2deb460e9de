// sqlite_store: the embedded storage backend — one SQLite file in WAL mode, synchronous=FULL.
//
// All access goes through one connection owned by the store; callers must use it from a single
// storage thread at a time (the composition root gives it a one-thread pool), so transactions
// never interleave. At most one unit of work is open at a time.
//
// Group commit (begin_batch): one BEGIN IMMEDIATE … COMMIT around the batch, each of its units
// a savepoint. The connection is the batch's while it is open, so begin() on the store is then
// a unit of that batch too (as batch->begin()): code that holds only the store joins the batch
// the storage executor opened around its job. A rotation batch is an ordinary batch here.
//
// Files that vanish: the database and its WAL are identified (device, inode) when opened; before
// every transaction the paths are looked at again (two stat calls), and once either is gone or
// replaced every transaction is refused (errc::service_unavailable) until rekey is restarted —
// writes into an unlinked file would be acknowledged and lost at the next start. write_health()
// reports that, and whether the last commit that wrote failed (a full disk).
#pragma once

#include <sys/types.h>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/store.hpp"

namespace rekey {

// The settings every connection to rekey's database gets, in order (docs/storage.md): what
// sqlite_store applies when it opens, and what tests/bench/sqlite_ceiling applies to its own
// connection so that it measures SQLite set up exactly as rekey sets it up.
inline constexpr std::array<const char*, 7> sqlite_pragmas{
    "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
    // savepoint journals and sorts in memory, not temp files
    "PRAGMA temp_store=MEMORY",
    // an 8 MiB page cache: a commit after a B-tree split scans the cache's whole hash table
    // (docs/storage.md), so a bigger cache costs every commit more; 64 MiB measured 13% fewer
    // rotations/s (docs/benchmarks.md)
    "PRAGMA cache_size=-8192",
    // a checkpoint every 10,000 WAL pages (~40 MiB) instead of 1,000: a page that many commits
    // change (a table's or index's tail) is copied back once per checkpoint — +17% rotations/s
    // (docs/benchmarks.md)
    "PRAGMA wal_autocheckpoint=10000",
    // the WAL is cut back to 64 MiB whenever a checkpoint resets it, so a burst that outgrew it
    // (readers holding a checkpoint back) does not keep the disk space for good
    "PRAGMA journal_size_limit=67108864"};

class sqlite_store final : public store {
 public:
  // Opens or creates the database and applies migrations; throws std::runtime_error with a
  // clear message when the file cannot be opened or migrated (a start-up error).
  explicit sqlite_store(const std::string& path);

  result<std::unique_ptr<unit_of_work>> begin() override;
  // errc::internal while another batch of this store is open.
  result<std::unique_ptr<store_batch>> begin_batch() override;
  // BEGIN DEFERRED: a read snapshot (WAL), no write lock; errc::internal inside a batch.
  result<std::unique_ptr<unit_of_work>> begin_read() override;
  result<void> write_health() const override;
  // A read outside any transaction (WAL: it waits for no writer and takes no write lock).
  result<void> probe() override;

 private:
  // A file as it was found at a path: which inode, on which device (exists false: none there).
  struct file_identity {
    bool exists = false;
    dev_t device = 0;
    ino_t inode = 0;
    bool operator==(const file_identity&) const = default;
  };
  static file_identity identify(const std::string& path);
  // False (and logged once) when the database or its WAL is no longer the file opened.
  bool files_intact();
  // Records a commit's outcome for write_health().
  void committed(bool ok);

  sqlite_connection db_;
  store_batch* open_batch_ = nullptr;  // the batch holding db_'s transaction, while there is one
  // The database and its WAL: their paths, and what was there when the store opened them.
  struct watched_file {
    std::string path;
    file_identity opened;
  };
  std::array<watched_file, 2> files_;
  std::atomic<bool> files_lost_{false};
  std::atomic<bool> last_commit_failed_{false};
};

}  // namespace rekey
