#include "storage/postgres/pg_connection.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <optional>

namespace rekey {

pg_params& pg_params::text(std::string_view v) {
  values_.emplace_back(v);
  is_null_.push_back(false);
  formats_.push_back(0);
  return *this;
}
pg_params& pg_params::int64(std::int64_t v) { return text(std::to_string(v)); }
std::string pg_real_text(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, static_cast<std::size_t>(end - buf)};
}
pg_params& pg_params::real(double v) { return text(pg_real_text(v)); }
pg_params& pg_params::blob(std::span<const std::uint8_t> v) {
  values_.emplace_back(reinterpret_cast<const char*>(v.data()), v.size());
  is_null_.push_back(false);
  formats_.push_back(1);
  return *this;
}
pg_params& pg_params::array(const pg_array& v) {
  values_.push_back(v.bytes());
  is_null_.push_back(false);
  formats_.push_back(1);
  return *this;
}
pg_params& pg_params::text_array(const std::vector<std::string>& v) {
  pg_array texts(pg_array::element::text);
  for (const auto& element : v) texts.add(element);
  return array(texts);
}
pg_params::raw_view pg_params::raw() const {
  raw_view out;
  out.count = static_cast<int>(values_.size());
  out.values.resize(values_.size());
  out.lengths.resize(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) {
    out.values[i] = is_null_[i] ? nullptr : values_[i].data();
    out.lengths[i] = static_cast<int>(values_[i].size());
  }
  return out;
}
pg_params& pg_params::null() {
  values_.emplace_back();
  is_null_.push_back(true);
  formats_.push_back(0);
  return *this;
}

pg_rows::pg_rows(pg_result* result) : result_(result) {}
pg_rows::~pg_rows() {
  if (result_ != nullptr) PQclear(result_);
}
pg_rows::pg_rows(pg_rows&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
int pg_rows::size() const { return PQntuples(result_); }
std::int64_t pg_rows::affected() const {
  const char* n = PQcmdTuples(result_);
  return (n == nullptr || *n == '\0') ? 0 : std::strtoll(n, nullptr, 10);
}
bool pg_rows::is_null(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
std::string pg_rows::text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column), static_cast<std::size_t>(PQgetlength(result_, row, column)));
}
std::int64_t pg_rows::int64(int row, int column) const {
  return std::strtoll(PQgetvalue(result_, row, column), nullptr, 10);
}
double pg_rows::real(int row, int column) const { return std::strtod(PQgetvalue(result_, row, column), nullptr); }
bytes pg_rows::blob(int row, int column) const {
  std::size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row, column)), &n);
  if (raw == nullptr) return {};
  bytes out(raw, raw + n);
  PQfreemem(raw);
  return out;
}

namespace {

std::string statement_name(const char* sql) { return "s" + std::to_string(std::hash<std::string_view>{}(sql)); }

}  // namespace

pg_connection::pg_connection(std::string url) : url_(std::move(url)) {}
pg_connection::~pg_connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

bool pg_connection::connected() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }

result<void> pg_connection::connect() {
  if (connected()) return {};
  if (conn_ != nullptr) PQfinish(conn_);
  prepared_.clear();
  queued_.clear();
  conn_ = PQconnectdb(url_.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    spdlog::warn("postgres: cannot connect: {}", PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    return errc::service_unavailable;
  }
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);  // NOTICEs are not errors
  return {};
}

errc pg_connection::fail(pg_result* res, const char* what) {
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";  // a copy: `res` is cleared below
  spdlog::error("postgres {}: {} {}", what, sqlstate, conn_ != nullptr ? PQerrorMessage(conn_) : "no connection");
  if (res != nullptr) PQclear(res);
  if (!connected() || sqlstate.starts_with("08") || sqlstate.starts_with("57P") || sqlstate.starts_with("53")) {
    if (conn_ != nullptr && PQstatus(conn_) != CONNECTION_OK) {
      PQfinish(conn_);
      conn_ = nullptr;
    }
    return errc::service_unavailable;
  }
  if (sqlstate == "23505") return errc::conflict;
  if (sqlstate == "40001" || sqlstate == "40P01") return errc::service_unavailable;  // serialization, deadlock
  return errc::internal;
}

result<void> pg_connection::exec(const char* sql) {
  if (auto r = flush(); !r) return r;
  if (auto r = connect(); !r) return r;
  pg_result* res = PQexec(conn_, sql);
  const auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return fail(res, "exec");
  PQclear(res);
  return {};
}

result<pg_rows> pg_connection::run(const char* sql, const pg_params& params) {
  if (auto r = connect(); !r) return r.error();
  if (!queued_.empty()) {  // rides along with what is queued
    const pg_statement statement{sql, params};
    auto rows = run_all(std::span(&statement, 1));
    if (!rows) return rows.error();
    return std::move(rows->front());
  }
  const std::string name = statement_name(sql);
  if (!prepared_.contains(name)) {
    pg_result* prepared = PQprepare(conn_, name.c_str(), sql, 0, nullptr);
    if (PQresultStatus(prepared) != PGRES_COMMAND_OK) return fail(prepared, "prepare");
    PQclear(prepared);
    prepared_.insert(name);
  }
  const auto raw = params.raw();
  pg_result* res =
      PQexecPrepared(conn_, name.c_str(), raw.count, raw.values.data(), raw.lengths.data(), params.formats_.data(), 0);
  const auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return fail(res, "statement");
  return pg_rows(res);
}

errc pg_connection::broken(const char* what) {
  spdlog::error("postgres {}: {}", what, conn_ != nullptr ? PQerrorMessage(conn_) : "no connection");
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
  queued_.clear();
  prepared_.clear();
  return errc::service_unavailable;
}

result<void> pg_connection::ensure_prepared_in_pipeline(const char* sql, const std::string& name) {
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && PQenterPipelineMode(conn_) != 1) return broken("pipeline");
  if (prepared_.contains(name)) return {};
  if (PQsendPrepare(conn_, name.c_str(), sql, 0, nullptr) != 1) return broken("queue");
  queued_.push_back({queued_statement::prepare, false, name});
  prepared_.insert(name);  // taken back by drain() if the PREPARE does not succeed
  return {};
}

result<void> pg_connection::send_prepared(const std::string& name, const pg_params& params) {
  const auto raw = params.raw();
  if (PQsendQueryPrepared(conn_, name.c_str(), raw.count, raw.values.data(), raw.lengths.data(), params.formats_.data(),
                          0) != 1) {
    return broken("queue");
  }
  return {};
}

result<std::vector<pg_rows>> pg_connection::run_all(std::span<const pg_statement> statements) {
  if (auto r = connect(); !r) return r.error();
  const bool first_of_transaction = queued_.size() == 1 && queued_.front().kind == queued_statement::begin;
  auto rows = run_in_pipeline(statements);
  if (rows || !first_of_transaction || conn_ != nullptr) return rows;
  if (auto r = begin_transaction(); !r) return r.error();  // lost before the transaction did anything
  return run_in_pipeline(statements);
}

result<std::vector<pg_rows>> pg_connection::run_in_pipeline(std::span<const pg_statement> statements) {
  for (const auto& statement : statements) {
    const std::string name = statement_name(statement.sql);
    if (auto r = ensure_prepared_in_pipeline(statement.sql, name); !r) return r.error();
    if (auto r = send_prepared(name, statement.params); !r) return r.error();
    queued_.push_back({queued_statement::read, false, {}});
  }
  std::vector<pg_rows> rows;
  if (auto r = drain(&rows); !r) return r.error();
  return rows;
}

result<void> pg_connection::begin_transaction() {
  if (auto r = flush(); !r) return r;
  if (auto r = queue_command("BEGIN"); !r) return r;
  queued_.back().kind = queued_statement::begin;
  return {};
}

result<void> pg_connection::queue(const char* sql, const pg_params& params, bool expect_one_row) {
  if (auto r = connect(); !r) return r;
  const std::string name = statement_name(sql);
  if (auto r = ensure_prepared_in_pipeline(sql, name); !r) return r;
  if (auto r = send_prepared(name, params); !r) return r;
  queued_.push_back({queued_statement::write, expect_one_row, {}});
  return {};
}

result<void> pg_connection::queue_best_effort(const char* sql, const pg_params& params) {
  if (auto r = queue(sql, params); !r) return r;
  queued_.back().kind = queued_statement::best_effort;
  return {};
}

result<void> pg_connection::queue_command(const char* sql) {
  if (auto r = connect(); !r) return r;
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && PQenterPipelineMode(conn_) != 1) return broken("pipeline");
  if (PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) return broken("queue");
  queued_.push_back({queued_statement::write, false, {}});
  return {};
}

bool pg_connection::row_counts_unchecked() const {
  return std::any_of(queued_.begin(), queued_.end(), [](const auto& q) { return q.expect_one_row; });
}

result<void> pg_connection::flush() {
  if (queued_.empty()) return {};
  return drain(nullptr);
}

void pg_connection::discard() {
  if (!queued_.empty()) (void)drain(nullptr);
}

result<void> pg_connection::drain(std::vector<pg_rows>* reads) {
  if (PQpipelineSync(conn_) != 1) return broken("pipeline sync");
  std::optional<errc> first_error;
  for (const auto& statement : queued_) {
    pg_result* res = PQgetResult(conn_);
    if (res == nullptr) return broken("pipeline answer");
    const auto status = PQresultStatus(res);
    const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    if (!ok && statement.kind == queued_statement::prepare) prepared_.erase(statement.prepared_name);
    if (status == PGRES_PIPELINE_ABORTED) {
      PQclear(res);  // skipped after an earlier error
    } else if (!ok) {
      const auto why = fail(res, "pipelined statement");  // clears res
      if (conn_ == nullptr) return broken("pipeline");    // the connection went with the pipeline
      if (!first_error && statement.kind != queued_statement::best_effort) first_error = why;
    } else if (statement.kind == queued_statement::read && reads != nullptr) {
      reads->emplace_back(res);
    } else {
      if (statement.expect_one_row && !first_error) {
        const char* n = PQcmdTuples(res);
        if (n == nullptr || std::strtoll(n, nullptr, 10) != 1) first_error = errc::internal;
      }
      PQclear(res);
    }
    while ((res = PQgetResult(conn_)) != nullptr) PQclear(res);  // the end of this statement's answers
  }
  pg_result* sync = PQgetResult(conn_);
  const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  if (sync != nullptr) PQclear(sync);
  if (!synced || PQexitPipelineMode(conn_) != 1) return broken("pipeline end");
  queued_.clear();
  if (first_error) {
    if (reads != nullptr) reads->clear();
    return *first_error;
  }
  return {};
}

}  // namespace rekey
