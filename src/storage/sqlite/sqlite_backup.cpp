#include "storage/sqlite/sqlite_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

namespace rekey {
namespace {

namespace fs = std::filesystem;

struct closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using connection = std::unique_ptr<sqlite3, closer>;

connection open(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  connection owned(db);
  if (rc != SQLITE_OK) {
    throw std::runtime_error(
        fmt::format("cannot open {}: {}", path, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db, 10'000);  // a writer's commit in progress: wait for it
  return owned;
}

// The first column of the first row of `sql`, as text.
std::string scalar(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
    throw std::runtime_error(fmt::format("cannot read the database: {}", sqlite3_errmsg(db)));
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, sqlite3_finalize);
  if (sqlite3_step(raw) != SQLITE_ROW) return {};
  const auto* text = sqlite3_column_text(raw, 0);
  return text != nullptr ? reinterpret_cast<const char*>(text) : "";
}

// Throws unless `db` passes quick_check and has rekey's schema.
void check_rekey_database(sqlite3* db, const std::string& path) {
  if (const auto ok = scalar(db, "PRAGMA quick_check"); ok != "ok")
    throw std::runtime_error(fmt::format("{} is damaged: {}", path, ok.empty() ? "unreadable" : ok));
  if (scalar(db,
             "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('applications', "
             "'client_secrets', 'outbox', 'audit_log')") != "4")
    throw std::runtime_error(fmt::format("{} is not a rekey database", path));
}

void sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error(fmt::format("cannot sync {}", path));
  }
  ::close(fd);
}

void sync_directory_of(const fs::path& file) {
  const auto dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
}

// Copies every page of `from` into a new database file at `to`, one step: one read transaction.
void copy_pages(sqlite3* from, const std::string& to) {
  auto target = open(to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  ::chmod(to.c_str(), 0600);
  sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", from, "main");
  if (backup == nullptr)
    throw std::runtime_error(fmt::format("cannot start the copy: {}", sqlite3_errmsg(target.get())));
  const int step = sqlite3_backup_step(backup, -1);
  const int finished = sqlite3_backup_finish(backup);
  if (step != SQLITE_DONE || finished != SQLITE_OK)
    throw std::runtime_error(fmt::format("the copy failed: {}", sqlite3_errstr(step != SQLITE_DONE ? step : finished)));
  check_rekey_database(target.get(), to);
  // The copy's pages are in its file, not in a WAL: checkpoint whatever went through one.
  (void)scalar(target.get(), "PRAGMA wal_checkpoint(TRUNCATE)");
}

// Writes the copy beside `target` and renames it there once complete and synced.
void copy_into_place(sqlite3* from, const std::string& target) {
  const std::string temporary = target + ".partial";
  std::error_code ignored;
  fs::remove(temporary, ignored);
  try {
    copy_pages(from, temporary);
    sync_file(temporary);
  } catch (...) {
    fs::remove(temporary, ignored);
    fs::remove(temporary + "-wal", ignored);
    fs::remove(temporary + "-shm", ignored);
    throw;
  }
  fs::remove(temporary + "-wal", ignored);
  fs::remove(temporary + "-shm", ignored);
  fs::rename(temporary, target);
  sync_directory_of(target);
}

}  // namespace

void backup_sqlite(const std::string& database, const std::string& target) {
  if (!fs::exists(database)) throw std::runtime_error(fmt::format("no database at {}", database));
  if (fs::exists(target)) throw std::runtime_error(fmt::format("{} exists: a backup never overwrites a file", target));
  // Read-write without create: a WAL database is read through its -shm, which a read-only
  // connection may not be able to set up; nothing is written through this connection.
  auto source = open(database, SQLITE_OPEN_READWRITE);
  check_rekey_database(source.get(), database);
  copy_into_place(source.get(), target);
}

void restore_sqlite(const std::string& source, const std::string& data_dir) {
  const fs::path dir(data_dir);
  const auto target = (dir / "rekey.db").string();
  for (const auto* suffix : {"", "-wal", "-shm"}) {
    if (fs::exists(target + suffix)) {
      throw std::runtime_error(
          fmt::format("{} has a database ({}): restore never overwrites one — stop its server and move it away first",
                      data_dir, target + suffix));
    }
  }
  if (!fs::exists(source)) throw std::runtime_error(fmt::format("no backup at {}", source));
  auto backup = open(source, SQLITE_OPEN_READONLY);
  check_rekey_database(backup.get(), source);
  if (!fs::exists(dir)) {
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  }
  copy_into_place(backup.get(), target);
}

}  // namespace rekey
