#include "storage/postgres/pg_store.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>
#include <thread>

#include "storage/postgres/pg_migrations.hpp"
#include "storage/postgres/pg_record_rows.hpp"
#include "storage/postgres/pg_rotation_batch.hpp"

namespace rekey {
namespace {

using namespace pg_detail;

// This process's id in event payloads (not a secret: only tells nodes apart).
std::string new_node_id() {
  std::random_device seed;
  return std::to_string(seed()) + "-" + std::to_string(seed());
}

template <class T, class Read>
result<std::vector<T>> all(result<rows> r, Read read) {
  if (!r) return r.error();
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) out.push_back(read(*r, i));
  return out;
}

template <class T, class Read>
result<std::optional<T>> one(result<rows> r, Read read) {
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<T>{};
  return std::optional<T>{read(*r, 0)};
}

result<void> done(result<rows> r) {
  if (!r) return r.error();
  return {};
}

// Access keys, apart: their find() and list() would clash with the applications'.
class pg_access_keys final : public access_key_repository {
 public:
  explicit pg_access_keys(pg_connection& db) : db_(db) {}
  result<void> insert(const access_key_record& k) override {
    return done(db_.run("INSERT INTO access_keys(id, account, sealed_secret, created_at) VALUES ($1, $2, $3, $4)",
                        pg_params().text(k.id).text(k.account).blob(k.sealed_secret).int64(to_epoch_ms(k.created_at))));
  }
  result<std::optional<access_key_record>> find(std::string_view id) override {
    return one<access_key_record>(
        db_.run("SELECT id, account, sealed_secret, created_at FROM access_keys WHERE id = $1", pg_params().text(id)),
        read_access_key);
  }
  result<std::vector<access_key_record>> list() override {
    return all<access_key_record>(
        db_.run("SELECT id, account, sealed_secret, created_at FROM access_keys ORDER BY created_at, id"),
        read_access_key);
  }

 private:
  pg_connection& db_;
};

// One open transaction (or savepoint, inside a batch) on the store's connection; implements every
// other repository over it.
class pg_unit_of_work final : public unit_of_work,
                              application_repository,
                              secret_repository,
                              refresh_token_repository,
                              notification_repository,
                              outbox_repository,
                              rate_limit_repository,
                              key_repository,
                              queue_repository,
                              audit_repository {
 public:
  // `lease` is the connection's lease, or empty inside a batch (the batch holds `db`).
  // `rotation_batch`: the rotation batch this unit is one rotation of, if any (pg_rotation_batch.hpp).
  pg_unit_of_work(pg_pool::lease lease, pg_connection& db, const std::string& node, hook_list* batch,
                  pg_rotation_batch* rotation_batch = nullptr)
      : lease_(std::move(lease)),
        db_(db),
        node_(node),
        access_keys_(db),
        hooks_(batch),
        rotation_batch_(rotation_batch) {}
  ~pg_unit_of_work() override {
    if (committed_ || rotation_batch_ != nullptr) return;  // a rotation's held writes just go
    db_.discard();
    if (hooks_.in_batch()) {
      (void)db_.exec("ROLLBACK TO SAVEPOINT unit; RELEASE SAVEPOINT unit");
    } else {
      (void)db_.exec("ROLLBACK");
    }
  }

  void after_commit(std::function<void()> hook) override { hooks_.add(std::move(hook)); }

  application_repository& applications() override { return *this; }
  secret_repository& secrets() override { return *this; }
  refresh_token_repository& refresh_tokens() override { return *this; }
  notification_repository& notifications() override { return *this; }
  outbox_repository& outbox() override { return *this; }
  rate_limit_repository& rate_limits() override { return *this; }
  key_repository& keys() override { return *this; }
  access_key_repository& access_keys() override { return access_keys_; }
  queue_repository& queues() override { return *this; }
  audit_repository& audit() override { return *this; }

  void pipeline_writes() override { pipelining_ = true; }

  result<rotation_reads> read_for_rotation(std::string_view application_id, std::string_view operation,
                                           std::string_view notification_type, int audit_chain) override {
    if (rotation_batch_ != nullptr)
      return rotation_batch_->reads_for(application_id, operation, notification_type, audit_chain);
    // One round trip, no PL/pgSQL: the first statement takes the bucket's lock and then the audit
    // chain's (the same keys as rekey_rate_bucket and rekey_audit_head, pg_migrations.cpp version
    // 2; a select list is evaluated in order); the reads are statements of their own after it, so
    // their snapshots are taken once the locks are held and see what the previous holder
    // committed. An embedded destination's queue is joined, its address read from the
    // destination's config in SQL (the fields embedded_address reads).
    const pg_statement reads[] = {
        {"SELECT pg_advisory_xact_lock(hashtextextended($1::text || '/' || $2::text, 0)),"
         " pg_advisory_xact_lock(730241, $3::integer)",
         pg_params().text(application_id).text(operation).int64(audit_chain)},
        {"SELECT " ROTATION_JOIN_COLUMNS ","
         " nextval('audit_seq'), l.seq, l.at, l.actor, l.action, l.application_id, l.request_id, l.fingerprint,"
         " l.detail, l.previous_hash, l.hash, l.chain"
         " FROM (SELECT 1) AS one"
         " LEFT JOIN applications AS a ON a.id = $1"
         " LEFT JOIN subscriptions AS s ON s.application_id = a.id AND s.notification_type = $2"
         " LEFT JOIN destinations AS d ON d.id = s.destination_id"
         " LEFT JOIN queues AS q ON d.kind = 'embedded'"
         " AND q.account = CASE WHEN d.kind = 'embedded' THEN d.config::jsonb ->> 'account' END"
         " AND q.name = CASE WHEN d.kind = 'embedded' THEN d.config::jsonb ->> 'queue' END"
         " LEFT JOIN rate_buckets AS b ON b.application_id = $1 AND b.operation = $3"
         " LEFT JOIN LATERAL (SELECT * FROM audit_log WHERE chain = $4::integer ORDER BY seq DESC LIMIT 1) AS l"
         " ON TRUE",
         pg_params().text(application_id).text(notification_type).text(operation).int64(audit_chain)},
        {secrets_of_sql, pg_params().text(application_id)},
    };
    auto rows = db_.run_all(reads);
    if (!rows) return rows.error();
    const auto& r = (*rows)[1];
    if (r.size() != 1) return errc::internal;
    rotation_reads out;
    read_rotation_join(r, 0, 0, out);
    out.audit = read_audit_head(r, rotation_join_width);
    const auto& secrets = (*rows)[2];
    for (int i = 0; i < secrets.size(); ++i) out.secrets.push_back(read_secret(secrets, i));
    return out;
  }

  result<void> commit() override {
    result<void> r;
    if (rotation_batch_ != nullptr) {
      held_.events = std::move(events_);
      rotation_batch_->absorb(std::move(held_));
    } else if (hooks_.in_batch()) {
      // Inside a batch the events go with the batch's transaction (batches are for SQLite's
      // group commit; PostgreSQL serves them for the contract, not for speed).
      r = send_events_now();
      if (r) r = db_.exec("RELEASE SAVEPOINT unit");
    } else if (pipelining_ && !db_.row_counts_unchecked()) {
      r = db_.queue_command("COMMIT");
      if (r) r = queue_events_after_commit();
      if (r) r = db_.flush();  // the queued writes, the commit and the events: one round trip
    } else {
      r = db_.exec("COMMIT");  // exec() flushes what is queued first, and stops at its first error
      if (r) (void)send_events_now();
    }
    if (!r) return r;
    committed_ = true;
    hooks_.committed();
    return {};
  }

  // --- applications
  result<void> insert(const application_record& a) override {
    pg_params p;
    p.text(a.id).text(a.name).text(a.client_id);
    if (a.rotate_rate)
      p.real(*a.rotate_rate);
    else
      p.null();
    p.optional_int64(a.rotate_burst).int64(to_epoch_ms(a.created_at));
    return done(
        db_.run("INSERT INTO applications(id, name, client_id, rotate_rate, rotate_burst, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                p));
  }
  result<std::optional<application_record>> find(std::string_view id) override {
    return one<application_record>(
        db_.run("SELECT " APPLICATION_COLUMNS " FROM applications WHERE id = $1", pg_params().text(id)),
        read_application);
  }
  result<std::optional<application_record>> find_by_client_id(std::string_view client_id) override {
    return one<application_record>(
        db_.run("SELECT " APPLICATION_COLUMNS " FROM applications WHERE client_id = $1", pg_params().text(client_id)),
        read_application);
  }
  result<std::vector<application_record>> list() override {
    return all<application_record>(db_.run("SELECT " APPLICATION_COLUMNS " FROM applications ORDER BY created_at, id"),
                                   read_application);
  }

  // --- secrets
  result<void> insert(const secret_record& s) override {
    if (rotation_batch_ != nullptr) {
      held_.new_secrets.push_back(s);
      return notify("app:" + s.application_id);
    }
    pg_params p;
    p.text(s.id).text(s.application_id).blob(s.hash).text(s.fingerprint).text(to_string(s.state));
    p.int64(to_epoch_ms(s.created_at)).int64(to_epoch_ms(s.expires_at));
    optional_time_param(p, s.next_warning_at);
    optional_time_param(p, s.last_used_at);
    p.int64(s.use_count);
    if (auto r =
            write("INSERT INTO client_secrets(" SECRET_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", p);
        !r) {
      return r;
    }
    return notify("app:" + s.application_id);
  }
  result<std::vector<secret_record>> list_for(std::string_view application_id) override {
    return all<secret_record>(db_.run(secrets_of_sql, pg_params().text(application_id)), read_secret);
  }
  result<void> update(const secret_record& s) override {
    // Forward only (store.hpp): the further state, the earlier expiry.
    // Fails (no_data_found) when there is no such secret (pg_migrations.cpp, version 3).
    if (rotation_batch_ != nullptr) {
      held_.secret_updates.push_back(s);
    } else if (auto r = write("SELECT rekey_update_secret($1, $2, $3)",
                              pg_params().text(s.id).text(to_string(s.state)).int64(to_epoch_ms(s.expires_at)));
               !r) {
      return r;
    }
    return notify("app:" + s.application_id);
  }
  result<std::vector<secret_record>> list_warning_due(time_point now, int limit) override {
    return all<secret_record>(
        db_.run("SELECT " SECRET_COLUMNS " FROM client_secrets WHERE next_warning_at IS NOT NULL"
                " AND next_warning_at <= $1 AND state = 'current' ORDER BY next_warning_at LIMIT $2",
                pg_params().int64(to_epoch_ms(now)).int64(limit)),
        read_secret);
  }
  result<bool> reschedule_warning(std::string_view id, time_point expected, std::optional<time_point> next) override {
    pg_params p;
    p.text(id).int64(to_epoch_ms(expected));
    optional_time_param(p, next);
    auto r = db_.run("UPDATE client_secrets SET next_warning_at = $3 WHERE id = $1 AND next_warning_at = $2", p);
    if (!r) return {boost::system::in_place_error, r.error()};
    return r->affected() == 1;
  }
  result<std::vector<secret_record>> list_newly_expired(time_point now, int limit) override {
    return all<secret_record>(
        db_.run("SELECT " SECRET_COLUMNS " FROM client_secrets WHERE expires_at <= $1 AND NOT expiry_recorded"
                " AND state IN ('current', 'old') ORDER BY expires_at LIMIT $2",
                pg_params().int64(to_epoch_ms(now)).int64(limit)),
        read_secret);
  }
  result<void> mark_expiry_recorded(std::string_view id) override {
    return write("UPDATE client_secrets SET expiry_recorded = TRUE WHERE id = $1", pg_params().text(id));
  }
  result<void> add_usage(std::string_view id, std::int64_t count, time_point last_used_at) override {
    return write(
        "UPDATE client_secrets SET use_count = use_count + $2,"
        " last_used_at = GREATEST(COALESCE(last_used_at, 0), $3) WHERE id = $1",
        pg_params().text(id).int64(count).int64(to_epoch_ms(last_used_at)));
  }

  // --- refresh tokens
  result<void> insert(const refresh_token_record& t) override {
    return done(db_.run("INSERT INTO refresh_tokens(token_hash, application_id, created_at) VALUES ($1, $2, $3)",
                        pg_params().blob(t.hash).text(t.application_id).int64(to_epoch_ms(t.created_at))));
  }
  result<std::optional<refresh_token_record>> find(const digest256& hash) override {
    return one<refresh_token_record>(
        db_.run("SELECT token_hash, application_id, created_at FROM refresh_tokens WHERE token_hash = $1",
                pg_params().blob(hash)),
        [](const rows& r, int i) {
          return refresh_token_record{to_digest(r.blob(i, 0)), r.text(i, 1), from_epoch_ms(r.int64(i, 2))};
        });
  }

  // --- destinations and subscriptions
  result<void> insert_destination(const destination_record& d) override {
    return done(
        db_.run("INSERT INTO destinations(id, application_id, kind, config, created_at) VALUES ($1, $2, $3, $4, $5)",
                pg_params()
                    .text(d.id)
                    .text(d.application_id)
                    .text(d.kind)
                    .text(d.config_json)
                    .int64(to_epoch_ms(d.created_at))));
  }
  result<std::optional<destination_record>> find_destination(std::string_view id) override {
    return one<destination_record>(
        db_.run("SELECT id, application_id, kind, config, created_at FROM destinations WHERE id = $1",
                pg_params().text(id)),
        read_destination);
  }
  result<std::vector<destination_record>> list_destinations(std::string_view application_id) override {
    return all<destination_record>(db_.run("SELECT id, application_id, kind, config, created_at FROM destinations"
                                           " WHERE application_id = $1 ORDER BY created_at, id",
                                           pg_params().text(application_id)),
                                   read_destination);
  }
  result<void> put_subscription(const subscription_record& s) override {
    return done(
        db_.run("INSERT INTO subscriptions(id, application_id, notification_type, destination_id, created_at)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (application_id, notification_type) DO UPDATE SET"
                " id = excluded.id, destination_id = excluded.destination_id, created_at = excluded.created_at",
                pg_params()
                    .text(s.id)
                    .text(s.application_id)
                    .text(s.notification_type)
                    .text(s.destination_id)
                    .int64(to_epoch_ms(s.created_at))));
  }
  result<std::optional<subscription_record>> find_subscription(std::string_view application_id,
                                                               std::string_view type) override {
    return one<subscription_record>(
        db_.run("SELECT id, application_id, notification_type, destination_id, created_at FROM subscriptions"
                " WHERE application_id = $1 AND notification_type = $2",
                pg_params().text(application_id).text(type)),
        read_subscription);
  }
  result<std::vector<subscription_record>> list_subscriptions(std::string_view application_id) override {
    return all<subscription_record>(
        db_.run("SELECT id, application_id, notification_type, destination_id, created_at FROM subscriptions"
                " WHERE application_id = $1 ORDER BY notification_type",
                pg_params().text(application_id)),
        read_subscription);
  }

  // --- outbox
  result<void> insert(const outbox_record& o) override {
    if (rotation_batch_ != nullptr) {
      held_.outbox.push_back(o);
      return {};
    }
    pg_params p;
    p.text(o.id).text(o.application_id).text(o.destination_id).text(o.notification_type).blob(o.sealed_body);
    p.text(to_string(o.state)).int64(o.attempts).int64(to_epoch_ms(o.next_attempt_at)).int64(to_epoch_ms(o.created_at));
    if (o.old_secret_id)
      p.text(*o.old_secret_id);
    else
      p.null();
    optional_time_param(p, o.delivered_at);
    p.text(o.last_error);
    if (o.new_secret_id)
      p.text(*o.new_secret_id);
    else
      p.null();
    return write(
        "INSERT INTO outbox(" OUTBOX_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", p);
  }
  result<std::vector<outbox_record>> list_for_application(std::string_view application_id) override {
    // As SQLite's: items announcing a new secret are found through the application's secrets; the
    // predicates match the two partial indexes (migration 4).
    return all<outbox_record>(db_.run("SELECT " OUTBOX_COLUMNS ", seq FROM outbox"
                                      " WHERE application_id = $1 AND new_secret_id IS NULL UNION ALL"
                                      " SELECT " OUTBOX_COLUMNS ", seq FROM outbox WHERE new_secret_id IS NOT NULL"
                                      " AND new_secret_id IN (SELECT id FROM client_secrets WHERE application_id = $1)"
                                      " ORDER BY created_at DESC, seq DESC",
                                      pg_params().text(application_id)),
                              read_outbox);
  }
  result<std::optional<outbox_record>> find_item(std::string_view id) override {
    return one<outbox_record>(db_.run("SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = $1", pg_params().text(id)),
                              read_outbox);
  }
  result<std::vector<outbox_record>> list_by_state(outbox_state state, int limit) override {
    // The state is part of the text, not a parameter, so that the planner can use its partial index.
#define OUTBOX_IN_STATE(state) \
  "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = '" state "' ORDER BY created_at, seq LIMIT $1"
    const char* sql = state == outbox_state::pending ? OUTBOX_IN_STATE("pending")
                      : state == outbox_state::dead  ? OUTBOX_IN_STATE("dead")
                                                     : OUTBOX_IN_STATE("delivered");
#undef OUTBOX_IN_STATE
    return all<outbox_record>(db_.run(sql, pg_params().int64(limit)), read_outbox);
  }
  result<std::vector<outbox_record>> claim_due(time_point now, millis lease, int limit) override {
    // SKIP LOCKED: items another node is claiming right now are not waited for, just skipped.
    // The claimed rows come back in the order they were due (RETURNING alone has no order).
    return all<outbox_record>(
        db_.run("WITH due AS (SELECT id, next_attempt_at AS due_at, seq FROM outbox"
                "  WHERE state = 'pending' AND next_attempt_at <= $1"
                "  ORDER BY next_attempt_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED),"
                " claimed AS (UPDATE outbox SET next_attempt_at = $2 FROM due WHERE outbox.id = due.id"
                "  RETURNING due.due_at, due.seq, " OUTBOX_QUALIFIED_COLUMNS ")"
                " SELECT " OUTBOX_COLUMNS " FROM claimed ORDER BY due_at, seq",
                pg_params().int64(to_epoch_ms(now)).int64(to_epoch_ms(now + lease)).int64(limit)),
        read_outbox);
  }
  result<void> update(const outbox_record& o) override {
    pg_params p;
    p.text(o.id).text(to_string(o.state)).int64(o.attempts).int64(to_epoch_ms(o.next_attempt_at));
    optional_time_param(p, o.delivered_at);
    p.text(o.last_error).blob(o.sealed_body);
    return write(
        "UPDATE outbox SET state = $2, attempts = $3, next_attempt_at = $4, delivered_at = $5, last_error = $6,"
        " sealed_body = $7 WHERE id = $1",
        p, true);
  }

  // --- rate limits
  result<std::optional<rate_bucket_record>> find(std::string_view application_id, std::string_view operation) override {
    // Two nodes debiting one bucket take turns (a lock on the bucket's key, held to the end of
    // the transaction), so the limit holds cluster-wide (pg_migrations.cpp, version 2).
    return one<rate_bucket_record>(db_.run(bucket_sql, pg_params().text(application_id).text(operation)), read_bucket);
  }
  result<void> save(const rate_bucket_record& b) override {
    if (rotation_batch_ != nullptr) {
      held_.buckets.push_back(b);
      return {};
    }
    return write(
        "INSERT INTO rate_buckets(application_id, operation, tokens, updated_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (application_id, operation) DO UPDATE SET tokens = excluded.tokens,"
        " updated_at = excluded.updated_at",
        pg_params().text(b.application_id).text(b.operation).real(b.tokens).int64(to_epoch_ms(b.updated_at)));
  }

  // --- keys and settings
  result<std::vector<signing_key_record>> list_signing_keys() override {
    // Nodes starting together on an empty database take turns: the first creates the key, the
    // others find it (the lock lasts to the end of the caller's transaction).
    if (auto r = db_.run("SELECT pg_advisory_xact_lock(7302411925)"); !r) return r.error();
    return all<signing_key_record>(
        db_.run("SELECT kid, sealed_key, created_at FROM signing_keys ORDER BY created_at, kid"),
        [](const rows& r, int i) {
          return signing_key_record{r.text(i, 0), r.blob(i, 1), from_epoch_ms(r.int64(i, 2))};
        });
  }
  result<void> insert_signing_key(const signing_key_record& k) override {
    return done(db_.run("INSERT INTO signing_keys(kid, sealed_key, created_at) VALUES ($1, $2, $3)",
                        pg_params().text(k.kid).blob(k.sealed_key).int64(to_epoch_ms(k.created_at))));
  }
  result<std::optional<std::string>> get_setting(std::string_view name) override {
    return one<std::string>(db_.run("SELECT value FROM settings WHERE name = $1", pg_params().text(name)),
                            [](const rows& r, int i) { return r.text(i, 0); });
  }
  result<void> put_setting(std::string_view name, std::string_view value) override {
    return done(
        db_.run("INSERT INTO settings(name, value) VALUES ($1, $2)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                pg_params().text(name).text(value)));
  }

  // --- queues and messages
  result<void> insert_queue(const queue_record& q) override {
    return done(
        db_.run("INSERT INTO queues(account, name, visibility_timeout_ms, retention_ms, created_at) VALUES ($1, $2, "
                "$3, $4, $5)",
                pg_params()
                    .text(q.account)
                    .text(q.name)
                    .int64(q.visibility_timeout.count())
                    .int64(q.retention.count())
                    .int64(to_epoch_ms(q.created_at))));
  }
  result<std::optional<queue_record>> find_queue(std::string_view account, std::string_view name) override {
    return one<queue_record>(db_.run("SELECT account, name, visibility_timeout_ms, retention_ms, created_at FROM queues"
                                     " WHERE account = $1 AND name = $2",
                                     pg_params().text(account).text(name)),
                             read_queue);
  }
  result<std::vector<queue_record>> list_queues(std::string_view account, std::string_view prefix) override {
    return all<queue_record>(db_.run("SELECT account, name, visibility_timeout_ms, retention_ms, created_at FROM queues"
                                     " WHERE account = $1 AND substr(name, 1, length($2)) = $2 ORDER BY name",
                                     pg_params().text(account).text(prefix)),
                             read_queue);
  }
  result<bool> delete_queue(std::string_view account, std::string_view name) override {
    if (auto r = purge(account, name); !r) return {boost::system::in_place_error, r.error()};
    auto r = db_.run("DELETE FROM queues WHERE account = $1 AND name = $2", pg_params().text(account).text(name));
    if (!r) return {boost::system::in_place_error, r.error()};
    return r->affected() == 1;
  }
  result<void> purge(std::string_view account, std::string_view name) override {
    return done(
        db_.run("DELETE FROM messages WHERE account = $1 AND queue = $2", pg_params().text(account).text(name)));
  }
  result<void> insert_message(const message_record& m) override {
    if (rotation_batch_ != nullptr) {
      held_.messages.push_back(m);
      return notify("queue:" + m.account + "/" + m.queue);
    }
    pg_params p;
    p.text(m.id).text(m.account).text(m.queue).blob(m.sealed_body).text(m.md5_of_body).text(m.sender_id);
    p.int64(to_epoch_ms(m.sent_at)).int64(to_epoch_ms(m.visible_at)).int64(m.receive_count);
    optional_time_param(p, m.first_received_at);
    p.text(m.receipt_handle).int64(to_epoch_ms(m.expires_at));
    if (auto r = write(
            "INSERT INTO messages(" MESSAGE_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", p);
        !r) {
      return r;
    }
    return notify("queue:" + m.account + "/" + m.queue);
  }
  result<std::vector<message_record>> visible_messages(std::string_view account, std::string_view queue, time_point now,
                                                       int max) override {
    // SKIP LOCKED: two nodes answering ReceiveMessage at once never hand out the same message.
    return all<message_record>(
        db_.run("SELECT " MESSAGE_COLUMNS " FROM messages WHERE account = $1 AND queue = $2 AND visible_at <= $3"
                " AND expires_at > $3 ORDER BY visible_at, sent_at, seq LIMIT $4 FOR UPDATE SKIP LOCKED",
                pg_params().text(account).text(queue).int64(to_epoch_ms(now)).int64(max)),
        read_message);
  }
  result<void> update_message(const message_record& m) override {
    pg_params p;
    p.text(m.id).int64(to_epoch_ms(m.visible_at)).int64(m.receive_count);
    optional_time_param(p, m.first_received_at);
    p.text(m.receipt_handle);
    return write(
        "UPDATE messages SET visible_at = $2, receive_count = $3, first_received_at = $4, receipt_handle = $5"
        " WHERE id = $1",
        p);
  }
  result<std::optional<message_record>> find_by_receipt(std::string_view account, std::string_view queue,
                                                        std::string_view receipt_handle) override {
    // receipt_handle <> '' as in the partial index's predicate, so that the planner may use it.
    return one<message_record>(db_.run("SELECT " MESSAGE_COLUMNS " FROM messages WHERE receipt_handle = $3"
                                       " AND receipt_handle <> '' AND account = $1 AND queue = $2",
                                       pg_params().text(account).text(queue).text(receipt_handle)),
                               read_message);
  }
  result<void> delete_message(std::string_view id) override {
    return write("DELETE FROM messages WHERE id = $1", pg_params().text(id));
  }
  result<counts> count_messages(std::string_view account, std::string_view queue, time_point now) override {
    auto r = db_.run(
        "SELECT COUNT(*) FILTER (WHERE visible_at <= $3), COUNT(*) FILTER (WHERE visible_at > $3) FROM messages"
        " WHERE account = $1 AND queue = $2 AND expires_at > $3",
        pg_params().text(account).text(queue).int64(to_epoch_ms(now)));
    if (!r) return r.error();
    return counts{r->int64(0, 0), r->int64(0, 1)};
  }
  result<std::int64_t> delete_expired(time_point now) override {
    auto r = db_.run("DELETE FROM messages WHERE expires_at <= $1", pg_params().int64(to_epoch_ms(now)));
    if (!r) return r.error();
    return r->affected();
  }

  // --- audit
  result<void> append(const audit_record& e) override {
    if (rotation_batch_ != nullptr) {
      held_.audit.push_back(e);
      return {};
    }
    return write("INSERT INTO audit_log(" AUDIT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                 pg_params()
                     .int64(e.seq)
                     .int64(to_epoch_ms(e.at))
                     .text(e.actor)
                     .text(e.action)
                     .text(e.application_id)
                     .text(e.request_id)
                     .text(e.fingerprint)
                     .text(e.detail)
                     .blob(e.previous_hash)
                     .blob(e.hash)
                     .int64(e.chain));
  }
  result<audit_head> head(int chain) override {
    // Locks the chain to the end of this transaction, so appends from several connections and
    // nodes line up one after the other (pg_migrations.cpp, version 2).
    auto r = db_.run(audit_head_sql, pg_params().int64(chain));
    if (!r) return r.error();
    if (r->size() != 1) return errc::internal;
    return read_audit_head(*r);
  }
  result<std::vector<audit_record>> list(std::int64_t after_seq, int limit) override {
    return all<audit_record>(db_.run("SELECT " AUDIT_COLUMNS " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                                     pg_params().int64(after_seq).int64(limit)),
                             read_audit);
  }

 private:
  // Tells the other nodes once this transaction has committed (pg_store.hpp): collected here,
  // sent with one statement right after the COMMIT.
  result<void> notify(const std::string& event) {
    if (std::find(events_.begin(), events_.end(), event) == events_.end()) events_.push_back(event);
    return {};
  }
  static constexpr const char* notify_sql = "SELECT pg_notify('rekey', e) FROM unnest($1::text[]) AS e";
  // Sends the events now: their own transaction after a commit, or within the open one (a batch).
  result<void> send_events_now() {
    if (events_.empty()) return {};
    auto r = db_.run(notify_sql, pg_params().text_array(events_with_node()));
    events_.clear();
    if (!r) return r.error();
    return {};
  }
  // Queues the events behind a queued COMMIT: they run in their own transaction, only if the
  // commit succeeded, and their failure is not the commit's.
  result<void> queue_events_after_commit() {
    if (events_.empty()) return {};
    auto r = db_.queue_best_effort(notify_sql, pg_params().text_array(events_with_node()));
    events_.clear();
    return r;
  }
  // The events, each with this node's id.
  std::vector<std::string> events_with_node() const {
    std::vector<std::string> out;
    out.reserve(events_.size());
    for (const auto& event : events_) out.push_back(node_ + "|" + event);
    return out;
  }

  // A statement whose answer is only "done" (or an error): queued when pipelining, else run now.
  result<void> write(const char* sql, const pg_params& params, bool expect_one_row = false) {
    if (pipelining_) return db_.queue(sql, params, expect_one_row);
    auto r = db_.run(sql, params);
    if (!r) return r.error();
    if (expect_one_row && r->affected() != 1) return errc::internal;
    return {};
  }

  pg_pool::lease lease_;
  pg_connection& db_;
  const std::string& node_;
  pg_access_keys access_keys_;
  commit_hooks hooks_;
  std::vector<std::string> events_;
  pg_rotation_batch* rotation_batch_;  // null outside a rotation batch
  rotation_writes held_;               // inside one: this unit's writes, until it commits
  bool pipelining_ = false;
  bool committed_ = false;
};

}  // namespace

pg_store::pg_store(const std::string& url, std::size_t connections)
    : url_(url), node_(new_node_id()), pool_(url, connections) {
  auto db = pool_.acquire();
  if (!db->connect()) throw std::runtime_error("cannot connect to the PostgreSQL database");
  if (!migrate_postgres(*db)) throw std::runtime_error("cannot migrate the PostgreSQL database");
}

pg_store::~pg_store() { stop_events(); }

void pg_store::on_events(std::function<void(std::string_view)> handle) {
  listener_ = std::make_unique<pg_listener>(url_, "rekey", [node = node_ + "|", handle](const std::string& payload) {
    if (payload == "*") return handle("*");
    if (payload.starts_with(node)) return;  // this node's own change
    const auto bar = payload.find('|');
    handle(std::string_view(payload).substr(bar == std::string::npos ? 0 : bar + 1));
  });
}

void pg_store::stop_events() {
  if (listener_) listener_->stop();
}

pg_connection* pg_store::batch_connection() {
  std::lock_guard lock(batch_mutex_);
  return batch_thread_ == std::this_thread::get_id() ? &*batch_lease_ : nullptr;
}

result<std::unique_ptr<unit_of_work>> pg_store::begin() {
  if (auto* batch = rotation_batch(); batch != nullptr) {
    return std::unique_ptr<unit_of_work>(
        std::make_unique<pg_unit_of_work>(pg_pool::lease{}, batch->connection(), node_, batch->hooks(), batch));
  }
  if (auto* batch = batch_connection(); batch != nullptr) {
    if (auto r = batch->exec("SAVEPOINT unit"); !r) return r.error();
    return std::unique_ptr<unit_of_work>(
        std::make_unique<pg_unit_of_work>(pg_pool::lease{}, *batch, node_, batch_.sink()));
  }
  auto db = pool_.acquire();
  if (auto begun = db->begin_transaction(); !begun) return begun.error();  // sent with the first statement
  auto& connection = *db;
  return std::unique_ptr<unit_of_work>(std::make_unique<pg_unit_of_work>(std::move(db), connection, node_, nullptr));
}

result<void> pg_store::begin_batch() {
  auto db = pool_.acquire();
  if (auto r = db->exec("BEGIN"); !r) return r;
  std::lock_guard lock(batch_mutex_);
  batch_lease_ = std::move(db);
  batch_thread_ = std::this_thread::get_id();
  batch_.start();
  return {};
}

result<void> pg_store::begin_rotation_batch(std::span<const rotation_key> rotations) {
  auto batch = std::make_unique<pg_rotation_batch>(pool_.acquire(), node_);
  if (auto r = batch->start(rotations); !r) {
    batch->abandon();
    return r;
  }
  std::lock_guard lock(rotation_batches_mutex_);
  rotation_batches_[std::this_thread::get_id()] = std::move(batch);
  return {};
}

pg_rotation_batch* pg_store::rotation_batch() {
  std::lock_guard lock(rotation_batches_mutex_);
  const auto found = rotation_batches_.find(std::this_thread::get_id());
  return found == rotation_batches_.end() ? nullptr : found->second.get();
}

std::unique_ptr<pg_rotation_batch> pg_store::take_rotation_batch() {
  std::lock_guard lock(rotation_batches_mutex_);
  auto found = rotation_batches_.extract(std::this_thread::get_id());
  return found.empty() ? nullptr : std::move(found.mapped());
}

result<void> pg_store::end_batch() {
  if (auto batch = take_rotation_batch()) return batch->finish();
  auto db = take_batch();
  if (auto r = db->exec("COMMIT"); !r) {
    (void)db->exec("ROLLBACK");
    batch_.dropped();
    return r;
  }
  batch_.committed();
  return {};
}

void pg_store::abort_batch() {
  if (auto batch = take_rotation_batch()) return batch->abandon();
  auto db = take_batch();
  (void)db->exec("ROLLBACK");
  batch_.dropped();
}

pg_pool::lease pg_store::take_batch() {
  std::lock_guard lock(batch_mutex_);
  batch_thread_ = {};
  return std::move(batch_lease_);
}

}  // namespace rekey
