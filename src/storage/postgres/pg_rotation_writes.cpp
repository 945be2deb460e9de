#include "storage/postgres/pg_rotation_writes.hpp"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>

#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {
namespace {

// A multi-row write's columns: one array parameter each, in binary (pg_array.hpp).
using type = pg_array::element;

std::int64_t ms(time_point t) { return to_epoch_ms(t); }
std::optional<std::int64_t> ms(const std::optional<time_point>& t) {
  return t ? std::optional<std::int64_t>{to_epoch_ms(*t)} : std::nullopt;
}

pg_params arrays(std::initializer_list<const pg_array*> columns) {
  pg_params p;
  for (const auto* c : columns) p.array(*c);
  return p;
}

constexpr const char* insert_secrets_sql =
    "INSERT INTO client_secrets(" SECRET_COLUMNS
    ")"
    " SELECT id, application_id, secret_hash, fingerprint, state, created_at, expires_at,"
    " next_warning_at, last_used_at, use_count"
    " FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],"
    " $8::bigint[], $9::bigint[], $10::bigint[]) AS t(id, application_id, secret_hash, fingerprint, state,"
    " created_at, expires_at, next_warning_at, last_used_at, use_count)";
constexpr const char* update_secrets_sql = "SELECT rekey_update_secrets($1::text[], $2::text[], $3::bigint[])";
constexpr const char* insert_outbox_sql =
    "INSERT INTO outbox(" OUTBOX_COLUMNS
    ")"
    " SELECT id, application_id, destination_id, notification_type, sealed_body, state, attempts,"
    " next_attempt_at, created_at, old_secret_id, delivered_at, last_error, new_secret_id"
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::integer[],"
    " $8::bigint[], $9::bigint[], $10::text[], $11::bigint[], $12::text[], $13::text[]) AS t(id, application_id,"
    " destination_id, notification_type, sealed_body, state, attempts, next_attempt_at, created_at, old_secret_id,"
    " delivered_at, last_error, new_secret_id)";
constexpr const char* insert_messages_sql =
    "INSERT INTO messages(" MESSAGE_COLUMNS
    ")"
    " SELECT id, account, queue, sealed_body, md5_of_body, sender_id, sent_at, visible_at,"
    " receive_count, first_received_at, receipt_handle, expires_at, NULL, ''"  // a notification: no attributes
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::text[], $7::bigint[],"
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
    " SELECT seq, at, actor, action, application_id, request_id, fingerprint, detail, previous_hash, hash, chain"
    " FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
    " $8::text[], $9::bytea[], $10::bytea[], $11::integer[]) AS t(seq, at, actor, action, application_id, request_id,"
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
  pg_array id(type::text), app(type::text), hash(type::bytea), fingerprint(type::text), state(type::text),
      created(type::int8), expires(type::int8), warning(type::int8), used(type::int8), count(type::int8);
  for (const auto& s : new_secrets_) {
    id.add(s.id);
    app.add(s.application_id);
    hash.add(s.hash);
    fingerprint.add(s.fingerprint);
    state.add(to_string(s.state));
    created.add(ms(s.created_at));
    expires.add(ms(s.expires_at));
    warning.add(ms(s.next_warning_at));
    used.add(ms(s.last_used_at));
    count.add(s.use_count);
  }
  return db.queue(insert_secrets_sql,
                  arrays({&id, &app, &hash, &fingerprint, &state, &created, &expires, &warning, &used, &count}));
}

result<void> pg_rotation_writes::queue_secret_updates(pg_connection& db) const {
  if (secret_updates_.empty()) return {};
  pg_array id(type::text), state(type::text), expires(type::int8);
  for (const auto& s : secret_updates_) {
    id.add(s.id);
    state.add(to_string(s.state));
    expires.add(ms(s.expires_at));
  }
  return db.queue(update_secrets_sql, arrays({&id, &state, &expires}));
}

result<void> pg_rotation_writes::queue_outbox(pg_connection& db) const {
  if (outbox_.empty()) return {};
  pg_array id(type::text), app(type::text), destination(type::text), kind(type::text), body(type::bytea),
      state(type::text), attempts(type::int4), next(type::int8), created(type::int8), old_secret(type::text),
      delivered(type::int8), error(type::text), new_secret(type::text);
  for (const auto& o : outbox_) {
    id.add(o.id);
    app.add(o.application_id);
    destination.add(o.destination_id);
    kind.add(o.notification_type);
    body.add(o.sealed_body);
    state.add(to_string(o.state));
    attempts.add(o.attempts);
    next.add(ms(o.next_attempt_at));
    created.add(ms(o.created_at));
    old_secret.add(o.old_secret_id);
    delivered.add(ms(o.delivered_at));
    error.add(o.last_error);
    new_secret.add(o.new_secret_id);
  }
  return db.queue(insert_outbox_sql, arrays({&id, &app, &destination, &kind, &body, &state, &attempts, &next, &created,
                                             &old_secret, &delivered, &error, &new_secret}));
}

result<void> pg_rotation_writes::queue_messages(pg_connection& db) const {
  if (messages_.empty()) return {};
  pg_array id(type::text), account(type::text), queue(type::text), body(type::bytea), md5(type::text),
      sender(type::text), sent(type::int8), visible(type::int8), receives(type::int4), first_received(type::int8),
      receipt(type::text), expires(type::int8);
  for (const auto& m : messages_) {
    id.add(m.id);
    account.add(m.account);
    queue.add(m.queue);
    body.add(m.sealed_body);
    md5.add(m.md5_of_body);
    sender.add(m.sender_id);
    sent.add(ms(m.sent_at));
    visible.add(ms(m.visible_at));
    receives.add(m.receive_count);
    first_received.add(ms(m.first_received_at));
    receipt.add(m.receipt_handle);
    expires.add(ms(m.expires_at));
  }
  return db.queue(insert_messages_sql, arrays({&id, &account, &queue, &body, &md5, &sender, &sent, &visible, &receives,
                                               &first_received, &receipt, &expires}));
}

result<void> pg_rotation_writes::queue_buckets(pg_connection& db) const {
  if (buckets_.empty()) return {};
  pg_array app(type::text), operation(type::text), tokens(type::float8), updated(type::int8);
  for (const auto& b : buckets_) {
    app.add(b.application_id);
    operation.add(b.operation);
    tokens.add(b.tokens);
    updated.add(ms(b.updated_at));
  }
  return db.queue(save_buckets_sql, arrays({&app, &operation, &tokens, &updated}));
}

result<void> pg_rotation_writes::queue_audit(pg_connection& db) const {
  if (audit_.empty()) return {};
  pg_array seq(type::int8), at(type::int8), actor(type::text), action(type::text), app(type::text), request(type::text),
      fingerprint(type::text), detail(type::text), previous(type::bytea), hash(type::bytea), chain(type::int4);
  for (const auto& e : audit_) {
    seq.add(e.seq);
    at.add(ms(e.at));
    actor.add(e.actor);
    action.add(e.action);
    app.add(e.application_id);
    request.add(e.request_id);
    fingerprint.add(e.fingerprint);
    detail.add(e.detail);
    previous.add(e.previous_hash);
    hash.add(e.hash);
    chain.add(e.chain);
  }
  return db.queue(insert_audit_sql, arrays({&seq, &at, &actor, &action, &app, &request, &fingerprint, &detail,
                                            &previous, &hash, &chain}));
}

}  // namespace rekey
