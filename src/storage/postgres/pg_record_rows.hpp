// How the PostgreSQL backend reads result rows: pg_row, one row as the shared readers take it
// (storage/sql/record_rows.hpp), all() and one() over a result, and what only PostgreSQL reads —
// a rotation's joined columns and an audit chain's head. Internal to the backend.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/postgres/pg_connection.hpp"
#include "storage/records.hpp"
#include "storage/sql/columns.hpp"
#include "storage/sql/record_rows.hpp"
#include "storage/store.hpp"

namespace rekey::pg_detail {

using rows = pg_rows;

// Row `i` of a result.
struct pg_row {
  const pg_rows& set;
  int i;
  std::string text(int c) const { return set.text(i, c); }
  std::int64_t int64(int c) const { return set.int64(i, c); }
  double real(int c) const { return set.real(i, c); }
  bytes blob(int c) const { return set.blob(i, c); }
  bool is_null(int c) const { return set.is_null(i, c); }
};

// Every row through read(row).
template <class T, class Read>
result<std::vector<T>> all(result<rows> r, Read read) {
  if (!r) return r.error();
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) out.push_back(read(pg_row{*r, i}));
  return out;
}

// The first row through read(row), if any.
template <class T, class Read>
result<std::optional<T>> one(result<rows> r, Read read) {
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<T>{};
  return std::optional<T>{read(pg_row{*r, 0})};
}

inline result<void> done(result<rows> r) {
  if (!r) return r.error();
  return {};
}

#define OUTBOX_QUALIFIED_COLUMNS                                                                           \
  "outbox.id, outbox.application_id, outbox.destination_id, outbox.notification_type, outbox.sealed_body," \
  " outbox.state, outbox.attempts, outbox.next_attempt_at, outbox.created_at, outbox.old_secret_id,"       \
  " outbox.delivered_at, outbox.last_error, outbox.new_secret_id"

// What a rotation reads of its application, joined under these aliases: the application (a),
// its subscription (s), the subscription's destination (d), an embedded destination's queue (q)
// and the rate bucket (b) — read_for_rotation's read and a rotation batch's.
#define ROTATION_JOIN_COLUMNS                                                                         \
  "a.id, a.name, a.client_id, a.rotate_rate, a.rotate_burst, a.created_at, a.token_format, a.scopes," \
  " a.audience, a.token_settings_version,"                                                            \
  " s.id, s.application_id, s.notification_type, s.destination_id, s.created_at,"                     \
  " d.id, d.application_id, d.kind, d.config, d.created_at,"                                          \
  " q.account, q.name, q.visibility_timeout_ms, q.retention_ms, q.delay_ms, q.maximum_message_size,"  \
  " q.receive_wait_seconds, q.dead_letter_target, q.max_receive_count, q.redrive_allow_policy,"       \
  " q.policy, q.tags, q.modified_at, q.created_at,"                                                   \
  " b.application_id, b.operation, b.tokens, b.updated_at"
constexpr int rotation_join_width = 38;

// ROTATION_JOIN_COLUMNS from column `c` on, into `out` (what is missing stays nullopt).
inline void read_rotation_join(const pg_row& r, int c, rotation_reads& out) {
  if (!r.is_null(c)) out.application = sql::read_application(r, c);  // APPLICATION_COLUMNS' 10
  if (!r.is_null(c + 10)) out.subscription = sql::read_subscription(r, c + 10);
  if (!r.is_null(c + 15)) out.destination = sql::read_destination(r, c + 15);
  if (!r.is_null(c + 20)) out.queue = sql::read_queue(r, c + 20);
  if (!r.is_null(c + 34)) out.bucket = sql::read_bucket(r, c + 34);  // after QUEUE_COLUMNS' 14
}

// Used alone and in read_for_rotation's round trip (the same text: one prepared statement).
constexpr const char* secrets_of_sql = "SELECT " SECRET_COLUMNS
                                       " FROM client_secrets WHERE application_id = $1"
                                       " ORDER BY created_at DESC, seq DESC";
// Locks the bucket's key, then reads it (pg_migrations.cpp, version 2); read_for_rotation takes
// the same lock its own way.
constexpr const char* bucket_sql = "SELECT * FROM rekey_rate_bucket($1, $2)";
// Locks the audit chain, then reads its head (pg_migrations.cpp, version 2); read_for_rotation
// likewise.
constexpr const char* audit_head_sql = "SELECT * FROM rekey_audit_head($1)";

// A chain's head from column `c` on: the next seq, then the chain's last entry (nulls when the
// chain is empty) — as rekey_audit_head answers and read_for_rotation's join reads it.
inline audit_head read_audit_head(const pg_row& r, int c = 0) {
  audit_head out;
  out.next_seq = r.int64(c);
  if (!r.is_null(c + 1)) out.last = sql::read_audit(r, c + 1);
  return out;
}

}  // namespace rekey::pg_detail
