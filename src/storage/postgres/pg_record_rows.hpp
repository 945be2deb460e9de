// How the PostgreSQL backend reads its records from result rows, and the column lists and
// statements several of its parts share (pg_store.cpp, pg_rotation_batch.cpp). Internal to the
// backend.
#pragma once

#include <algorithm>
#include <optional>
#include <vector>

#include "storage/postgres/pg_connection.hpp"
#include "storage/records.hpp"
#include "storage/store.hpp"

namespace rekey::pg_detail {

using rows = pg_rows;

inline digest256 to_digest(const bytes& blob) {
  digest256 d{};
  std::copy_n(blob.begin(), std::min(blob.size(), d.size()), d.begin());
  return d;
}

// Every row through read(rows, i).
template <class T, class Read>
result<std::vector<T>> all(result<rows> r, Read read) {
  if (!r) return r.error();
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) out.push_back(read(*r, i));
  return out;
}

// The first row through read(rows, 0), if any.
template <class T, class Read>
result<std::optional<T>> one(result<rows> r, Read read) {
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<T>{};
  return std::optional<T>{read(*r, 0)};
}

inline result<void> done(result<rows> r) {
  if (!r) return r.error();
  return {};
}

inline std::optional<time_point> optional_time(const rows& r, int i, int c) {
  if (r.is_null(i, c)) return std::nullopt;
  return from_epoch_ms(r.int64(i, c));
}

inline pg_params& optional_time_param(pg_params& p, std::optional<time_point> t) {
  return t ? p.int64(to_epoch_ms(*t)) : p.null();
}

// From column `c` on (a lambda, so that one() and all() can take it with the default `c`).
constexpr auto read_application = [](const rows& r, int i, int c = 0) -> application_record {
  application_record a;
  a.id = r.text(i, c);
  a.name = r.text(i, c + 1);
  a.client_id = r.text(i, c + 2);
  if (!r.is_null(i, c + 3)) a.rotate_rate = r.real(i, c + 3);
  if (!r.is_null(i, c + 4)) a.rotate_burst = static_cast<unsigned>(r.int64(i, c + 4));
  a.created_at = from_epoch_ms(r.int64(i, c + 5));
  return a;
};
#define APPLICATION_COLUMNS "id, name, client_id, rotate_rate, rotate_burst, created_at"

inline secret_record read_secret(const rows& r, int i) {
  secret_record s;
  s.id = r.text(i, 0);
  s.application_id = r.text(i, 1);
  s.hash = to_digest(r.blob(i, 2));
  s.fingerprint = r.text(i, 3);
  s.state = parse_secret_state(r.text(i, 4)).value_or(secret_state::revoked);
  s.created_at = from_epoch_ms(r.int64(i, 5));
  s.expires_at = from_epoch_ms(r.int64(i, 6));
  s.next_warning_at = optional_time(r, i, 7);
  s.last_used_at = optional_time(r, i, 8);
  s.use_count = r.int64(i, 9);
  return s;
}
#define SECRET_COLUMNS                                                                                           \
  "id, application_id, secret_hash, fingerprint, state, created_at, expires_at, next_warning_at, last_used_at, " \
  "use_count"

// These read from column `c` on (read_for_rotation reads them joined to the application;
// rekey_audit_head puts next_seq first). Lambdas, so that one() and all() can take them with
// the default `c`.
constexpr auto read_destination = [](const rows& r, int i, int c = 0) -> destination_record {
  return {r.text(i, c), r.text(i, c + 1), r.text(i, c + 2), r.text(i, c + 3), from_epoch_ms(r.int64(i, c + 4))};
};
constexpr auto read_subscription = [](const rows& r, int i, int c = 0) -> subscription_record {
  return {r.text(i, c), r.text(i, c + 1), r.text(i, c + 2), r.text(i, c + 3), from_epoch_ms(r.int64(i, c + 4))};
};

inline outbox_record read_outbox(const rows& r, int i) {
  outbox_record o;
  o.id = r.text(i, 0);
  o.application_id = r.text(i, 1);
  o.destination_id = r.text(i, 2);
  o.notification_type = r.text(i, 3);
  o.sealed_body = r.blob(i, 4);
  o.state = parse_outbox_state(r.text(i, 5)).value_or(outbox_state::dead);
  o.attempts = static_cast<int>(r.int64(i, 6));
  o.next_attempt_at = from_epoch_ms(r.int64(i, 7));
  o.created_at = from_epoch_ms(r.int64(i, 8));
  if (!r.is_null(i, 9)) o.old_secret_id = r.text(i, 9);
  o.delivered_at = optional_time(r, i, 10);
  o.last_error = r.text(i, 11);
  if (!r.is_null(i, 12)) o.new_secret_id = r.text(i, 12);
  return o;
}
#define OUTBOX_QUALIFIED_COLUMNS                                                                           \
  "outbox.id, outbox.application_id, outbox.destination_id, outbox.notification_type, outbox.sealed_body," \
  " outbox.state, outbox.attempts, outbox.next_attempt_at, outbox.created_at, outbox.old_secret_id,"       \
  " outbox.delivered_at, outbox.last_error, outbox.new_secret_id"
#define OUTBOX_COLUMNS                                                                                    \
  "id, application_id, destination_id, notification_type, sealed_body, state, attempts, next_attempt_at," \
  " created_at, old_secret_id, delivered_at, last_error, new_secret_id"

inline message_record read_message(const rows& r, int i) {
  message_record m;
  m.id = r.text(i, 0);
  m.account = r.text(i, 1);
  m.queue = r.text(i, 2);
  m.sealed_body = r.blob(i, 3);
  m.md5_of_body = r.text(i, 4);
  m.sender_id = r.text(i, 5);
  m.sent_at = from_epoch_ms(r.int64(i, 6));
  m.visible_at = from_epoch_ms(r.int64(i, 7));
  m.receive_count = static_cast<int>(r.int64(i, 8));
  m.first_received_at = optional_time(r, i, 9);
  m.receipt_handle = r.text(i, 10);
  m.expires_at = from_epoch_ms(r.int64(i, 11));
  return m;
}
#define MESSAGE_COLUMNS                                                                          \
  "id, account, queue, sealed_body, md5_of_body, sender_id, sent_at, visible_at, receive_count," \
  " first_received_at, receipt_handle, expires_at"

constexpr auto read_queue = [](const rows& r, int i, int c = 0) -> queue_record {
  return {r.text(i, c), r.text(i, c + 1), millis{r.int64(i, c + 2)}, millis{r.int64(i, c + 3)},
          from_epoch_ms(r.int64(i, c + 4))};
};
inline access_key_record read_access_key(const rows& r, int i) {
  return {r.text(i, 0), r.text(i, 1), r.blob(i, 2), from_epoch_ms(r.int64(i, 3))};
}
constexpr auto read_audit = [](const rows& r, int i, int c = 0) {
  audit_record e;
  e.seq = r.int64(i, c);
  e.at = from_epoch_ms(r.int64(i, c + 1));
  e.actor = r.text(i, c + 2);
  e.action = r.text(i, c + 3);
  e.application_id = r.text(i, c + 4);
  e.request_id = r.text(i, c + 5);
  e.fingerprint = r.text(i, c + 6);
  e.detail = r.text(i, c + 7);
  e.previous_hash = to_digest(r.blob(i, c + 8));
  e.hash = to_digest(r.blob(i, c + 9));
  e.chain = static_cast<int>(r.int64(i, c + 10));
  return e;
};
#define AUDIT_COLUMNS \
  "seq, at, actor, action, application_id, request_id, fingerprint, detail, previous_hash, hash, chain"

constexpr auto read_bucket = [](const rows& r, int i, int c = 0) -> rate_bucket_record {
  return {r.text(i, c), r.text(i, c + 1), r.real(i, c + 2), from_epoch_ms(r.int64(i, c + 3))};
};

// What a rotation reads of its application, joined under these aliases: the application (a),
// its subscription (s), the subscription's destination (d), an embedded destination's queue (q)
// and the rate bucket (b) — read_for_rotation's read and a rotation batch's.
#define ROTATION_JOIN_COLUMNS                                                     \
  "a.id, a.name, a.client_id, a.rotate_rate, a.rotate_burst, a.created_at,"       \
  " s.id, s.application_id, s.notification_type, s.destination_id, s.created_at," \
  " d.id, d.application_id, d.kind, d.config, d.created_at,"                      \
  " q.account, q.name, q.visibility_timeout_ms, q.retention_ms, q.created_at,"    \
  " b.application_id, b.operation, b.tokens, b.updated_at"
constexpr int rotation_join_width = 25;

// ROTATION_JOIN_COLUMNS from column `c` on, into `out` (what is missing stays nullopt).
inline void read_rotation_join(const rows& r, int i, int c, rotation_reads& out) {
  if (!r.is_null(i, c)) out.application = read_application(r, i, c);
  if (!r.is_null(i, c + 6)) out.subscription = read_subscription(r, i, c + 6);
  if (!r.is_null(i, c + 11)) out.destination = read_destination(r, i, c + 11);
  if (!r.is_null(i, c + 16)) out.queue = read_queue(r, i, c + 16);
  if (!r.is_null(i, c + 21)) out.bucket = read_bucket(r, i, c + 21);
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
inline audit_head read_audit_head(const rows& r, int c = 0) {
  audit_head out;
  out.next_seq = r.int64(0, c);
  if (!r.is_null(0, c + 1)) out.last = read_audit(r, 0, c + 1);
  return out;
}

}  // namespace rekey::pg_detail
