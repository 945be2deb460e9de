// pg_connection: one PostgreSQL connection (libpq) with prepared statements, parameters as text
// (bytea as binary) and results as text — thin, so the repositories read as SQL plus binding.
//
// Errors map as in store.hpp: a lost or refused connection and the server's "cannot serve now"
// classes (57P, 08, 53) → errc::service_unavailable; unique violations → errc::conflict;
// anything else → errc::internal, with the server's message in the log. After a connection
// error the next call reconnects. Not thread-safe: one storage thread owns it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/errc.hpp"
#include "crypto/bytes.hpp"

struct pg_conn;
struct pg_result;

namespace rekey {

// One statement's parameters, $1, $2, … in order.
class pg_params {
 public:
  pg_params& text(std::string_view v);
  pg_params& int64(std::int64_t v);
  pg_params& real(double v);
  pg_params& blob(std::span<const std::uint8_t> v);
  pg_params& null();
  template <class T>
  pg_params& optional_int64(const std::optional<T>& v) {
    return v ? int64(static_cast<std::int64_t>(*v)) : null();
  }

 private:
  friend class pg_connection;
  std::vector<std::string> values_;
  std::vector<bool> is_null_;
  std::vector<int> formats_;  // 0 text, 1 binary
};

// A statement's result rows; columns are read by index.
class pg_rows {
 public:
  explicit pg_rows(pg_result* result);
  ~pg_rows();
  pg_rows(pg_rows&& other) noexcept;
  pg_rows& operator=(pg_rows&&) = delete;
  pg_rows(const pg_rows&) = delete;

  int size() const;
  std::int64_t affected() const;  // rows an INSERT/UPDATE/DELETE touched
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  std::int64_t int64(int row, int column) const;
  double real(int row, int column) const;
  bytes blob(int row, int column) const;  // from bytea's text form

 private:
  pg_result* result_;
};

class pg_connection {
 public:
  // Connects lazily: the first statement (or connect()) opens the connection.
  explicit pg_connection(std::string url);
  ~pg_connection();
  pg_connection(const pg_connection&) = delete;
  pg_connection& operator=(const pg_connection&) = delete;

  [[nodiscard]] result<void> connect();
  bool connected() const;
  // Runs SQL without parameters (BEGIN, COMMIT, DDL; several statements allowed).
  [[nodiscard]] result<void> exec(const char* sql);
  // Runs a statement, prepared on first use on this connection.
  [[nodiscard]] result<pg_rows> run(const char* sql, const pg_params& params = {});

 private:
  errc fail(pg_result* result, const char* what);

  std::string url_;
  pg_conn* conn_ = nullptr;
  std::unordered_set<std::string> prepared_;  // statement names prepared on conn_
};

}  // namespace rekey
