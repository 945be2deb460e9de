#include "storage/sqlite/sqlite_store.hpp"

#include <stdexcept>

#include "storage/commit_hooks.hpp"
#include "storage/sqlite/sqlite_migrations.hpp"
#include "storage/sqlite/sqlite_unit_of_work.hpp"

namespace rekey {
namespace {

// One BEGIN IMMEDIATE … COMMIT (begun by sqlite_store::begin_batch); its units are savepoints.
// Registered as the store's open batch from construction to its end.
class sqlite_batch final : public store_batch {
 public:
  sqlite_batch(sqlite_connection& db, store_batch*& open) : db_(db), open_(open) { open_ = this; }
  ~sqlite_batch() override {
    open_ = nullptr;
    if (ended_) return;
    (void)db_.exec("ROLLBACK");
    hooks_.dropped();
  }

  result<std::unique_ptr<unit_of_work>> begin() override {
    if (ended_) return errc::internal;
    if (auto r = db_.exec("SAVEPOINT unit"); !r) return r.error();
    return std::unique_ptr<unit_of_work>(std::make_unique<sqlite_unit_of_work>(db_, hooks_.sink()));
  }

  result<void> commit() override {
    if (ended_) return errc::internal;
    ended_ = true;
    open_ = nullptr;
    if (auto r = db_.exec("COMMIT"); !r) {
      (void)db_.exec("ROLLBACK");
      hooks_.dropped();
      return r;
    }
    hooks_.committed();
    return {};
  }

 private:
  sqlite_connection& db_;
  store_batch*& open_;
  batch_hooks hooks_;
  bool ended_ = false;
};

}  // namespace

sqlite_store::sqlite_store(const std::string& path) : db_(path) {
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
                             // savepoint journals and sorts in memory, not temp files
                             "PRAGMA temp_store=MEMORY",
                             // an 8 MiB page cache: a commit after a B-tree split scans the cache's
                             // whole hash table (docs/storage.md), so a bigger cache costs every
                             // commit more; 64 MiB measured 13% fewer rotations/s (docs/benchmarks.md)
                             "PRAGMA cache_size=-8192",
                             // a checkpoint every 10,000 WAL pages (~40 MiB) instead of 1,000: a page
                             // that many commits change (a table's or index's tail) is copied back once
                             // per checkpoint — +17% rotations/s (docs/benchmarks.md)
                             "PRAGMA wal_autocheckpoint=10000"}) {
    if (!db_.exec(pragma)) throw std::runtime_error("cannot configure database " + path);
  }
  if (!migrate_sqlite(db_)) throw std::runtime_error("cannot migrate database " + path);
}

result<std::unique_ptr<unit_of_work>> sqlite_store::begin() {
  if (open_batch_ != nullptr) return open_batch_->begin();
  if (auto r = db_.exec("BEGIN IMMEDIATE"); !r) return r.error();
  return std::unique_ptr<unit_of_work>(std::make_unique<sqlite_unit_of_work>(db_, nullptr));
}

result<std::unique_ptr<store_batch>> sqlite_store::begin_batch() {
  if (open_batch_ != nullptr) return errc::internal;
  if (auto r = db_.exec("BEGIN IMMEDIATE"); !r) return r.error();
  return std::unique_ptr<store_batch>(std::make_unique<sqlite_batch>(db_, open_batch_));
}

}  // namespace rekey
