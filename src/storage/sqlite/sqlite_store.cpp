#include "storage/sqlite/sqlite_store.hpp"

#include <stdexcept>

#include "storage/commit_hooks.hpp"
#include "storage/sqlite/sqlite_audit.hpp"
#include "storage/sqlite/sqlite_migrations.hpp"
#include "storage/sqlite/sqlite_queues.hpp"

namespace rekey {
namespace {

digest256 to_digest(std::span<const std::uint8_t> blob) {
  digest256 d{};
  if (blob.size() == d.size()) std::copy(blob.begin(), blob.end(), d.begin());
  return d;
}

application_record read_application(const sqlite_statement& q) {
  application_record a;
  a.id = q.text(0);
  a.name = q.text(1);
  a.client_id = q.text(2);
  if (!q.is_null(3)) a.rotate_rate = q.real(3);
  if (!q.is_null(4)) a.rotate_burst = static_cast<unsigned>(q.int64(4));
  a.created_at = from_epoch_ms(q.int64(5));
  return a;
}

secret_record read_secret(const sqlite_statement& q) {
  secret_record s;
  s.id = q.text(0);
  s.application_id = q.text(1);
  s.hash = to_digest(q.blob(2));
  s.fingerprint = q.text(3);
  s.state = parse_secret_state(q.text(4)).value_or(secret_state::revoked);
  s.created_at = from_epoch_ms(q.int64(5));
  s.expires_at = from_epoch_ms(q.int64(6));
  if (!q.is_null(7)) s.next_warning_at = from_epoch_ms(q.int64(7));
  if (!q.is_null(8)) s.last_used_at = from_epoch_ms(q.int64(8));
  s.use_count = q.int64(9);
  return s;
}

constexpr const char* secret_columns =
    "id, application_id, secret_hash, fingerprint, state, created_at, expires_at, next_warning_at, last_used_at,"
    " use_count";

void bind_optional_time(sqlite_statement& q, int index, std::optional<time_point> t) {
  if (t)
    q.bind(index, to_epoch_ms(*t));
  else
    q.bind_null(index);
}

destination_record read_destination(const sqlite_statement& q) {
  return {q.text(0), q.text(1), q.text(2), q.text(3), from_epoch_ms(q.int64(4))};
}

subscription_record read_subscription(const sqlite_statement& q) {
  return {q.text(0), q.text(1), q.text(2), q.text(3), from_epoch_ms(q.int64(4))};
}

constexpr const char* outbox_columns =
    "id, application_id, destination_id, notification_type, sealed_body, state, attempts, next_attempt_at,"
    " created_at, old_secret_id, delivered_at, last_error, new_secret_id";

outbox_record read_outbox(const sqlite_statement& q) {
  outbox_record o;
  o.id = q.text(0);
  o.application_id = q.text(1);
  o.destination_id = q.text(2);
  o.notification_type = q.text(3);
  auto blob = q.blob(4);
  o.sealed_body.assign(blob.begin(), blob.end());
  o.state = parse_outbox_state(q.text(5)).value_or(outbox_state::dead);
  o.attempts = static_cast<int>(q.int64(6));
  o.next_attempt_at = from_epoch_ms(q.int64(7));
  o.created_at = from_epoch_ms(q.int64(8));
  if (!q.is_null(9)) o.old_secret_id = q.text(9);
  if (!q.is_null(10)) o.delivered_at = from_epoch_ms(q.int64(10));
  o.last_error = q.text(11);
  if (!q.is_null(12)) o.new_secret_id = q.text(12);
  return o;
}

// One open transaction on the store's connection; implements every repository over it.
class sqlite_unit_of_work final : public unit_of_work,
                                  application_repository,
                                  secret_repository,
                                  refresh_token_repository,
                                  notification_repository,
                                  outbox_repository,
                                  rate_limit_repository,
                                  key_repository {
 public:
  // nested: inside a batch, this unit is a savepoint of the batch's transaction.
  sqlite_unit_of_work(sqlite_connection& db, hook_list* batch)
      : db_(db), access_keys_(db), queues_(db), audit_(db), hooks_(batch) {}
  ~sqlite_unit_of_work() override {
    if (committed_) return;
    if (hooks_.in_batch()) {
      (void)db_.exec("ROLLBACK TO unit");
      (void)db_.exec("RELEASE unit");
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
  queue_repository& queues() override { return queues_; }
  audit_repository& audit() override { return audit_; }

  result<void> commit() override {
    auto r = db_.exec(hooks_.in_batch() ? "RELEASE unit" : "COMMIT");
    if (!r) return r;
    committed_ = true;
    hooks_.committed();
    return {};
  }

  // --- applications
  result<void> insert(const application_record& a) override {
    auto& q = db_.prepare(
        "INSERT INTO applications(id, name, client_id, rotate_rate, rotate_burst, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    q.bind(1, a.id).bind(2, a.name).bind(3, a.client_id).bind(6, to_epoch_ms(a.created_at));
    if (a.rotate_rate)
      q.bind(4, *a.rotate_rate);
    else
      q.bind_null(4);
    if (a.rotate_burst)
      q.bind(5, static_cast<std::int64_t>(*a.rotate_burst));
    else
      q.bind_null(5);
    return run(q);
  }

  result<std::optional<application_record>> find(std::string_view id) override {
    auto& q = db_.prepare(
        "SELECT id, name, client_id, rotate_rate, rotate_burst, created_at"
        " FROM applications WHERE id = ?1");
    q.bind(1, id);
    return first<application_record>(q, read_application);
  }

  result<std::optional<application_record>> find_by_client_id(std::string_view client_id) override {
    auto& q = db_.prepare(
        "SELECT id, name, client_id, rotate_rate, rotate_burst, created_at"
        " FROM applications WHERE client_id = ?1");
    q.bind(1, client_id);
    return first<application_record>(q, read_application);
  }

  result<std::vector<application_record>> list() override {
    auto& q = db_.prepare(
        "SELECT id, name, client_id, rotate_rate, rotate_burst, created_at"
        " FROM applications ORDER BY created_at, id");
    return collect<application_record>(q, read_application);
  }

  // --- secrets
  result<void> insert(const secret_record& s) override {
    auto& q = db_.prepare(
        "INSERT INTO client_secrets(id, application_id, secret_hash, fingerprint, state, created_at, expires_at,"
        " next_warning_at, last_used_at, use_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    q.bind(1, s.id)
        .bind(2, s.application_id)
        .bind(3, std::span<const std::uint8_t>(s.hash))
        .bind(4, s.fingerprint)
        .bind(5, to_string(s.state))
        .bind(6, to_epoch_ms(s.created_at))
        .bind(7, to_epoch_ms(s.expires_at))
        .bind(10, s.use_count);
    bind_optional_time(q, 8, s.next_warning_at);
    bind_optional_time(q, 9, s.last_used_at);
    return run(q);
  }

  result<std::vector<secret_record>> list_for(std::string_view application_id) override {
    static const std::string sql =
        std::string("SELECT ") + secret_columns +
        " FROM client_secrets WHERE application_id = ?1 ORDER BY created_at DESC, rowid DESC";
    auto& q = db_.prepare(sql.c_str());
    q.bind(1, application_id);
    return collect<secret_record>(q, read_secret);
  }

  result<void> update(const secret_record& s) override {
    // Forward only (store.hpp): the further state, the earlier expiry.
    auto& q = db_.prepare(
        "UPDATE client_secrets SET"
        " state = CASE WHEN " SECRET_STATE_RANK("?2") " > " SECRET_STATE_RANK("state") " THEN ?2 ELSE state END,"
        " expires_at = MIN(expires_at, ?3),"
        " next_warning_at = CASE WHEN ?2 = 'current' AND state = 'current' THEN next_warning_at END WHERE id = ?1");
    q.bind(1, s.id).bind(2, to_string(s.state)).bind(3, to_epoch_ms(s.expires_at));
    if (auto r = run(q); !r) return r;
    if (db_.changes() != 1) return errc::internal;
    return {};
  }

  result<std::vector<secret_record>> list_warning_due(time_point now, int limit) override {
    static const std::string sql = std::string("SELECT ") + secret_columns +
                                   " FROM client_secrets WHERE next_warning_at IS NOT NULL AND next_warning_at <= ?1"
                                   " AND state = 'current' ORDER BY next_warning_at LIMIT ?2";
    auto& q = db_.prepare(sql.c_str());
    q.bind(1, to_epoch_ms(now)).bind(2, static_cast<std::int64_t>(limit));
    return collect<secret_record>(q, read_secret);
  }

  result<bool> reschedule_warning(std::string_view id, time_point expected, std::optional<time_point> next) override {
    auto& q = db_.prepare("UPDATE client_secrets SET next_warning_at = ?3 WHERE id = ?1 AND next_warning_at = ?2");
    q.bind(1, id).bind(2, to_epoch_ms(expected));
    bind_optional_time(q, 3, next);
    if (auto r = run(q); !r) return {boost::system::in_place_error, r.error()};
    return db_.changes() == 1;
  }

  result<std::vector<secret_record>> list_newly_expired(time_point now, int limit) override {
    static const std::string sql = std::string("SELECT ") + secret_columns +
                                   " FROM client_secrets WHERE expires_at <= ?1 AND expiry_recorded = 0"
                                   " AND state IN ('current', 'old') ORDER BY expires_at LIMIT ?2";
    auto& q = db_.prepare(sql.c_str());
    q.bind(1, to_epoch_ms(now)).bind(2, static_cast<std::int64_t>(limit));
    return collect<secret_record>(q, read_secret);
  }

  result<void> mark_expiry_recorded(std::string_view id) override {
    auto& q = db_.prepare("UPDATE client_secrets SET expiry_recorded = 1 WHERE id = ?1");
    q.bind(1, id);
    return run(q);
  }

  result<void> add_usage(std::string_view id, std::int64_t count, time_point last_used_at) override {
    auto& q = db_.prepare(
        "UPDATE client_secrets SET use_count = use_count + ?2,"
        " last_used_at = MAX(COALESCE(last_used_at, 0), ?3) WHERE id = ?1");
    q.bind(1, id).bind(2, count).bind(3, to_epoch_ms(last_used_at));
    return run(q);
  }

  // --- refresh tokens
  result<void> insert(const refresh_token_record& t) override {
    auto& q = db_.prepare("INSERT INTO refresh_tokens(token_hash, application_id, created_at) VALUES (?1, ?2, ?3)");
    q.bind(1, std::span<const std::uint8_t>(t.hash)).bind(2, t.application_id).bind(3, to_epoch_ms(t.created_at));
    return run(q);
  }

  result<std::optional<refresh_token_record>> find(const digest256& hash) override {
    auto& q = db_.prepare("SELECT token_hash, application_id, created_at FROM refresh_tokens WHERE token_hash = ?1");
    q.bind(1, std::span<const std::uint8_t>(hash));
    return first<refresh_token_record>(q, [](const sqlite_statement& r) {
      return refresh_token_record{to_digest(r.blob(0)), r.text(1), from_epoch_ms(r.int64(2))};
    });
  }

  // --- destinations and subscriptions
  result<void> insert_destination(const destination_record& d) override {
    auto& q = db_.prepare(
        "INSERT INTO destinations(id, application_id, kind, config, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    q.bind(1, d.id).bind(2, d.application_id).bind(3, d.kind).bind(4, d.config_json).bind(5, to_epoch_ms(d.created_at));
    return run(q);
  }

  result<std::optional<destination_record>> find_destination(std::string_view id) override {
    auto& q = db_.prepare("SELECT id, application_id, kind, config, created_at FROM destinations WHERE id = ?1");
    q.bind(1, id);
    return first<destination_record>(q, read_destination);
  }

  result<std::vector<destination_record>> list_destinations(std::string_view application_id) override {
    auto& q = db_.prepare(
        "SELECT id, application_id, kind, config, created_at FROM destinations"
        " WHERE application_id = ?1 ORDER BY created_at, id");
    q.bind(1, application_id);
    return collect<destination_record>(q, read_destination);
  }

  result<void> put_subscription(const subscription_record& s) override {
    auto& q = db_.prepare(
        "INSERT INTO subscriptions(id, application_id, notification_type, destination_id, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT(application_id, notification_type) DO UPDATE SET"
        " id = excluded.id, destination_id = excluded.destination_id, created_at = excluded.created_at");
    q.bind(1, s.id)
        .bind(2, s.application_id)
        .bind(3, s.notification_type)
        .bind(4, s.destination_id)
        .bind(5, to_epoch_ms(s.created_at));
    return run(q);
  }

  result<std::optional<subscription_record>> find_subscription(std::string_view application_id,
                                                               std::string_view type) override {
    auto& q = db_.prepare(
        "SELECT id, application_id, notification_type, destination_id, created_at"
        " FROM subscriptions WHERE application_id = ?1 AND notification_type = ?2");
    q.bind(1, application_id).bind(2, type);
    return first<subscription_record>(q, read_subscription);
  }

  result<std::vector<subscription_record>> list_subscriptions(std::string_view application_id) override {
    auto& q = db_.prepare(
        "SELECT id, application_id, notification_type, destination_id, created_at"
        " FROM subscriptions WHERE application_id = ?1 ORDER BY notification_type");
    q.bind(1, application_id);
    return collect<subscription_record>(q, read_subscription);
  }

  // --- outbox
  result<void> insert(const outbox_record& o) override {
    auto& q = db_.prepare(
        "INSERT INTO outbox(id, application_id, destination_id, notification_type, sealed_body, state,"
        " attempts, next_attempt_at, created_at, old_secret_id, delivered_at, last_error, new_secret_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    q.bind(1, o.id)
        .bind(2, o.application_id)
        .bind(3, o.destination_id)
        .bind(4, o.notification_type)
        .bind(5, std::span<const std::uint8_t>(o.sealed_body))
        .bind(6, to_string(o.state))
        .bind(7, static_cast<std::int64_t>(o.attempts))
        .bind(8, to_epoch_ms(o.next_attempt_at))
        .bind(9, to_epoch_ms(o.created_at));
    if (o.old_secret_id)
      q.bind(10, *o.old_secret_id);
    else
      q.bind_null(10);
    bind_optional_time(q, 11, o.delivered_at);
    q.bind(12, o.last_error);
    if (o.new_secret_id)
      q.bind(13, *o.new_secret_id);
    else
      q.bind_null(13);
    return run(q);
  }

  result<std::vector<outbox_record>> list_for_application(std::string_view application_id) override {
    // Items announcing a new secret are not in outbox_by_application (schema 8): they are found
    // through the application's secrets. The predicates match the two partial indexes.
    static const std::string sql =
        std::string("SELECT ") + outbox_columns + ", rowid AS seq FROM outbox" +
        " WHERE application_id = ?1 AND new_secret_id IS NULL UNION ALL SELECT " + outbox_columns +
        ", rowid FROM outbox WHERE new_secret_id IS NOT NULL AND new_secret_id IN"
        " (SELECT id FROM client_secrets WHERE application_id = ?1) ORDER BY created_at DESC, seq DESC";
    auto& q = db_.prepare(sql.c_str());
    q.bind(1, application_id);
    return collect<outbox_record>(q, read_outbox);
  }

  result<std::optional<outbox_record>> find_item(std::string_view id) override {
    static const std::string sql = std::string("SELECT ") + outbox_columns + " FROM outbox WHERE id = ?1";
    auto& q = db_.prepare(sql.c_str());
    q.bind(1, id);
    return first<outbox_record>(q, read_outbox);
  }

  result<std::vector<outbox_record>> list_by_state(outbox_state state, int limit) override {
    // The state is part of the text, not a parameter, so that the planner can use its partial index.
    const auto in_state = [](outbox_state s) {
      return std::string("SELECT ") + outbox_columns + " FROM outbox WHERE state = '" + std::string(to_string(s)) +
             "' ORDER BY created_at, rowid LIMIT ?1";
    };
    static_assert(static_cast<int>(outbox_state::pending) == 0 && static_cast<int>(outbox_state::dead) == 2);
    static const std::string sql[] = {in_state(outbox_state::pending), in_state(outbox_state::delivered),
                                      in_state(outbox_state::dead)};
    auto& q = db_.prepare(sql[static_cast<int>(state)].c_str());
    q.bind(1, static_cast<std::int64_t>(limit));
    return collect<outbox_record>(q, read_outbox);
  }

  result<std::vector<outbox_record>> claim_due(time_point now, millis lease, int limit) override {
    static const std::string sql = std::string("SELECT ") + outbox_columns +
                                   " FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?1"
                                   " ORDER BY next_attempt_at, rowid LIMIT ?2";
    auto& q = db_.prepare(sql.c_str());
    q.bind(1, to_epoch_ms(now)).bind(2, static_cast<std::int64_t>(limit));
    auto items = collect<outbox_record>(q, read_outbox);
    if (!items) return items;
    auto& lease_q = db_.prepare("UPDATE outbox SET next_attempt_at = ?2 WHERE id = ?1");
    for (auto& item : *items) {
      item.next_attempt_at = now + lease;
      lease_q.bind(1, item.id).bind(2, to_epoch_ms(item.next_attempt_at));
      if (auto r = run(lease_q); !r) return r.error();
    }
    return items;
  }

  result<void> update(const outbox_record& o) override {
    auto& q = db_.prepare(
        "UPDATE outbox SET state = ?2, attempts = ?3, next_attempt_at = ?4, delivered_at = ?5, last_error = ?6,"
        " sealed_body = ?7 WHERE id = ?1");
    q.bind(1, o.id)
        .bind(2, to_string(o.state))
        .bind(3, static_cast<std::int64_t>(o.attempts))
        .bind(4, to_epoch_ms(o.next_attempt_at))
        .bind(6, o.last_error)
        .bind(7, std::span<const std::uint8_t>(o.sealed_body));
    if (o.delivered_at)
      q.bind(5, to_epoch_ms(*o.delivered_at));
    else
      q.bind_null(5);
    if (auto r = run(q); !r) return r;
    if (db_.changes() != 1) return errc::internal;
    return {};
  }

  // --- rate limits
  result<std::optional<rate_bucket_record>> find(std::string_view application_id, std::string_view operation) override {
    auto& q = db_.prepare(
        "SELECT application_id, operation, tokens, updated_at FROM rate_buckets"
        " WHERE application_id = ?1 AND operation = ?2");
    q.bind(1, application_id).bind(2, operation);
    return first<rate_bucket_record>(q, [](const sqlite_statement& r) {
      return rate_bucket_record{r.text(0), r.text(1), r.real(2), from_epoch_ms(r.int64(3))};
    });
  }

  result<void> save(const rate_bucket_record& b) override {
    auto& q = db_.prepare(
        "INSERT INTO rate_buckets(application_id, operation, tokens, updated_at) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT(application_id, operation) DO UPDATE SET tokens = excluded.tokens, updated_at = "
        "excluded.updated_at");
    q.bind(1, b.application_id).bind(2, b.operation).bind(3, b.tokens).bind(4, to_epoch_ms(b.updated_at));
    return run(q);
  }

  // --- keys and settings
  result<std::vector<signing_key_record>> list_signing_keys() override {
    auto& q = db_.prepare("SELECT kid, sealed_key, created_at FROM signing_keys ORDER BY created_at, kid");
    return collect<signing_key_record>(q, [](const sqlite_statement& r) {
      auto blob = r.blob(1);
      return signing_key_record{r.text(0), bytes(blob.begin(), blob.end()), from_epoch_ms(r.int64(2))};
    });
  }

  result<void> insert_signing_key(const signing_key_record& k) override {
    auto& q = db_.prepare("INSERT INTO signing_keys(kid, sealed_key, created_at) VALUES (?1, ?2, ?3)");
    q.bind(1, k.kid).bind(2, std::span<const std::uint8_t>(k.sealed_key)).bind(3, to_epoch_ms(k.created_at));
    return run(q);
  }

  result<std::optional<std::string>> get_setting(std::string_view name) override {
    auto& q = db_.prepare("SELECT value FROM settings WHERE name = ?1");
    q.bind(1, name);
    return first<std::string>(q, [](const sqlite_statement& r) { return r.text(0); });
  }

  result<void> put_setting(std::string_view name, std::string_view value) override {
    auto& q = db_.prepare(
        "INSERT INTO settings(name, value) VALUES (?1, ?2)"
        " ON CONFLICT(name) DO UPDATE SET value = excluded.value");
    q.bind(1, name).bind(2, value);
    return run(q);
  }

 private:
  sqlite_connection& db_;
  sqlite_access_keys access_keys_;
  sqlite_queues queues_;
  sqlite_audit audit_;
  commit_hooks hooks_;
  bool committed_ = false;
};

// One BEGIN IMMEDIATE … COMMIT (begun by sqlite_store::begin_batch); its units are savepoints.
// Registered as the store's open batch from construction to its end.
class sqlite_batch final : public store_batch {
 public:
  sqlite_batch(sqlite_connection& db, store_batch*& open) : db_(db), open_(open) { open_ = this; }
  ~sqlite_batch() override {
    open_ = nullptr;
    if (ended_) return;
    (void)db_.exec("ROLLBACK");
    hooks_.dropped();
  }

  result<std::unique_ptr<unit_of_work>> begin() override {
    if (ended_) return errc::internal;
    if (auto r = db_.exec("SAVEPOINT unit"); !r) return r.error();
    return std::unique_ptr<unit_of_work>(std::make_unique<sqlite_unit_of_work>(db_, hooks_.sink()));
  }

  result<void> commit() override {
    if (ended_) return errc::internal;
    ended_ = true;
    open_ = nullptr;
    if (auto r = db_.exec("COMMIT"); !r) {
      (void)db_.exec("ROLLBACK");
      hooks_.dropped();
      return r;
    }
    hooks_.committed();
    return {};
  }

 private:
  sqlite_connection& db_;
  store_batch*& open_;
  batch_hooks hooks_;
  bool ended_ = false;
};

}  // namespace

sqlite_store::sqlite_store(const std::string& path) : db_(path) {
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
                             // savepoint journals and sorts in memory, not temp files
                             "PRAGMA temp_store=MEMORY",
                             // an 8 MiB page cache: a commit after a B-tree split scans the cache's
                             // whole hash table (docs/storage.md), so a bigger cache costs every
                             // commit more; 64 MiB measured 13% fewer rotations/s (docs/benchmarks.md)
                             "PRAGMA cache_size=-8192",
                             // a checkpoint every 10,000 WAL pages (~40 MiB) instead of 1,000: a page
                             // that many commits change (a table's or index's tail) is copied back once
                             // per checkpoint — +17% rotations/s (docs/benchmarks.md)
                             "PRAGMA wal_autocheckpoint=10000"}) {
    if (!db_.exec(pragma)) throw std::runtime_error("cannot configure database " + path);
  }
  if (!migrate_sqlite(db_)) throw std::runtime_error("cannot migrate database " + path);
}

result<std::unique_ptr<unit_of_work>> sqlite_store::begin() {
  if (open_batch_ != nullptr) return open_batch_->begin();
  if (auto r = db_.exec("BEGIN IMMEDIATE"); !r) return r.error();
  return std::unique_ptr<unit_of_work>(std::make_unique<sqlite_unit_of_work>(db_, nullptr));
}

result<std::unique_ptr<store_batch>> sqlite_store::begin_batch() {
  if (open_batch_ != nullptr) return errc::internal;
  if (auto r = db_.exec("BEGIN IMMEDIATE"); !r) return r.error();
  return std::unique_ptr<store_batch>(std::make_unique<sqlite_batch>(db_, open_batch_));
}

}  // namespace rekey
