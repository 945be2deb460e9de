#include "storage/postgres/pg_rotation_batch.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <set>

#include "core/identifiers.hpp"
#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {
namespace {

using namespace pg_detail;
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

// The locks, as read_for_rotation takes them (pg_store.cpp), each kind in the order of its key.
constexpr const char* bucket_locks_sql =
    "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtextextended(a || '/' || $2::text, 0) AS k"
    " FROM unnest($1::text[]) AS a ORDER BY 1) AS keys";
constexpr const char* chain_locks_sql =
    "SELECT count(pg_advisory_xact_lock(730241, c)) FROM (SELECT DISTINCT c FROM unnest($1::integer[]) AS c"
    " ORDER BY 1) AS chains";
// As read_for_rotation's join, one row per application, its id first. Each table is looked up
// by its index for each application: LATERAL with LIMIT keeps the planner from flattening these
// into hash joins over whole tables, which a generic plan (unnest estimated at 10 rows) chooses
// otherwise — O(applications) per batch.
constexpr const char* applications_sql =
    "SELECT k.id, " ROTATION_JOIN_COLUMNS
    " FROM unnest($1::text[]) AS k(id)"
    " LEFT JOIN LATERAL (SELECT * FROM applications WHERE id = k.id LIMIT 1) AS a ON TRUE"
    " LEFT JOIN LATERAL (SELECT * FROM subscriptions WHERE application_id = a.id AND notification_type = $2"
    " LIMIT 1) AS s ON TRUE"
    " LEFT JOIN LATERAL (SELECT * FROM destinations WHERE id = s.destination_id LIMIT 1) AS d ON TRUE"
    " LEFT JOIN LATERAL (SELECT * FROM queues WHERE d.kind = 'embedded'"
    " AND account = CASE WHEN d.kind = 'embedded' THEN d.config::jsonb ->> 'account' END"
    " AND name = CASE WHEN d.kind = 'embedded' THEN d.config::jsonb ->> 'queue' END LIMIT 1) AS q ON TRUE"
    " LEFT JOIN LATERAL (SELECT * FROM rate_buckets WHERE application_id = k.id AND operation = $3 LIMIT 1) AS b"
    " ON TRUE";
constexpr const char* secrets_sql = "SELECT " SECRET_COLUMNS
                                    " FROM client_secrets WHERE application_id = ANY($1::text[])"
                                    " ORDER BY application_id, created_at DESC, seq DESC";
constexpr const char* chain_heads_sql =
    "SELECT c, l.* FROM unnest($1::integer[]) AS c LEFT JOIN LATERAL"
    " (SELECT " AUDIT_COLUMNS " FROM audit_log WHERE chain = c ORDER BY seq DESC LIMIT 1) AS l ON TRUE";
constexpr const char* audit_seqs_sql = "SELECT nextval('audit_seq') FROM generate_series(1, $1::integer)";

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
    " receive_count, first_received_at, receipt_handle, expires_at"
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
constexpr const char* notify_sql = "SELECT pg_notify('rekey', e) FROM unnest($1::text[]) AS e";

// secret_repository::update's rule, as rekey_update_secret applies it to a row.
void move_forward(secret_record& secret, const secret_record& change) {
  const bool stays_current = change.state == secret_state::current && secret.state == secret_state::current;
  secret.state = std::max(secret.state, change.state);  // the enum is in the order of the progression
  secret.expires_at = std::min(secret.expires_at, change.expires_at);
  if (!stays_current) secret.next_warning_at.reset();
}

}  // namespace

pg_rotation_batch::pg_rotation_batch(pg_pool::lease db, std::string node)
    : db_(std::move(db)), node_(std::move(node)) {}

result<void> pg_rotation_batch::start(std::span<const rotation_key> rotations) {
  if (rotations.empty()) return errc::internal;
  operation_ = rotations.front().operation;
  notification_type_ = rotations.front().notification_type;
  std::set<std::string> application_ids;
  std::set<int> chains;
  for (const auto& key : rotations) {
    if (key.operation != operation_ || key.notification_type != notification_type_) return errc::internal;
    application_ids.insert(key.application_id);
    chains.insert(key.audit_chain);
  }
  const std::vector<std::string> ids(application_ids.begin(), application_ids.end());
  std::vector<std::string> chain_list;
  for (const int c : chains) chain_list.push_back(std::to_string(c));

  hooks_.start();
  if (auto r = db_->begin_transaction(); !r) return r;
  const pg_statement statements[] = {
      {bucket_locks_sql, pg_params().text_array(ids).text(operation_)},
      {chain_locks_sql, pg_params().text_array(chain_list)},
      {applications_sql, pg_params().text_array(ids).text(notification_type_).text(operation_)},
      {secrets_sql, pg_params().text_array(ids)},
      {chain_heads_sql, pg_params().text_array(chain_list)},
      {audit_seqs_sql, pg_params().int64(static_cast<std::int64_t>(rotations.size()))},
  };
  auto rows = db_->run_all(statements);
  if (!rows) return rows.error();

  const auto& apps = (*rows)[2];
  for (int i = 0; i < apps.size(); ++i) {
    rotation_reads reads;
    read_rotation_join(apps, i, 1, reads);
    applications_.emplace(apps.text(i, 0), std::move(reads));
  }
  const auto& secrets = (*rows)[3];
  for (int i = 0; i < secrets.size(); ++i) {
    auto secret = read_secret(secrets, i);
    applications_[secret.application_id].secrets.push_back(std::move(secret));
  }
  const auto& heads = (*rows)[4];
  for (int i = 0; i < heads.size(); ++i) {
    std::optional<audit_record> last;
    if (!heads.is_null(i, 1)) last = read_audit(heads, i, 1);
    chain_heads_[static_cast<int>(heads.int64(i, 0))] = std::move(last);
  }
  const auto& seqs = (*rows)[5];
  for (int i = 0; i < seqs.size(); ++i) audit_seqs_.push_back(seqs.int64(i, 0));
  return {};
}

result<rotation_reads> pg_rotation_batch::reads_for(std::string_view application_id, std::string_view operation,
                                                    std::string_view notification_type, int audit_chain) {
  const auto app = applications_.find(std::string(application_id));
  const auto chain = chain_heads_.find(audit_chain);
  if (app == applications_.end() || chain == chain_heads_.end() || audit_seqs_.empty() || operation != operation_ ||
      notification_type != notification_type_) {
    spdlog::error("rotation batch: a rotation the batch was not started for");
    return errc::internal;
  }
  rotation_reads out = app->second;
  out.audit.next_seq = audit_seqs_.front();
  audit_seqs_.pop_front();
  out.audit.last = chain->second;
  return out;
}

void pg_rotation_batch::update_secret(const secret_record& change) {
  auto& known = applications_[change.application_id].secrets;
  if (auto s = std::find_if(known.begin(), known.end(), [&](const auto& k) { return k.id == change.id; });
      s != known.end()) {
    move_forward(*s, change);
  }
  auto& fresh = writes_.new_secrets;  // a secret this batch creates: its insert carries the change
  if (auto s = std::find_if(fresh.begin(), fresh.end(), [&](const auto& k) { return k.id == change.id; });
      s != fresh.end()) {
    move_forward(*s, change);
    return;
  }
  auto& updates = writes_.secret_updates;  // one entry per secret: the changes merged
  if (auto s = std::find_if(updates.begin(), updates.end(), [&](const auto& k) { return k.id == change.id; });
      s != updates.end()) {
    s->state = std::max(s->state, change.state);
    s->expires_at = std::min(s->expires_at, change.expires_at);
    return;
  }
  updates.push_back(change);
}

void pg_rotation_batch::absorb(rotation_writes writes) {
  for (auto& secret : writes.new_secrets) {
    auto& known = applications_[secret.application_id].secrets;
    known.insert(known.begin(), secret);  // newest first
    writes_.new_secrets.push_back(std::move(secret));
  }
  for (const auto& change : writes.secret_updates) update_secret(change);
  for (auto& bucket : writes.buckets) {
    if (bucket.operation == operation_) applications_[bucket.application_id].bucket = bucket;
    auto& saved = writes_.buckets;
    auto same = std::find_if(saved.begin(), saved.end(), [&](const auto& b) {
      return b.application_id == bucket.application_id && b.operation == bucket.operation;
    });
    if (same != saved.end())
      *same = std::move(bucket);
    else
      saved.push_back(std::move(bucket));
  }
  for (auto& entry : writes.audit) {
    chain_heads_[entry.chain] = entry;
    writes_.audit.push_back(std::move(entry));
  }
  std::move(writes.outbox.begin(), writes.outbox.end(), std::back_inserter(writes_.outbox));
  std::move(writes.messages.begin(), writes.messages.end(), std::back_inserter(writes_.messages));
  for (auto& event : writes.events) {
    if (std::find(writes_.events.begin(), writes_.events.end(), event) == writes_.events.end())
      writes_.events.push_back(std::move(event));
  }
}

result<void> pg_rotation_batch::finish() {
  auto& db = *db_;
  auto send = [&db](const char* sql, const pg_params& params) { return db.queue(sql, params); };
  result<void> r;
  if (const auto& secrets = writes_.new_secrets; !secrets.empty()) {
    column id, app, hash, fingerprint, state, created, expires, warning, used, count;
    for (const auto& s : secrets) {
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
    if (r) {
      r = send(insert_secrets_sql,
               arrays({&id, &app, &hash, &fingerprint, &state, &created, &expires, &warning, &used, &count}));
    }
  }
  if (const auto& updates = writes_.secret_updates; r && !updates.empty()) {
    column id, state, expires;
    for (const auto& s : updates) {
      id.push_back(s.id);
      state.push_back(std::string(to_string(s.state)));
      expires.push_back(time_text(s.expires_at));
    }
    r = send(update_secrets_sql, arrays({&id, &state, &expires}));
  }
  if (const auto& items = writes_.outbox; r && !items.empty()) {
    column id, app, destination, type, body, state, attempts, next, created, old_secret, delivered, error, new_secret;
    for (const auto& o : items) {
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
    r = send(insert_outbox_sql, arrays({&id, &app, &destination, &type, &body, &state, &attempts, &next, &created,
                                        &old_secret, &delivered, &error, &new_secret}));
  }
  if (const auto& messages = writes_.messages; r && !messages.empty()) {
    column id, account, queue, body, md5, sender, sent, visible, receives, first_received, receipt, expires;
    for (const auto& m : messages) {
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
    r = send(insert_messages_sql, arrays({&id, &account, &queue, &body, &md5, &sender, &sent, &visible, &receives,
                                          &first_received, &receipt, &expires}));
  }
  if (const auto& buckets = writes_.buckets; r && !buckets.empty()) {
    column app, operation, tokens, updated;
    for (const auto& b : buckets) {
      app.push_back(b.application_id);
      operation.push_back(b.operation);
      tokens.push_back(pg_real_text(b.tokens));
      updated.push_back(time_text(b.updated_at));
    }
    r = send(save_buckets_sql, arrays({&app, &operation, &tokens, &updated}));
  }
  if (const auto& entries = writes_.audit; r && !entries.empty()) {
    column seq, at, actor, action, app, request, fingerprint, detail, previous, hash, chain;
    for (const auto& e : entries) {
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
    r = send(insert_audit_sql,
             arrays({&seq, &at, &actor, &action, &app, &request, &fingerprint, &detail, &previous, &hash, &chain}));
  }
  if (r) r = db.queue_command("COMMIT");
  if (r && !writes_.events.empty()) {
    std::vector<std::string> payloads;
    for (const auto& event : writes_.events) payloads.push_back(node_ + "|" + event);
    r = db.queue_best_effort(notify_sql, pg_params().text_array(payloads));
  }
  if (r) r = db.flush();  // the writes, the commit and the events: one round trip
  if (!r) {
    abandon();
    return r;
  }
  hooks_.committed();
  return {};
}

void pg_rotation_batch::abandon() {
  db_->discard();
  (void)db_->exec("ROLLBACK");
  hooks_.dropped();
}

}  // namespace rekey
