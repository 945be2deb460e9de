#include "storage/postgres/pg_connection.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdlib>
#include <functional>

namespace rekey {

pg_params& pg_params::text(std::string_view v) {
  values_.emplace_back(v);
  is_null_.push_back(false);
  formats_.push_back(0);
  return *this;
}
pg_params& pg_params::int64(std::int64_t v) { return text(std::to_string(v)); }
pg_params& pg_params::real(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return text(std::string_view(buf, static_cast<std::size_t>(end - buf)));
}
pg_params& pg_params::blob(std::span<const std::uint8_t> v) {
  values_.emplace_back(reinterpret_cast<const char*>(v.data()), v.size());
  is_null_.push_back(false);
  formats_.push_back(1);
  return *this;
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

pg_connection::pg_connection(std::string url) : url_(std::move(url)) {}
pg_connection::~pg_connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

bool pg_connection::connected() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }

result<void> pg_connection::connect() {
  if (connected()) return {};
  if (conn_ != nullptr) PQfinish(conn_);
  prepared_.clear();
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
  if (auto r = connect(); !r) return r;
  pg_result* res = PQexec(conn_, sql);
  const auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return fail(res, "exec");
  PQclear(res);
  return {};
}

result<pg_rows> pg_connection::run(const char* sql, const pg_params& params) {
  if (auto r = connect(); !r) return r.error();
  const std::string name = "s" + std::to_string(std::hash<std::string_view>{}(sql));
  if (!prepared_.contains(name)) {
    pg_result* prepared = PQprepare(conn_, name.c_str(), sql, 0, nullptr);
    if (PQresultStatus(prepared) != PGRES_COMMAND_OK) return fail(prepared, "prepare");
    PQclear(prepared);
    prepared_.insert(name);
  }
  const auto n = static_cast<int>(params.values_.size());
  std::vector<const char*> values(params.values_.size());
  std::vector<int> lengths(params.values_.size());
  for (std::size_t i = 0; i < params.values_.size(); ++i) {
    values[i] = params.is_null_[i] ? nullptr : params.values_[i].data();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  pg_result* res = PQexecPrepared(conn_, name.c_str(), n, values.data(), lengths.data(), params.formats_.data(), 0);
  const auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return fail(res, "statement");
  return pg_rows(res);
}

}  // namespace rekey
