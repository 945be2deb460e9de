// sqlite_ceiling: SQLite's own ceiling for what a rotation with embedded delivery makes durable —
// `make bench` part 2's reference (docs/benchmarks.md, "Rotations against the physical limit").
//
// It writes, for a round-robin of applications, exactly the rows and index entries one rotation
// writes (the list in docs/benchmarks.md): the embedded queue's message, the previous secret
// moved to old, the new secret, the delivered outbox item, the rate bucket and the audit entry,
// `--batch` rotations to a transaction as rekey's group commit takes them. No HTTP and no crypto:
// fixed byte strings of the sizes rekey writes (a sealed body's size is taken from one sealing
// at set-up). What it shares with rekey, so that it cannot drift: the connection
// (sqlite_connection: open flags, busy timeout, SQLite's allocation statistics off), the pragmas
// (sqlite_pragmas), the schema (migrate_sqlite), the statements' text (storage/sql/statements.hpp)
// and their binders (storage/sql/record_rows.hpp). Statements are prepared once, outside the
// clock. With --reads it also runs the reads rekey's rotation runs (read_for_rotation, the
// secret's read before its update) and its savepoint per rotation: SQLite's share of rekey's
// whole rotation transaction.
//
// Usage: sqlite_ceiling DIRECTORY [--apps N] [--seconds S] [--batch B] [--reads]
// Prints one JSON object: rotations/s and per-transaction figures.
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/fast_random.hpp"
#include "core/identifiers.hpp"
#include "crypto/aes_gcm.hpp"
#include "rotation/expiry_warning_schedule.hpp"
#include "rotation/new_secret_notification.hpp"
#include "rotation/rotation_policy.hpp"
#include "rotation/token_bucket.hpp"
#include "storage/sql/record_rows.hpp"
#include "storage/sql/statements.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/sqlite/sqlite_migrations.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "storage/sqlite/sqlite_unit_of_work.hpp"

namespace {

using namespace rekey;
using steady = std::chrono::steady_clock;

struct options {
  std::string dir;
  int apps = 2000;
  double seconds = 5;
  int batch = 32;
  bool reads = false;
};

// The command line (CLI11, as rekey's own); nullopt when it printed --help or an error.
std::optional<options> parse(int argc, char** argv, int& exit_code) {
  options o;
  CLI::App app{"SQLite's ceiling for a rotation's writes (docs/benchmarks.md)"};
  app.add_option("directory", o.dir, "where its database is made")->required();
  app.add_option("--apps", o.apps, "applications, rotated round-robin")->check(CLI::PositiveNumber);
  app.add_option("--seconds", o.seconds, "duration")->check(CLI::PositiveNumber);
  app.add_option("--batch", o.batch, "rotations to a transaction")->check(CLI::PositiveNumber);
  app.add_flag("--reads", o.reads, "also rekey's reads and savepoint per rotation");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    return std::nullopt;
  }
  return o;
}

void check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

// A statement prepared once on the raw handle, as sqlite_connection::prepare reads the shared
// statements' $n (?n); stepped to its end and reset by run().
class statement {
 public:
  statement(sqlite3* db, const char* sql) : db_(db) {
    std::string text(sql);
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
      if (text[i] == '$' && text[i + 1] >= '0' && text[i + 1] <= '9') text[i] = '?';
    }
    sqlite3_stmt* stmt = nullptr;
    check(db, sqlite3_prepare_v3(db, text.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr), sql);
    q_ = std::make_unique<sqlite_statement>(stmt);
  }
  sqlite_params params() { return sqlite_params(*q_); }
  sqlite_statement& raw() { return *q_; }
  // Steps through every row (a read's work is in its steps) and resets.
  void run() {
    for (;;) {
      auto row = q_->step();
      if (!row) throw std::runtime_error(std::string("step: ") + sqlite3_errmsg(db_));
      if (!*row) break;
    }
    q_->reset();
  }

 private:
  sqlite3* db_;
  std::unique_ptr<sqlite_statement> q_;
};

// One application as the bench sets it up: enrolled, its destination an embedded queue.
struct application {
  std::string id;
  std::string client_id;
  std::string destination_id;
  std::string subscription_id;
  std::string current_secret_id;  // the secret the next rotation moves to old
  time_point current_expires_at;
};

time_point now_ms() { return std::chrono::time_point_cast<millis>(std::chrono::system_clock::now()); }

constexpr std::string_view account = "000000000000";
constexpr std::string_view queue_name = "bench";

// What the bench's set-up leaves: `n` applications, each with one current secret, a destination
// on the one embedded queue and a subscription to new secrets — written through rekey's own
// repositories.
std::vector<application> set_up(sqlite_connection& db, int n, random_source& random) {
  const secret_policy_config policy;
  const auto now = now_ms();
  std::vector<application> apps;
  if (!db.exec("BEGIN IMMEDIATE")) throw std::runtime_error("set-up: begin");
  sqlite_unit_of_work work(db, nullptr);
  queue_record queue;
  queue.account = account;
  queue.name = queue_name;
  queue.created_at = queue.modified_at = now;
  if (!work.queues().insert_queue(queue)) throw std::runtime_error("set-up: queue");
  for (int i = 0; i < n; ++i) {
    application a{new_application_id(random), new_client_id(random),       new_uuid(random), new_uuid(random),
                  new_uuid(random),           now + policy.secret_lifetime};  // as the admin API makes it
    application_record record{a.id, "bench", a.client_id, 1000.0, 1000u, now};
    destination_record destination{a.destination_id, a.id, "embedded", R"({"account":"000000000000","queue":"bench"})",
                                   now};
    subscription_record subscription{a.subscription_id, a.id, std::string(new_secret_notification_type),
                                     a.destination_id, now};
    secret_record secret;
    secret.id = a.current_secret_id;
    secret.application_id = a.id;
    secret.fingerprint = to_hex(std::span(secret.hash).first(6));
    secret.created_at = now;
    secret.expires_at = a.current_expires_at;
    secret.next_warning_at = first_warning_at(secret.expires_at, policy.expiry_warnings);
    if (!work.applications().insert(record) || !work.notifications().insert_destination(destination) ||
        !work.notifications().put_subscription(subscription) || !work.secrets().insert(secret)) {
      throw std::runtime_error("set-up: application");
    }
    apps.push_back(std::move(a));
  }
  if (!work.commit()) throw std::runtime_error("set-up: commit");
  return apps;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (const double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(static_cast<double>(v.size()) * p))];
}

int run(const options& o) {
  spdlog::set_level(spdlog::level::warn);  // not the migrations' lines: stdout is the JSON answer
  std::filesystem::create_directories(o.dir);
  const auto path = (std::filesystem::path(o.dir) / "ceiling.db").string();
  // rekey's connection as sqlite_store opens it: the same class, pragmas and migrations.
  sqlite_connection db(path);
  for (const char* pragma : sqlite_pragmas) {
    if (!db.exec(pragma)) throw std::runtime_error(std::string("cannot apply ") + pragma);
  }
  if (!migrate_sqlite(db)) throw std::runtime_error("cannot migrate " + path);
  sqlite3* h = db.handle();
  fast_random random(0x5eed);
  auto apps = set_up(db, o.apps, random);

  // The sizes rekey writes, made once: the notification's JSON (to_json) sealed as the embedded
  // queue's message body; a keyed hash; hex ids.
  const secret_policy_config policy;
  const auto start = now_ms();
  const std::string plaintext_secret = new_client_secret(random);
  const std::string body = to_json({apps[0].id, apps[0].client_id, plaintext_secret, start + policy.secret_lifetime,
                                    start + policy.old_secret_grace, apps[0].subscription_id,
                                    new_time_ordered_uuid(random, start), start, start});
  key256 key{};
  const bytes sealed_body = seal(key, "message:" + new_uuid(random), as_bytes(body), random);

  const millis retention = queue_record{}.retention;  // the bench's queue keeps the default
  message_record message;
  message.account = account;
  message.queue = queue_name;
  message.sealed_body = sealed_body;
  message.md5_of_body = std::string(32, 'd');  // hex MD5
  message.sender_id = "rekey";
  secret_record fresh;
  fresh.hash.fill(0xa5);
  fresh.fingerprint = to_hex(std::span(fresh.hash).first(6));
  outbox_record item;
  item.notification_type = new_secret_notification_type;
  item.state = outbox_state::delivered;
  item.attempts = 1;
  rate_bucket_record bucket;
  bucket.operation = rotate_operation;
  audit_record entry;
  entry.action = "secret.rotated";
  entry.previous_hash.fill(0x11);
  entry.hash.fill(0x22);
  std::int64_t next_seq = 1;

  statement begin(h, "BEGIN IMMEDIATE"), commit(h, "COMMIT");
  statement insert_message(h, sql::insert_message), insert_secret(h, sql::insert_secret),
      insert_outbox(h, sql::insert_outbox), save_bucket(h, sql::save_bucket), append_audit(h, sql::append_audit);
  // sqlite_secrets::update's statement (SQLite's own: PostgreSQL calls a function).
  statement update_secret(h,
                          "UPDATE client_secrets SET state = $2, expires_at = $3, next_warning_at = $4 WHERE id = $1");
  // --reads: what sqlite_unit_of_work runs besides the writes — its savepoint, read_for_rotation's
  // reads in its order (store.cpp; the texts of sqlite_rate_limits, sqlite_secrets, sqlite_audit)
  // and the secret's read before its update.
  statement savepoint(h, "SAVEPOINT unit"), release(h, "RELEASE unit");
  statement find_bucket(h, "SELECT " BUCKET_COLUMNS " FROM rate_buckets WHERE application_id = $1 AND operation = $2");
  statement find_application(h, sql::find_application);
  statement list_secrets(h, "SELECT " SECRET_COLUMNS
                            " FROM client_secrets WHERE application_id = $1 ORDER BY created_at DESC, rowid DESC");
  statement find_subscription(h, sql::find_subscription), find_destination(h, sql::find_destination),
      find_queue(h, sql::find_queue), find_secret(h, sql::find_secret);
  statement next_audit_seq(h, "SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log");
  statement last_audit(h, "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE chain = $1 ORDER BY seq DESC LIMIT 1");

  std::vector<double> transaction_ms, commit_ms;
  std::int64_t rotations = 0;
  int pages = 0, unused = 0;
  sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_WRITE, &unused, &unused, 1);  // counts from here
  std::size_t next_app = 0;
  const auto started = steady::now();
  const auto until = started + std::chrono::duration<double>(o.seconds);
  while (steady::now() < until) {
    const auto t0 = steady::now();
    begin.run();
    for (int b = 0; b < o.batch; ++b) {
      auto& app = apps[next_app];
      next_app = (next_app + 1) % apps.size();
      const auto now = now_ms();
      if (o.reads) {
        savepoint.run();
        find_bucket.params().text(app.id).text(rotate_operation);
        find_bucket.run();
        find_application.params().text(app.id);
        find_application.run();
        list_secrets.params().text(app.id);
        list_secrets.run();
        find_subscription.params().text(app.id).text(new_secret_notification_type);
        find_subscription.run();
        find_destination.params().text(app.destination_id);
        find_destination.run();
        find_queue.params().text(account).text(queue_name);
        find_queue.run();
        next_audit_seq.run();
        last_audit.params().int64(0);
        last_audit.run();
      }
      // The message the embedded delivery puts on the queue (queue_service::put).
      message.id = new_time_ordered_uuid(random, now);
      message.sent_at = message.visible_at = now;
      message.expires_at = now + retention;
      sql::bind_message(insert_message.params(), message);
      insert_message.run();
      // The previous secret: current → old, its grace from delivery (now), no more warnings.
      if (o.reads) {
        find_secret.params().text(app.current_secret_id);
        find_secret.run();
      }
      const auto old_expires_at = std::min(app.current_expires_at, now + policy.old_secret_grace);
      sql::bind_optional_time(update_secret.params()
                                  .text(app.current_secret_id)
                                  .text(to_string(secret_state::old))
                                  .int64(to_epoch_ms(old_expires_at)),
                              std::nullopt);
      update_secret.run();
      // The new secret.
      fresh.id = new_time_ordered_uuid(random, now);
      fresh.application_id = app.id;
      fresh.created_at = now;
      fresh.expires_at = now + policy.secret_lifetime;
      fresh.next_warning_at = first_warning_at(fresh.expires_at, policy.expiry_warnings);
      sql::bind_secret(insert_secret.params(), fresh);
      insert_secret.run();
      // The outbox item, delivered within the rotation.
      item.id = new_time_ordered_uuid(random, now);
      item.application_id = app.id;
      item.destination_id = app.destination_id;
      item.next_attempt_at = item.created_at = now;
      item.delivered_at = now;
      item.old_secret_id = app.current_secret_id;
      item.new_secret_id = fresh.id;
      sql::bind_outbox(insert_outbox.params(), item);
      insert_outbox.run();
      // The rate bucket, debited.
      bucket.application_id = app.id;
      bucket.tokens = 999;
      bucket.updated_at = now;
      sql::bind_bucket(save_bucket.params(), bucket);
      save_bucket.run();
      // The audit entry (chain 0: SQLite's one chain).
      entry.seq = next_seq++;
      entry.at = now;
      entry.actor = "application:" + app.client_id;
      entry.application_id = app.id;
      entry.request_id = new_uuid(random);
      entry.fingerprint = fresh.fingerprint;
      entry.detail = "new secret " + fresh.id + "; secret " + app.current_secret_id + " now old";
      sql::bind_audit(append_audit.params(), entry);
      append_audit.run();
      if (o.reads) release.run();
      app.current_secret_id = fresh.id;
      app.current_expires_at = fresh.expires_at;
      ++rotations;
    }
    const auto t1 = steady::now();
    commit.run();
    const auto t2 = steady::now();
    transaction_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
    commit_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  const double elapsed = std::chrono::duration<double>(steady::now() - started).count();
  sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_WRITE, &pages, &unused, 0);
  const auto commits = static_cast<double>(transaction_ms.size());
  std::printf(
      "{\"mode\":\"%s\",\"apps\":%d,\"batch\":%d,\"seconds\":%.3f,\"rotations\":%lld,\"rotationsPerSecond\":%.1f,"
      "\"commitsPerSecond\":%.1f,\"transactionMsMean\":%.3f,\"transactionMsP99\":%.3f,\"commitMsP50\":%.3f,"
      "\"commitMsP99\":%.3f,\"pagesPerCommit\":%.1f}\n",
      o.reads ? "writes+reads" : "writes", o.apps, o.batch, elapsed, static_cast<long long>(rotations),
      static_cast<double>(rotations) / elapsed, commits / elapsed, mean(transaction_ms),
      percentile(transaction_ms, 0.99), percentile(commit_ms, 0.5), percentile(commit_ms, 0.99),
      static_cast<double>(pages) / std::max(1.0, commits));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    int exit_code = 0;
    const auto o = parse(argc, argv, exit_code);
    return o ? run(*o) : exit_code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sqlite_ceiling: %s\n", e.what());
    return 1;
  }
}
