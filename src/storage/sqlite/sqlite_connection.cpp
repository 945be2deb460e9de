#include "storage/sqlite/sqlite_connection.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <stdexcept>

namespace rekey {

errc sqlite_error(sqlite3* db, int code) {
  spdlog::error("sqlite error {}: {}", code, db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
      return errc::service_unavailable;
    case SQLITE_CONSTRAINT:
      return errc::conflict;
    default:
      return errc::internal;
  }
}

sqlite_statement::~sqlite_statement() { sqlite3_finalize(stmt_); }

sqlite_statement& sqlite_statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

sqlite_statement& sqlite_statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

sqlite_statement& sqlite_statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

sqlite_statement& sqlite_statement::bind(int index, std::span<const std::uint8_t> blob) {
  if (blob.empty()) {
    sqlite3_bind_zeroblob(stmt_, index, 0);  // an empty blob, not NULL
    return *this;
  }
  sqlite3_bind_blob(stmt_, index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  return *this;
}

sqlite_statement& sqlite_statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

result<bool> sqlite_statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(sqlite3_db_handle(stmt_), rc);
}

std::string sqlite_statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}

std::int64_t sqlite_statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
double sqlite_statement::real(int column) const { return sqlite3_column_double(stmt_, column); }
bool sqlite_statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::span<const std::uint8_t> sqlite_statement::blob(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

void sqlite_statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

sqlite_connection::sqlite_connection(const std::string& path) {
  // Once per process, before SQLite initialises: no allocation statistics, which SQLite keeps under
  // a global mutex taken on every malloc and free (~6% of the storage thread, docs/benchmarks.md).
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    throw std::runtime_error("cannot open database " + path + ": " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
}

sqlite_connection::~sqlite_connection() {
  statements_.clear();
  sqlite3_close(db_);
}

result<void> sqlite_connection::exec(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc);
  return {};
}

sqlite_statement& sqlite_connection::prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    it->second->reset();
    return *it->second;
  }
  // $n, the shared statements' placeholders (storage/sql/statements.hpp), is SQLite's ?n: "$n"
  // would be a named parameter, numbered in the order of first appearance.
  std::string text(sql);
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '$' && text[i + 1] >= '0' && text[i + 1] <= '9') text[i] = '?';
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, text.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    // A statement that does not prepare is a programming error in rekey's own SQL.
    throw std::logic_error(std::string("bad SQL: ") + sqlite3_errmsg(db_) + " in: " + sql);
  }
  auto [inserted, _] = statements_.emplace(sql, std::make_unique<sqlite_statement>(stmt));
  return *inserted->second;
}

std::int64_t sqlite_connection::changes() const { return sqlite3_changes64(db_); }
std::int64_t sqlite_connection::total_changes() const { return sqlite3_total_changes64(db_); }
bool sqlite_connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace rekey
