#include "storage/postgres/pg_migrations.hpp"

#include <spdlog/spdlog.h>

#include <array>

#include "storage/records.hpp"

namespace rekey {
namespace {

constexpr std::array migrations{
    // 1: everything SQLite's versions 1–4 hold.
    R"sql(
CREATE TABLE applications (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  client_id     TEXT NOT NULL UNIQUE,
  rotate_rate   DOUBLE PRECISION,
  rotate_burst  INTEGER,
  created_at    BIGINT NOT NULL
);
CREATE TABLE client_secrets (
  seq             BIGSERIAL,
  id              TEXT PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(id),
  secret_hash     BYTEA NOT NULL,
  fingerprint     TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('current','old','retired','revoked')),
  created_at      BIGINT NOT NULL,
  expires_at      BIGINT NOT NULL,
  next_warning_at BIGINT,
  last_used_at    BIGINT,
  use_count       BIGINT NOT NULL DEFAULT 0,
  expiry_recorded BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX client_secrets_by_application ON client_secrets(application_id, created_at);
CREATE INDEX client_secrets_warning_due ON client_secrets(next_warning_at) WHERE next_warning_at IS NOT NULL;
CREATE INDEX client_secrets_expiry_unrecorded ON client_secrets(expires_at)
  WHERE NOT expiry_recorded AND state IN ('current', 'old');
CREATE TABLE refresh_tokens (
  token_hash     BYTEA PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES applications(id),
  created_at     BIGINT NOT NULL
);
CREATE TABLE destinations (
  id             TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES applications(id),
  kind           TEXT NOT NULL,
  config         TEXT NOT NULL,
  created_at     BIGINT NOT NULL
);
CREATE TABLE subscriptions (
  id                TEXT PRIMARY KEY,
  application_id    TEXT NOT NULL REFERENCES applications(id),
  notification_type TEXT NOT NULL,
  destination_id    TEXT NOT NULL REFERENCES destinations(id),
  created_at        BIGINT NOT NULL,
  UNIQUE (application_id, notification_type)
);
CREATE TABLE outbox (
  seq               BIGSERIAL,
  id                TEXT PRIMARY KEY,
  application_id    TEXT NOT NULL REFERENCES applications(id),
  destination_id    TEXT NOT NULL REFERENCES destinations(id),
  notification_type TEXT NOT NULL,
  sealed_body       BYTEA NOT NULL,
  state             TEXT NOT NULL CHECK (state IN ('pending','delivered','dead')),
  attempts          INTEGER NOT NULL,
  next_attempt_at   BIGINT NOT NULL,
  created_at        BIGINT NOT NULL,
  old_secret_id     TEXT,
  delivered_at      BIGINT,
  last_error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_by_application ON outbox(application_id, created_at);
CREATE TABLE rate_buckets (
  application_id TEXT NOT NULL REFERENCES applications(id),
  operation      TEXT NOT NULL,
  tokens         DOUBLE PRECISION NOT NULL,
  updated_at     BIGINT NOT NULL,
  PRIMARY KEY (application_id, operation)
);
CREATE TABLE signing_keys (
  kid        TEXT PRIMARY KEY,
  sealed_key BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE access_keys (
  id            TEXT PRIMARY KEY,
  account       TEXT NOT NULL,
  sealed_secret BYTEA NOT NULL,
  created_at    BIGINT NOT NULL
);
CREATE TABLE queues (
  account               TEXT NOT NULL,
  name                  TEXT NOT NULL,
  visibility_timeout_ms BIGINT NOT NULL,
  retention_ms          BIGINT NOT NULL,
  created_at            BIGINT NOT NULL,
  PRIMARY KEY (account, name)
);
CREATE TABLE messages (
  seq               BIGSERIAL,
  id                TEXT PRIMARY KEY,
  account           TEXT NOT NULL,
  queue             TEXT NOT NULL,
  sealed_body       BYTEA NOT NULL,
  md5_of_body       TEXT NOT NULL,
  sender_id         TEXT NOT NULL,
  sent_at           BIGINT NOT NULL,
  visible_at        BIGINT NOT NULL,
  receive_count     INTEGER NOT NULL,
  first_received_at BIGINT,
  receipt_handle    TEXT NOT NULL,
  expires_at        BIGINT NOT NULL,
  FOREIGN KEY (account, queue) REFERENCES queues(account, name) ON DELETE CASCADE
);
CREATE INDEX messages_visible ON messages(account, queue, visible_at, sent_at);
CREATE INDEX messages_receipt ON messages(receipt_handle);
CREATE INDEX messages_expiry ON messages(expires_at);
CREATE TABLE audit_log (
  seq            BIGINT PRIMARY KEY,
  at             BIGINT NOT NULL,
  actor          TEXT NOT NULL,
  action         TEXT NOT NULL,
  application_id TEXT NOT NULL,
  request_id     TEXT NOT NULL,
  fingerprint    TEXT NOT NULL,
  detail         TEXT NOT NULL,
  previous_hash  BYTEA NOT NULL,
  hash           BYTEA NOT NULL
);
)sql",
    // 2: the audit trail in several chains (audit/audit_trail.hpp); entries made before are chain 0.
    //    seq comes from a sequence. Two lock-then-read functions, one round trip each:
    //    rekey_audit_head(chain) locks the chain until the transaction ends and reads its last
    //    entry; rekey_rate_bucket(application, operation) does the same for a rate bucket (the
    //    lock works before the bucket's first row exists). As PL/pgSQL functions their queries take
    //    a fresh snapshot once the lock is granted, so they see what the previous holder committed
    //    (a plain SELECT's snapshot would predate the wait).
    R"sql(
ALTER TABLE audit_log ADD COLUMN chain INTEGER NOT NULL DEFAULT 0;
CREATE INDEX audit_log_chain ON audit_log(chain, seq);
CREATE SEQUENCE audit_seq;
SELECT setval('audit_seq', COALESCE((SELECT MAX(seq) FROM audit_log), 0) + 1, false);
CREATE FUNCTION rekey_audit_head(p_chain INTEGER)
RETURNS TABLE (next_seq BIGINT, seq BIGINT, at BIGINT, actor TEXT, action TEXT, application_id TEXT,
               request_id TEXT, fingerprint TEXT, detail TEXT, previous_hash BYTEA, hash BYTEA, chain INTEGER)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(730241, p_chain);
  RETURN QUERY
    SELECT nextval('audit_seq'), l.seq, l.at, l.actor, l.action, l.application_id, l.request_id, l.fingerprint,
           l.detail, l.previous_hash, l.hash, l.chain
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (SELECT * FROM audit_log AS a WHERE a.chain = p_chain ORDER BY a.seq DESC LIMIT 1) AS l ON TRUE;
END $$;
CREATE FUNCTION rekey_rate_bucket(p_application TEXT, p_operation TEXT)
RETURNS TABLE (application_id TEXT, operation TEXT, tokens DOUBLE PRECISION, updated_at BIGINT)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(p_application || '/' || p_operation, 0));
  RETURN QUERY
    SELECT b.application_id, b.operation, b.tokens, b.updated_at FROM rate_buckets AS b
    WHERE b.application_id = p_application AND b.operation = p_operation;
END $$;
)sql",
    // 3: a secret update that fails when the secret is not there, so that a pipelined update needs
    //    no look at its row count before COMMIT is sent with it (one round trip fewer per rotation).
    //    Forward only, as secret_repository::update promises. Partial indexes, as SQLite's version
    //    7: the outbox's due index holds pending items only and a dead-item index is added (items
    //    delivered with their rotation enter neither); messages never received (receipt handle '')
    //    are not in the receipt index. No foreign keys from client_secrets and outbox: every
    //    rotation writes a row to each, and PostgreSQL checks a foreign key by locking the parent
    //    row (FOR KEY SHARE, a heap write) — measured at up to a fifth of the rotation rate. Their
    //    parents (applications, destinations) are never deleted and a rotation reads them in the
    //    same transaction before writing; SQLite keeps the keys (its check is a lookup).
    R"sql(
ALTER TABLE client_secrets DROP CONSTRAINT client_secrets_application_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT outbox_application_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT outbox_destination_id_fkey;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(next_attempt_at, seq) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox(created_at, seq) WHERE state = 'dead';
DROP INDEX messages_receipt;
CREATE INDEX messages_receipt ON messages(receipt_handle) WHERE receipt_handle <> '';
CREATE FUNCTION rekey_update_secret(p_id TEXT, p_state TEXT, p_expires_at BIGINT) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE client_secrets SET
    state = CASE WHEN )sql" SECRET_STATE_RANK("p_state") " > " SECRET_STATE_RANK(
        "state") R"sql( THEN p_state ELSE state END,
    expires_at = LEAST(expires_at, p_expires_at),
    next_warning_at = CASE WHEN p_state = 'current' AND state = 'current' THEN next_warning_at END
  WHERE id = p_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no client secret %', p_id USING ERRCODE = 'no_data_found';
  END IF;
END $$;
)sql",
    // 4: as SQLite's version 8 — an item announcing a new secret (new_secret_id) leaves the
    //    application's outbox index and is found through that secret; the index on new_secret_id
    //    grows at its end (secret ids are time-ordered). Earlier items keep their entry.
    R"sql(
ALTER TABLE outbox ADD COLUMN new_secret_id TEXT;
DROP INDEX outbox_by_application;
CREATE INDEX outbox_by_application ON outbox(application_id, created_at) WHERE new_secret_id IS NULL;
CREATE INDEX outbox_by_new_secret ON outbox(new_secret_id) WHERE new_secret_id IS NOT NULL;
)sql",
    // 5: rekey_update_secret for many secrets at once (a rotation batch's updates, one statement;
    //    each id at most once), failing as it does when one of them is not there.
    R"sql(
CREATE FUNCTION rekey_update_secrets(p_ids TEXT[], p_states TEXT[], p_expires_at BIGINT[]) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
  updated BIGINT;
BEGIN
  UPDATE client_secrets AS s SET
    state = CASE WHEN )sql" SECRET_STATE_RANK("u.state") " > " SECRET_STATE_RANK(
        "s.state") R"sql( THEN u.state ELSE s.state END,
    expires_at = LEAST(s.expires_at, u.expires_at),
    next_warning_at = CASE WHEN u.state = 'current' AND s.state = 'current' THEN s.next_warning_at END
  FROM unnest(p_ids, p_states, p_expires_at) AS u(id, state, expires_at)
  WHERE s.id = u.id;
  GET DIAGNOSTICS updated = ROW_COUNT;
  IF updated <> cardinality(p_ids) THEN
    RAISE EXCEPTION 'no client secret among %', p_ids USING ERRCODE = 'no_data_found';
  END IF;
END $$;
)sql",
    // 6: as SQLite's version 9 — queue attributes, tags, sealed message attributes.
    R"sql(
ALTER TABLE queues ADD COLUMN delay_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE queues ADD COLUMN maximum_message_size BIGINT NOT NULL DEFAULT 262144;
ALTER TABLE queues ADD COLUMN receive_wait_seconds BIGINT NOT NULL DEFAULT 0;
ALTER TABLE queues ADD COLUMN dead_letter_target TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN max_receive_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE queues ADD COLUMN redrive_allow_policy TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN policy TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';
ALTER TABLE queues ADD COLUMN modified_at BIGINT NOT NULL DEFAULT 0;
UPDATE queues SET modified_at = created_at;
ALTER TABLE messages ADD COLUMN sealed_attributes BYTEA;
ALTER TABLE messages ADD COLUMN md5_of_attributes TEXT NOT NULL DEFAULT '';
)sql",
    // 7: resource servers (introspection), applications' token settings (JWT access tokens,
    //    custom scopes, audience) and the JWT signing keys (SQLite's 10).
    R"sql(
ALTER TABLE applications ADD COLUMN token_format TEXT NOT NULL DEFAULT 'opaque';
ALTER TABLE applications ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN audience TEXT;
ALTER TABLE applications ADD COLUMN token_settings_version BIGINT NOT NULL DEFAULT 0;
CREATE TABLE resource_servers (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  audience    TEXT,
  secret_hash BYTEA NOT NULL,
  created_at  BIGINT NOT NULL,
  revoked_at  BIGINT
);
CREATE TABLE jwt_keys (
  kid                TEXT PRIMARY KEY,
  algorithm          TEXT NOT NULL,
  sealed_private_key BYTEA NOT NULL,
  public_key         TEXT NOT NULL,
  created_at         BIGINT NOT NULL,
  signs_from         BIGINT NOT NULL
);
)sql",
};

// Any constant, the same on every node: the key of the migration lock.
constexpr const char* lock_sql = "SELECT pg_advisory_xact_lock(7302411923)";

}  // namespace

result<void> migrate_postgres(pg_connection& db) {
  if (auto r = db.exec("BEGIN"); !r) return r;
  auto rollback = [&db](boost::system::error_code ec) -> result<void> {
    (void)db.exec("ROLLBACK");
    return ec;
  };
  if (auto r = db.run(lock_sql); !r) return rollback(r.error());
  if (auto r = db.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
      !r) {
    return rollback(r.error());
  }
  auto current = db.run("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!current) return rollback(current.error());
  for (std::size_t i = static_cast<std::size_t>(current->int64(0, 0)); i < migrations.size(); ++i) {
    const auto version = static_cast<std::int64_t>(i + 1);
    if (auto r = db.exec(migrations[i]); !r) return rollback(r.error());
    if (auto r = db.run("INSERT INTO schema_migrations(version, applied_at) VALUES ($1, "
                        "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT)",
                        pg_params().int64(version));
        !r) {
      return rollback(r.error());
    }
    spdlog::info("database migrated to schema version {} (postgres)", version);
  }
  return db.exec("COMMIT");
}

}  // namespace rekey
