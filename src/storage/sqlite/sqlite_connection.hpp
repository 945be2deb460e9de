// sqlite_connection: one SQLite database handle with a cache of prepared statements.
//
// Thin RAII over the C API so the store reads as SQL plus binding. Not thread-safe: it belongs
// to one storage thread (the handle is opened with SQLITE_OPEN_NOMUTEX).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/errc.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace rekey {

class sqlite_statement {
 public:
  explicit sqlite_statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~sqlite_statement();
  sqlite_statement(const sqlite_statement&) = delete;
  sqlite_statement& operator=(const sqlite_statement&) = delete;

  // Binders take 1-based positions, like SQLite.
  sqlite_statement& bind(int index, std::string_view text);
  sqlite_statement& bind(int index, std::int64_t value);
  sqlite_statement& bind(int index, double value);
  sqlite_statement& bind(int index, std::span<const std::uint8_t> blob);
  sqlite_statement& bind_null(int index);

  // Advances; true while a row is available. Errors map as in store.hpp.
  [[nodiscard]] result<bool> step();

  std::string text(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::span<const std::uint8_t> blob(int column) const;
  bool is_null(int column) const;

  void reset();

 private:
  sqlite3_stmt* stmt_;
};

// A statement's parameters bound in order, 1, 2, …, as record_rows.hpp's binders bind them.
class sqlite_params {
 public:
  explicit sqlite_params(sqlite_statement& q) : q_(q) {}
  sqlite_params& text(std::string_view v) { return next(v); }
  sqlite_params& int64(std::int64_t v) { return next(v); }
  sqlite_params& real(double v) { return next(v); }
  sqlite_params& blob(std::span<const std::uint8_t> v) { return next(v); }
  sqlite_params& null() {
    q_.bind_null(next_++);
    return *this;
  }

 private:
  template <class T>
  sqlite_params& next(const T& v) {
    q_.bind(next_++, v);
    return *this;
  }
  sqlite_statement& q_;
  int next_ = 1;
};

class sqlite_connection {
 public:
  // Opens (creating if missing) the database file; throws std::runtime_error on failure.
  explicit sqlite_connection(const std::string& path);
  ~sqlite_connection();
  sqlite_connection(const sqlite_connection&) = delete;
  sqlite_connection& operator=(const sqlite_connection&) = delete;

  // Runs SQL without results (pragmas, DDL, BEGIN/COMMIT).
  [[nodiscard]] result<void> exec(const char* sql);
  // A cached, reset statement for this SQL text. Placeholders ?n, or $n as in the statements
  // both backends share (storage/sql/statements.hpp), read as ?n.
  sqlite_statement& prepare(const char* sql);

  std::int64_t changes() const;
  // Rows changed by this connection since it opened (a transaction that moves it wrote).
  std::int64_t total_changes() const;
  // Whether a transaction is open: SQLite ends one itself on some errors (a full disk), and a
  // ROLLBACK then would only fail.
  bool in_transaction() const;
  // The C handle, for tests/bench/sqlite_ceiling (which measures SQLite itself, beneath this
  // class); rekey's own code goes through prepare() and exec().
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<sqlite_statement>> statements_;
};

// Runs a statement that returns no rows.
inline result<void> run(sqlite_statement& q) {
  auto r = q.step();
  q.reset();
  if (!r) return r.error();
  return {};
}

// Collects every row of q through read(q).
template <class T, class Read>
result<std::vector<T>> collect(sqlite_statement& q, Read read) {
  std::vector<T> out;
  for (;;) {
    auto r = q.step();
    if (!r) {
      q.reset();
      return r.error();
    }
    if (!*r) break;
    out.push_back(read(q));
  }
  q.reset();
  return out;
}

// The first row of q through read(q), if any.
template <class T, class Read>
result<std::optional<T>> first(sqlite_statement& q, Read read) {
  auto rows = collect<T>(q, read);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<T>{};
  return std::optional<T>{std::move(rows->front())};
}

// Maps an SQLite result code to errc (busy/locked/io → service_unavailable,
// constraint → conflict, else internal) and logs the database's message.
errc sqlite_error(sqlite3* db, int code);

}  // namespace rekey
