// pg_connection: one PostgreSQL connection (libpq) with prepared statements, parameters as text
// (bytea and pg_array as binary) and results as text — thin, so the repositories read as SQL plus binding.
//
// Errors map as in store.hpp: a lost or refused connection and the server's "cannot serve now"
// classes (57P, 08, 53) → errc::service_unavailable; unique violations → errc::conflict;
// anything else → errc::internal, with the server's message in the log. After a connection
// error the next call reconnects. Not thread-safe: one thread at a time (pg_pool.hpp).
//
// Pipelining (libpq pipeline mode): queue() sends a statement without waiting for its answer;
// the next run(), exec() or flush() sends whatever is queued with it — one round trip for all —
// and reports the first error among the answers (the transaction is then aborted, as after any
// error).
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
#include "storage/postgres/pg_array.hpp"

struct pg_conn;
struct pg_result;

namespace rekey {

// A double as text that PostgreSQL reads back to the same value (the shortest such form).
std::string pg_real_text(double v);

// One statement's parameters, $1, $2, … in order.
class pg_params {
 public:
  pg_params& text(std::string_view v);
  pg_params& int64(std::int64_t v);
  pg_params& real(double v);
  pg_params& blob(std::span<const std::uint8_t> v);
  pg_params& null();
  // An array in binary format (pg_array.hpp): cast it in SQL to its type ($1::bigint[]).
  pg_params& array(const pg_array& v);
  // A text[] (pg_array of text): cast it in SQL ($1::text[]).
  pg_params& text_array(const std::vector<std::string>& v);
  template <class T>
  pg_params& optional_int64(const std::optional<T>& v) {
    return v ? int64(static_cast<std::int64_t>(*v)) : null();
  }

 private:
  friend class pg_connection;
  // What libpq takes: pointers into values_ (null for NULL) and lengths.
  struct raw_view {
    int count = 0;
    std::vector<const char*> values;
    std::vector<int> lengths;
  };
  raw_view raw() const;
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

struct pg_statement {
  const char* sql;
  pg_params params;
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
  // Runs several statements in one round trip (with whatever is queued), one after the other,
  // each with its own snapshot; their rows in order. The first error stops the rest.
  [[nodiscard]] result<std::vector<pg_rows>> run_all(std::span<const pg_statement> statements);

  // Starts a transaction without a round trip of its own: BEGIN is queued and goes with the first
  // statement. When that first round trip finds the connection lost (a server restart, an idle
  // cut), the connection is reopened and BEGIN and the statement sent again, once.
  [[nodiscard]] result<void> begin_transaction();
  // Queues a statement that returns no rows (prepared on first use). expect_one_row: an answer
  // that touched any other number of rows is errc::internal.
  [[nodiscard]] result<void> queue(const char* sql, const pg_params& params, bool expect_one_row = false);
  // Queues a statement whose failure is logged but not reported (work that follows a COMMIT).
  [[nodiscard]] result<void> queue_best_effort(const char* sql, const pg_params& params);
  // Queues a statement without parameters that cannot be prepared (COMMIT, RELEASE SAVEPOINT …).
  [[nodiscard]] result<void> queue_command(const char* sql);
  // Sends what is queued and reads the answers.
  [[nodiscard]] result<void> flush();
  // Whether a queued statement's row count is still to be checked: such a check happens only
  // once the answers are read, after the server ran everything queued with it — so flush before
  // queueing a COMMIT behind it.
  bool row_counts_unchecked() const;
  // Sends what is queued and drops the answers, errors included (before a rollback).
  void discard();

 private:
  struct queued_statement {
    enum kind_t { begin, prepare, write, read, best_effort } kind;
    bool expect_one_row = false;
    std::string prepared_name;  // kind prepare: the statement it prepares
  };

  errc fail(pg_result* result, const char* what);
  // A connection that cannot go on (lost, or out of step): closed, to be reopened.
  errc broken(const char* what);
  result<void> ensure_prepared_in_pipeline(const char* sql, const std::string& name);
  result<void> send_prepared(const std::string& name, const pg_params& params);
  result<std::vector<pg_rows>> run_in_pipeline(std::span<const pg_statement> statements);
  // Ends the pipeline: sync, read every queued answer; the answers of queued reads go to `reads`
  // in order (all or none).
  result<void> drain(std::vector<pg_rows>* reads);

  std::string url_;
  pg_conn* conn_ = nullptr;
  std::unordered_set<std::string> prepared_;  // statement names prepared on conn_
  std::vector<queued_statement> queued_;      // sent in pipeline mode, answers not read yet
};

}  // namespace rekey
