#include "storage/sqlite/sqlite_store.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

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
  // committed: told whether a commit that wrote succeeded.
  sqlite_batch(sqlite_connection& db, store_batch*& open, std::function<void(bool)> committed)
      : db_(db), open_(open), committed_(std::move(committed)), changes_at_start_(db.total_changes()) {
    open_ = this;
  }
  ~sqlite_batch() override {
    open_ = nullptr;
    if (ended_) return;
    if (db_.in_transaction()) (void)db_.exec("ROLLBACK");
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
    const bool wrote = db_.total_changes() != changes_at_start_;
    if (auto r = db_.exec("COMMIT"); !r) {
      if (db_.in_transaction()) (void)db_.exec("ROLLBACK");  // SQLite may have ended it already
      hooks_.dropped();
      committed_(false);
      return r;
    }
    if (wrote) committed_(true);
    hooks_.committed();
    return {};
  }

 private:
  sqlite_connection& db_;
  store_batch*& open_;
  std::function<void(bool)> committed_;
  std::int64_t changes_at_start_;
  batch_hooks hooks_;
  bool ended_ = false;
};

}  // namespace

sqlite_store::sqlite_store(const std::string& path)
    : db_(path), files_{watched_file{path, {}}, watched_file{path + "-wal", {}}} {
  for (const char* pragma : sqlite_pragmas) {
    if (!db_.exec(pragma)) throw std::runtime_error("cannot configure database " + path);
  }
  if (!migrate_sqlite(db_)) throw std::runtime_error("cannot migrate database " + path);
  // The files as opened: migrations have written, so the WAL exists (and stays: rekey's
  // connection keeps it open; a checkpoint resets it in place).
  for (auto& file : files_) file.opened = identify(file.path);
}

sqlite_store::file_identity sqlite_store::identify(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {true, st.st_dev, st.st_ino};
}

bool sqlite_store::files_intact() {
  if (files_lost_) return false;
  for (const auto& file : files_) {
    if (!file.opened.exists || identify(file.path) == file.opened) continue;
    files_lost_ = true;
    spdlog::error(
        "storage: {} was deleted or replaced while rekey runs; every write is refused from now on, "
        "since it would be lost at the next start. Restore the file or restart rekey.",
        file.path);
    return false;
  }
  return true;
}

void sqlite_store::committed(bool ok) { last_commit_failed_ = !ok; }

result<void> sqlite_store::write_health() const {
  if (files_lost_ || last_commit_failed_) return errc::service_unavailable;
  return {};
}

result<void> sqlite_store::probe() {
  if (open_batch_ != nullptr) return errc::internal;  // inside a batch it would read the batch's snapshot
  if (!files_intact()) return errc::service_unavailable;
  return db_.exec("SELECT count(*) FROM settings");
}

result<std::unique_ptr<unit_of_work>> sqlite_store::begin() {
  if (open_batch_ != nullptr) return open_batch_->begin();
  if (!files_intact()) return errc::service_unavailable;
  if (auto r = db_.exec("BEGIN IMMEDIATE"); !r) return r.error();
  return std::unique_ptr<unit_of_work>(std::make_unique<sqlite_unit_of_work>(db_, nullptr));
}

result<std::unique_ptr<unit_of_work>> sqlite_store::begin_read() {
  if (open_batch_ != nullptr) return errc::internal;  // it would read the batch's writes
  if (!files_intact()) return errc::service_unavailable;
  if (auto r = db_.exec("BEGIN DEFERRED"); !r) return r.error();
  return std::unique_ptr<unit_of_work>(std::make_unique<sqlite_unit_of_work>(db_, nullptr));
}

result<std::unique_ptr<store_batch>> sqlite_store::begin_batch() {
  if (open_batch_ != nullptr) return errc::internal;
  if (!files_intact()) return errc::service_unavailable;
  if (auto r = db_.exec("BEGIN IMMEDIATE"); !r) return r.error();
  return std::unique_ptr<store_batch>(
      std::make_unique<sqlite_batch>(db_, open_batch_, [this](bool ok) { committed(ok); }));
}

}  // namespace rekey
