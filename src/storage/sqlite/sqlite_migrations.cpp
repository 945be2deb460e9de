#include "storage/sqlite/sqlite_migrations.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

namespace rekey {
namespace {

constexpr std::array migrations{
    // 1: applications, secrets, refresh tokens, destinations, subscriptions, outbox,
    //    rate-limit buckets, signing keys, settings.
    R"sql(
CREATE TABLE applications (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  client_id     TEXT NOT NULL UNIQUE,
  rotate_rate   REAL,
  rotate_burst  INTEGER,
  created_at    INTEGER NOT NULL
);
CREATE TABLE client_secrets (
  id             TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES applications(id),
  secret_hash    BLOB NOT NULL UNIQUE,
  fingerprint    TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('current','old','retired','revoked')),
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL
);
CREATE INDEX client_secrets_by_application ON client_secrets(application_id, created_at);
CREATE TABLE refresh_tokens (
  token_hash     BLOB PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES applications(id),
  created_at     INTEGER NOT NULL
);
CREATE TABLE destinations (
  id             TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES applications(id),
  kind           TEXT NOT NULL,
  config         TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE TABLE subscriptions (
  id                TEXT PRIMARY KEY,
  application_id    TEXT NOT NULL REFERENCES applications(id),
  notification_type TEXT NOT NULL,
  destination_id    TEXT NOT NULL REFERENCES destinations(id),
  created_at        INTEGER NOT NULL,
  UNIQUE (application_id, notification_type)
);
CREATE TABLE outbox (
  id                TEXT PRIMARY KEY,
  application_id    TEXT NOT NULL REFERENCES applications(id),
  destination_id    TEXT NOT NULL REFERENCES destinations(id),
  notification_type TEXT NOT NULL,
  sealed_body       BLOB NOT NULL,
  state             TEXT NOT NULL CHECK (state IN ('pending','delivered','dead')),
  attempts          INTEGER NOT NULL,
  next_attempt_at   INTEGER NOT NULL,
  created_at        INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_by_application ON outbox(application_id, created_at);
CREATE TABLE rate_buckets (
  application_id TEXT NOT NULL REFERENCES applications(id),
  operation      TEXT NOT NULL,
  tokens         REAL NOT NULL,
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (application_id, operation)
);
CREATE TABLE signing_keys (
  kid        TEXT PRIMARY KEY,
  sealed_key BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql",
    // 2: the embedded SQS-compatible queue and its access keys.
    R"sql(
CREATE TABLE access_keys (
  id            TEXT PRIMARY KEY,
  account       TEXT NOT NULL,
  sealed_secret BLOB NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE TABLE queues (
  account               TEXT NOT NULL,
  name                  TEXT NOT NULL,
  visibility_timeout_ms INTEGER NOT NULL,
  retention_ms          INTEGER NOT NULL,
  created_at            INTEGER NOT NULL,
  PRIMARY KEY (account, name)
);
CREATE TABLE messages (
  id                TEXT PRIMARY KEY,
  account           TEXT NOT NULL,
  queue             TEXT NOT NULL,
  sealed_body       BLOB NOT NULL,
  md5_of_body       TEXT NOT NULL,
  sender_id         TEXT NOT NULL,
  sent_at           INTEGER NOT NULL,
  visible_at        INTEGER NOT NULL,
  receive_count     INTEGER NOT NULL,
  first_received_at INTEGER,
  receipt_handle    TEXT NOT NULL,
  expires_at        INTEGER NOT NULL,
  FOREIGN KEY (account, queue) REFERENCES queues(account, name) ON DELETE CASCADE
);
CREATE INDEX messages_visible ON messages(account, queue, visible_at, sent_at);
CREATE INDEX messages_receipt ON messages(receipt_handle);
CREATE INDEX messages_expiry ON messages(expires_at);
)sql",
    // 3: delivery bookkeeping on the outbox.
    R"sql(
ALTER TABLE outbox ADD COLUMN old_secret_id TEXT;
ALTER TABLE outbox ADD COLUMN delivered_at INTEGER;
ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
)sql",
    // 4: secret lifecycle — expiry warnings, usage, recorded expiries — and the audit trail.
    //    Current secrets made by earlier versions get their warning schedule on the next sweep
    //    (next_warning_at 0: due now; the sweep sends only what is really due).
    R"sql(
ALTER TABLE client_secrets ADD COLUMN next_warning_at INTEGER;
ALTER TABLE client_secrets ADD COLUMN last_used_at INTEGER;
ALTER TABLE client_secrets ADD COLUMN use_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE client_secrets ADD COLUMN expiry_recorded INTEGER NOT NULL DEFAULT 0;
UPDATE client_secrets SET next_warning_at = 0 WHERE state = 'current';
CREATE INDEX client_secrets_warning_due ON client_secrets(next_warning_at) WHERE next_warning_at IS NOT NULL;
CREATE INDEX client_secrets_expiry_unrecorded ON client_secrets(expires_at)
  WHERE expiry_recorded = 0 AND state IN ('current', 'old');
CREATE TABLE audit_log (
  seq            INTEGER PRIMARY KEY,
  at             INTEGER NOT NULL,
  actor          TEXT NOT NULL,
  action         TEXT NOT NULL,
  application_id TEXT NOT NULL,
  request_id     TEXT NOT NULL,
  fingerprint    TEXT NOT NULL,
  detail         TEXT NOT NULL,
  previous_hash  BLOB NOT NULL,
  hash           BLOB NOT NULL
);
)sql",
    // 5: client_secrets without the UNIQUE index on secret_hash: no query looks a secret up by its
    //    hash (the token endpoint goes by client id), and that index cost a random page write per
    //    rotation. SQLite drops a constraint only by rebuilding the table (rowids kept).
    R"sql(
CREATE TABLE client_secrets_v5 (
  id              TEXT PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(id),
  secret_hash     BLOB NOT NULL,
  fingerprint     TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('current','old','retired','revoked')),
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  next_warning_at INTEGER,
  last_used_at    INTEGER,
  use_count       INTEGER NOT NULL DEFAULT 0,
  expiry_recorded INTEGER NOT NULL DEFAULT 0
);
INSERT INTO client_secrets_v5(rowid, id, application_id, secret_hash, fingerprint, state, created_at, expires_at,
                              next_warning_at, last_used_at, use_count, expiry_recorded)
  SELECT rowid, id, application_id, secret_hash, fingerprint, state, created_at, expires_at,
         next_warning_at, last_used_at, use_count, expiry_recorded FROM client_secrets;
DROP TABLE client_secrets;
ALTER TABLE client_secrets_v5 RENAME TO client_secrets;
CREATE INDEX client_secrets_by_application ON client_secrets(application_id, created_at);
CREATE INDEX client_secrets_warning_due ON client_secrets(next_warning_at) WHERE next_warning_at IS NOT NULL;
CREATE INDEX client_secrets_expiry_unrecorded ON client_secrets(expires_at)
  WHERE expiry_recorded = 0 AND state IN ('current', 'old');
)sql",
    // 6: the audit trail in several chains (audit/audit_trail.hpp); entries made before are chain 0.
    R"sql(
ALTER TABLE audit_log ADD COLUMN chain INTEGER NOT NULL DEFAULT 0;
CREATE INDEX audit_log_chain ON audit_log(chain, seq);
)sql",
    // 7: partial indexes, so that a rotation delivered in its own transaction adds fewer index
    //    entries: the outbox's due index holds pending items only (and a small index finds dead
    //    ones); messages never received (receipt handle '') are not in the receipt index.
    R"sql(
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox(created_at) WHERE state = 'dead';
DROP INDEX messages_receipt;
CREATE INDEX messages_receipt ON messages(receipt_handle) WHERE receipt_handle <> '';
)sql",
    // 8: an item announcing a new secret (new_secret_id) leaves the application's outbox index: it
    //    is found through that secret instead, whose own index entry the rotation writes anyway.
    //    The application index took a random page write per rotation; the new index on
    //    new_secret_id grows at its end (secret ids are time-ordered). Earlier items keep their
    //    application index entry (new_secret_id NULL).
    R"sql(
ALTER TABLE outbox ADD COLUMN new_secret_id TEXT;
DROP INDEX outbox_by_application;
CREATE INDEX outbox_by_application ON outbox(application_id, created_at) WHERE new_secret_id IS NULL;
CREATE INDEX outbox_by_new_secret ON outbox(new_secret_id) WHERE new_secret_id IS NOT NULL;
)sql",
    // 9: the queue attributes SetQueueAttributes sets (queue_record), tags, and message
    //    attributes sealed beside the body (NULL: none).
    R"sql(
ALTER TABLE queues ADD COLUMN delay_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queues ADD COLUMN maximum_message_size INTEGER NOT NULL DEFAULT 262144;
ALTER TABLE queues ADD COLUMN receive_wait_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queues ADD COLUMN dead_letter_target TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN max_receive_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queues ADD COLUMN redrive_allow_policy TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN policy TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';
ALTER TABLE queues ADD COLUMN modified_at INTEGER NOT NULL DEFAULT 0;
UPDATE queues SET modified_at = created_at;
ALTER TABLE messages ADD COLUMN sealed_attributes BLOB;
ALTER TABLE messages ADD COLUMN md5_of_attributes TEXT NOT NULL DEFAULT '';
)sql",
    // 10: resource servers (introspection), applications' token settings (JWT access tokens,
    //     custom scopes, audience) and the JWT signing keys.
    R"sql(
ALTER TABLE applications ADD COLUMN token_format TEXT NOT NULL DEFAULT 'opaque';
ALTER TABLE applications ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN audience TEXT;
ALTER TABLE applications ADD COLUMN token_settings_version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE resource_servers (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  audience    TEXT,
  secret_hash BLOB NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
CREATE TABLE jwt_keys (
  kid                TEXT PRIMARY KEY,
  algorithm          TEXT NOT NULL,
  sealed_private_key BLOB NOT NULL,
  public_key         TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  signs_from         INTEGER NOT NULL
);
)sql",
};

}  // namespace

result<void> migrate_sqlite(sqlite_connection& db, std::size_t up_to_version) {
  if (auto r = db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                       " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
      !r) {
    return r.error();
  }
  std::int64_t current = 0;
  {
    auto& q = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    auto row = q.step();
    if (!row) return row.error();
    current = q.int64(0);
    q.reset();
  }
  for (std::size_t i = static_cast<std::size_t>(current); i < std::min(migrations.size(), up_to_version); ++i) {
    const auto version = static_cast<std::int64_t>(i + 1);
    if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return r.error();
    auto applied = db.exec(migrations[i]);
    if (applied) {
      auto& record = db.prepare(
          "INSERT INTO schema_migrations(version, applied_at) VALUES (?1, CAST((julianday('now') - 2440587.5) * "
          "86400000 AS INTEGER))");
      auto done = record.bind(1, version).step();
      record.reset();
      if (!done) applied = done.error();
    }
    if (!applied) {
      (void)db.exec("ROLLBACK");
      return applied.error();
    }
    if (auto r = db.exec("COMMIT"); !r) return r.error();
    spdlog::info("database migrated to schema version {}", version);
  }
  return {};
}

}  // namespace rekey
