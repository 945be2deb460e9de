#include "storage/postgres/pg_rotation_writes.hpp"

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <optional>

#include "core/identifiers.hpp"
#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {
namespace {

// A column of a multi-row write: one array parameter, elements as text. bytea goes as hex text
// (to_hex), decoded in SQL: an array literal has no binary form here.
using column = std::vector<std::optional<std::string>>;

std::string number(std::int64_t v) { return std::to_string(v); }
std::string time_text(time_point t) { return number(to_epoch_ms(t)); }
std::optional<std::string> optional_time_text(const std::optional<time_point>& t) {
  return t ? std::optional<std::string>{time_text(*t)} : std::nullopt;
}

pg_params arrays(std::initializer_list<const column*> columns) {
  pg_params p;
  for (const auto* c : columns) p.array(*c);
  return p;
}

constexpr const char* insert_secrets_sql =
    "INSERT INTO client_secrets(" SECRET_COLUMNS
    ")"
    " SELECT id, application_id, decode(secret_hash, 'hex'), fingerprint, state, created_at, expires_at,"
    " next_warning_at, last_used_at, use_count"
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],"
    " $8::bigint[], $9::bigint[], $10::bigint[]) AS t(id, application_id, secret_hash, fingerprint, state,"
    " created_at, expires_at, next_warning_at, last_used_at, use_count)";
constexpr const char* update_secrets_sql = "SELECT rekey_update_secrets($1::text[], $2::text[], $3::bigint[])";
constexpr const char* insert_outbox_sql =
    "INSERT INTO outbox(" OUTBOX_COLUMNS
    ")"
    " SELECT id, application_id, destination_id, notification_type, decode(sealed_body, 'hex'), state, attempts,"
    " next_attempt_at, created_at, old_secret_id, delivered_at, last_error, new_secret_id"
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::integer[],"
    " $8::bigint[], $9::bigint[], $10::text[], $11::bigint[], $12::text[], $13::text[]) AS t(id, application_id,"
    " destination_id, notification_type, sealed_body, state, attempts, next_attempt_at, created_at, old_secret_id,"
    " delivered_at, last_error, new_secret_id)";
constexpr const char* insert_messages_sql =
    "INSERT INTO messages(" MESSAGE_COLUMNS
    ")"
    " SELECT id, account, queue, decode(sealed_body, 'hex'), md5_of_body, sender_id, sent_at, visible_at,"
    " receive_count, first_received_at, receipt_handle, expires_at, NULL, ''"  // a notification: no attributes
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[],"
    " $8::bigint[], $9::integer[], $10::bigint[], $11::text[], $12::bigint[]) AS t(id, account, queue, sealed_body,"
    " md5_of_body, sender_id, sent_at, visible_at, receive_count, first_received_at, receipt_handle, expires_at)";
constexpr const char* save_buckets_sql =
    "INSERT INTO rate_buckets(application_id, operation, tokens, updated_at)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::double precision[], $4::bigint[])"
    " ON CONFLICT (application_id, operation) DO UPDATE SET tokens = excluded.tokens,"
    " updated_at = excluded.updated_at";
constexpr const char* insert_audit_sql =
    "INSERT INTO audit_log(" AUDIT_COLUMNS
    ")"
    " SELECT seq, at, actor, action, application_id, request_id, fingerprint, detail, decode(previous_hash, 'hex'),"
    " decode(hash, 'hex'), chain"
    " FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
    " $8::text[], $9::text[], $10::text[], $11::integer[]) AS t(seq, at, actor, action, application_id, request_id,"
    " fingerprint, detail, previous_hash, hash, chain)";

template <class T>
auto with_id(std::vector<T>& records, const std::string& id) {
  return std::find_if(records.begin(), records.end(), [&](const auto& r) { return r.id == id; });
}

}  // namespace

void pg_rotation_writes::add_event(std::string event) {
  if (std::find(events_.begin(), events_.end(), event) == events_.end()) events_.push_back(std::move(event));
}

void pg_rotation_writes::insert_secret(const secret_record& secret) {
  new_secrets_.push_back(secret);
  add_event("app:" + secret.application_id);
}

void pg_rotation_writes::update_secret(const secret_record& change) {
  secret_updates_.push_back(change);
  add_event("app:" + change.application_id);
}

void pg_rotation_writes::insert_message(const message_record& message) {
  messages_.push_back(message);
  add_event("queue:" + message.account + "/" + message.queue);
}

void pg_rotation_writes::save_bucket(const rate_bucket_record& bucket) { buckets_.push_back(bucket); }

void pg_rotation_writes::absorb(pg_rotation_writes unit) {
  std::move(unit.new_secrets_.begin(), unit.new_secrets_.end(), std::back_inserter(new_secrets_));
  for (const auto& change : unit.secret_updates_) {
    if (auto fresh = with_id(new_secrets_, change.id); fresh != new_secrets_.end()) {
      move_forward(*fresh, change);  // a secret this batch creates: its insert carries the change
    } else if (auto earlier = with_id(secret_updates_, change.id); earlier != secret_updates_.end()) {
      move_forward(*earlier, change);  // one update per secret: the changes merged
    } else {
      secret_updates_.push_back(change);
    }
  }
  for (auto& bucket : unit.buckets_) {
    auto same = std::find_if(buckets_.begin(), buckets_.end(), [&](const auto& b) {
      return b.application_id == bucket.application_id && b.operation == bucket.operation;
    });
    if (same != buckets_.end())
      *same = std::move(bucket);
    else
      buckets_.push_back(std::move(bucket));
  }
  std::move(unit.audit_.begin(), unit.audit_.end(), std::back_inserter(audit_));
  std::move(unit.outbox_.begin(), unit.outbox_.end(), std::back_inserter(outbox_));
  std::move(unit.messages_.begin(), unit.messages_.end(), std::back_inserter(messages_));
  for (auto& event : unit.events_) add_event(std::move(event));
}

result<void> pg_rotation_writes::queue(pg_connection& db) const {
  for (auto send : {&pg_rotation_writes::queue_new_secrets, &pg_rotation_writes::queue_secret_updates,
                    &pg_rotation_writes::queue_outbox, &pg_rotation_writes::queue_messages,
                    &pg_rotation_writes::queue_buckets, &pg_rotation_writes::queue_audit}) {
    if (auto r = (this->*send)(db); !r) return r;
  }
  return {};
}

result<void> pg_rotation_writes::queue_new_secrets(pg_connection& db) const {
  if (new_secrets_.empty()) return {};
  column id, app, hash, fingerprint, state, created, expires, warning, used, count;
  for (const auto& s : new_secrets_) {
    id.push_back(s.id);
    app.push_back(s.application_id);
    hash.push_back(to_hex(s.hash));
    fingerprint.push_back(s.fingerprint);
    state.push_back(std::string(to_string(s.state)));
    created.push_back(time_text(s.created_at));
    expires.push_back(time_text(s.expires_at));
    warning.push_back(optional_time_text(s.next_warning_at));
    used.push_back(optional_time_text(s.last_used_at));
    count.push_back(number(s.use_count));
  }
  return db.queue(insert_secrets_sql,
                  arrays({&id, &app, &hash, &fingerprint, &state, &created, &expires, &warning, &used, &count}));
}

result<void> pg_rotation_writes::queue_secret_updates(pg_connection& db) const {
  if (secret_updates_.empty()) return {};
  column id, state, expires;
  for (const auto& s : secret_updates_) {
    id.push_back(s.id);
    state.push_back(std::string(to_string(s.state)));
    expires.push_back(time_text(s.expires_at));
  }
  return db.queue(update_secrets_sql, arrays({&id, &state, &expires}));
}

result<void> pg_rotation_writes::queue_outbox(pg_connection& db) const {
  if (outbox_.empty()) return {};
  column id, app, destination, type, body, state, attempts, next, created, old_secret, delivered, error, new_secret;
  for (const auto& o : outbox_) {
    id.push_back(o.id);
    app.push_back(o.application_id);
    destination.push_back(o.destination_id);
    type.push_back(o.notification_type);
    body.push_back(to_hex(o.sealed_body));
    state.push_back(std::string(to_string(o.state)));
    attempts.push_back(number(o.attempts));
    next.push_back(time_text(o.next_attempt_at));
    created.push_back(time_text(o.created_at));
    old_secret.push_back(o.old_secret_id);
    delivered.push_back(optional_time_text(o.delivered_at));
    error.push_back(o.last_error);
    new_secret.push_back(o.new_secret_id);
  }
  return db.queue(insert_outbox_sql, arrays({&id, &app, &destination, &type, &body, &state, &attempts, &next, &created,
                                             &old_secret, &delivered, &error, &new_secret}));
}

result<void> pg_rotation_writes::queue_messages(pg_connection& db) const {
  if (messages_.empty()) return {};
  column id, account, queue, body, md5, sender, sent, visible, receives, first_received, receipt, expires;
  for (const auto& m : messages_) {
    id.push_back(m.id);
    account.push_back(m.account);
    queue.push_back(m.queue);
    body.push_back(to_hex(m.sealed_body));
    md5.push_back(m.md5_of_body);
    sender.push_back(m.sender_id);
    sent.push_back(time_text(m.sent_at));
    visible.push_back(time_text(m.visible_at));
    receives.push_back(number(m.receive_count));
    first_received.push_back(optional_time_text(m.first_received_at));
    receipt.push_back(m.receipt_handle);
    expires.push_back(time_text(m.expires_at));
  }
  return db.queue(insert_messages_sql, arrays({&id, &account, &queue, &body, &md5, &sender, &sent, &visible, &receives,
                                               &first_received, &receipt, &expires}));
}

result<void> pg_rotation_writes::queue_buckets(pg_connection& db) const {
  if (buckets_.empty()) return {};
  column app, operation, tokens, updated;
  for (const auto& b : buckets_) {
    app.push_back(b.application_id);
    operation.push_back(b.operation);
    tokens.push_back(pg_real_text(b.tokens));
    updated.push_back(time_text(b.updated_at));
  }
  return db.queue(save_buckets_sql, arrays({&app, &operation, &tokens, &updated}));
}

result<void> pg_rotation_writes::queue_audit(pg_connection& db) const {
  if (audit_.empty()) return {};
  column seq, at, actor, action, app, request, fingerprint, detail, previous, hash, chain;
  for (const auto& e : audit_) {
    seq.push_back(number(e.seq));
    at.push_back(time_text(e.at));
    actor.push_back(e.actor);
    action.push_back(e.action);
    app.push_back(e.application_id);
    request.push_back(e.request_id);
    fingerprint.push_back(e.fingerprint);
    detail.push_back(e.detail);
    previous.push_back(to_hex(e.previous_hash));
    hash.push_back(to_hex(e.hash));
    chain.push_back(number(e.chain));
  }
  return db.queue(insert_audit_sql, arrays({&seq, &at, &actor, &action, &app, &request, &fingerprint, &detail,
                                            &previous, &hash, &chain}));
}

}  // namespace rekey
