// The statements both backends run as they are: one text, placeholders $1, $2, … — PostgreSQL's
// own; SQLite's connection reads them as ?1, ?2, … (sqlite_connection::prepare). What differs between the backends —
// row order by rowid or seq, locks, SKIP LOCKED, MIN/LEAST, booleans — stays in each backend's repository files.
// Parameters bind as record_rows.hpp's binders do. Internal to the storage backends.
#pragma once

#include "storage/sql/columns.hpp"

namespace rekey::sql {

// --- applications
inline constexpr const char* insert_application =
    "INSERT INTO applications(" APPLICATION_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
inline constexpr const char* find_application = "SELECT " APPLICATION_COLUMNS " FROM applications WHERE id = $1";
inline constexpr const char* find_application_by_client_id =
    "SELECT " APPLICATION_COLUMNS " FROM applications WHERE client_id = $1";
inline constexpr const char* list_applications =
    "SELECT " APPLICATION_COLUMNS " FROM applications ORDER BY created_at, id";
inline constexpr const char* update_usage_plan =
    "UPDATE applications SET rotate_rate = $2, rotate_burst = $3 WHERE id = $1";
inline constexpr const char* update_token_settings =
    "UPDATE applications SET token_format = $2, scopes = $3, audience = $4, token_settings_version = $5 WHERE id = $1";

// --- resource servers
inline constexpr const char* insert_resource_server =
    "INSERT INTO resource_servers(" RESOURCE_SERVER_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6)";
inline constexpr const char* find_resource_server =
    "SELECT " RESOURCE_SERVER_COLUMNS " FROM resource_servers WHERE id = $1";
inline constexpr const char* list_resource_servers =
    "SELECT " RESOURCE_SERVER_COLUMNS " FROM resource_servers ORDER BY created_at, id";
inline constexpr const char* revoke_resource_server =
    "UPDATE resource_servers SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";

// --- secrets
inline constexpr const char* insert_secret =
    "INSERT INTO client_secrets(" SECRET_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
// What secret_repository::update reads before it moves a secret forward (records.hpp, move_forward).
inline constexpr const char* find_secret = "SELECT " SECRET_COLUMNS " FROM client_secrets WHERE id = $1";
inline constexpr const char* list_warning_due =
    "SELECT " SECRET_COLUMNS
    " FROM client_secrets WHERE next_warning_at IS NOT NULL AND next_warning_at <= $1"
    " AND state = 'current' ORDER BY next_warning_at LIMIT $2";
inline constexpr const char* reschedule_warning =
    "UPDATE client_secrets SET next_warning_at = $3 WHERE id = $1 AND next_warning_at = $2";
inline constexpr const char* count_current_expiring =
    "SELECT COUNT(*) FROM client_secrets WHERE state = 'current' AND expires_at <= $1";
inline constexpr const char* mark_expiry_recorded = "UPDATE client_secrets SET expiry_recorded = TRUE WHERE id = $1";

// --- refresh tokens
inline constexpr const char* insert_refresh_token =
    "INSERT INTO refresh_tokens(" REFRESH_TOKEN_COLUMNS ") VALUES ($1, $2, $3)";
inline constexpr const char* find_refresh_token =
    "SELECT " REFRESH_TOKEN_COLUMNS " FROM refresh_tokens WHERE token_hash = $1";

// --- destinations and subscriptions
inline constexpr const char* insert_destination =
    "INSERT INTO destinations(" DESTINATION_COLUMNS ") VALUES ($1, $2, $3, $4, $5)";
inline constexpr const char* find_destination = "SELECT " DESTINATION_COLUMNS " FROM destinations WHERE id = $1";
inline constexpr const char* list_destinations =
    "SELECT " DESTINATION_COLUMNS " FROM destinations WHERE application_id = $1 ORDER BY created_at, id";
inline constexpr const char* put_subscription =
    "INSERT INTO subscriptions(" SUBSCRIPTION_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (application_id, notification_type) DO UPDATE SET"
    " id = excluded.id, destination_id = excluded.destination_id, created_at = excluded.created_at";
inline constexpr const char* find_subscription =
    "SELECT " SUBSCRIPTION_COLUMNS " FROM subscriptions WHERE application_id = $1 AND notification_type = $2";
inline constexpr const char* delete_subscription =
    "DELETE FROM subscriptions WHERE application_id = $1 AND notification_type = $2";
inline constexpr const char* list_subscriptions =
    "SELECT " SUBSCRIPTION_COLUMNS " FROM subscriptions WHERE application_id = $1 ORDER BY notification_type";

// --- outbox
inline constexpr const char* insert_outbox =
    "INSERT INTO outbox(" OUTBOX_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
// The predicates match the partial indexes outbox_due and outbox_dead.
inline constexpr const char* outbox_backlog =
    "SELECT (SELECT COUNT(*) FROM outbox WHERE state = 'pending'),"
    " (SELECT MIN(created_at) FROM outbox WHERE state = 'pending'),"
    " (SELECT COUNT(*) FROM outbox WHERE state = 'dead')";
inline constexpr const char* find_outbox_item = "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = $1";
// $1 id, $2 state, $3 attempts, $4 next_attempt_at, $5 delivered_at, $6 last_error, $7 sealed_body.
inline constexpr const char* update_outbox_item =
    "UPDATE outbox SET state = $2, attempts = $3, next_attempt_at = $4, delivered_at = $5, last_error = $6,"
    " sealed_body = $7 WHERE id = $1";

// --- rate limits
inline constexpr const char* save_bucket =
    "INSERT INTO rate_buckets(" BUCKET_COLUMNS
    ") VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (application_id, operation) DO UPDATE SET tokens = excluded.tokens,"
    " updated_at = excluded.updated_at";

// --- keys and settings
inline constexpr const char* list_signing_keys =
    "SELECT " SIGNING_KEY_COLUMNS " FROM signing_keys ORDER BY created_at, kid";
inline constexpr const char* insert_signing_key =
    "INSERT INTO signing_keys(" SIGNING_KEY_COLUMNS ") VALUES ($1, $2, $3)";
inline constexpr const char* list_jwt_keys = "SELECT " JWT_KEY_COLUMNS " FROM jwt_keys ORDER BY created_at, kid";
inline constexpr const char* insert_jwt_key =
    "INSERT INTO jwt_keys(" JWT_KEY_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6)";
inline constexpr const char* get_setting = "SELECT value FROM settings WHERE name = $1";
inline constexpr const char* put_setting =
    "INSERT INTO settings(name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value";

// --- access keys
inline constexpr const char* insert_access_key =
    "INSERT INTO access_keys(" ACCESS_KEY_COLUMNS ") VALUES ($1, $2, $3, $4)";
inline constexpr const char* find_access_key = "SELECT " ACCESS_KEY_COLUMNS " FROM access_keys WHERE id = $1";
inline constexpr const char* list_access_keys =
    "SELECT " ACCESS_KEY_COLUMNS " FROM access_keys ORDER BY created_at, id";
inline constexpr const char* delete_access_key = "DELETE FROM access_keys WHERE id = $1";

// --- queues and messages
inline constexpr const char* insert_queue =
    "INSERT INTO queues(" QUEUE_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
// Every setting of the queue, as record_rows.hpp's bind_queue_settings binds them (QUEUE_COLUMNS
// but created_at).
inline constexpr const char* update_queue =
    "UPDATE queues SET visibility_timeout_ms = $3, retention_ms = $4, delay_ms = $5, maximum_message_size = $6,"
    " receive_wait_seconds = $7, dead_letter_target = $8, max_receive_count = $9, redrive_allow_policy = $10,"
    " policy = $11, tags = $12, modified_at = $13 WHERE account = $1 AND name = $2";
inline constexpr const char* find_queue = "SELECT " QUEUE_COLUMNS " FROM queues WHERE account = $1 AND name = $2";
inline constexpr const char* list_queues =
    "SELECT " QUEUE_COLUMNS " FROM queues WHERE account = $1 AND substr(name, 1, length($2)) = $2 ORDER BY name";
inline constexpr const char* delete_queue = "DELETE FROM queues WHERE account = $1 AND name = $2";
inline constexpr const char* purge_queue = "DELETE FROM messages WHERE account = $1 AND queue = $2";
inline constexpr const char* insert_message = "INSERT INTO messages(" MESSAGE_COLUMNS
                                              ")"
                                              " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
// $1 id, $2 account, $3 queue, $4 visible_at: a message redriven to a dead-letter queue.
inline constexpr const char* move_message =
    "UPDATE messages SET account = $2, queue = $3, visible_at = $4 WHERE id = $1";
// $1 id, $2 visible_at, $3 receive_count, $4 first_received_at, $5 receipt_handle.
inline constexpr const char* update_message =
    "UPDATE messages SET visible_at = $2, receive_count = $3, first_received_at = $4, receipt_handle = $5"
    " WHERE id = $1";
// receipt_handle <> '' as in the partial index's predicate, so that both planners may use it.
inline constexpr const char* find_message_by_receipt =
    "SELECT " MESSAGE_COLUMNS
    " FROM messages WHERE account = $1 AND queue = $2 AND receipt_handle = $3 AND receipt_handle <> ''";
inline constexpr const char* delete_message = "DELETE FROM messages WHERE id = $1";
inline constexpr const char* delete_expired_messages = "DELETE FROM messages WHERE expires_at <= $1";
// $1 account, $2 queue, $3 now: visible, in flight (received, hidden), delayed (never received,
// hidden) — of the messages not past their retention.
inline constexpr const char* count_messages =
    "SELECT COALESCE(SUM(CASE WHEN visible_at <= $3 THEN 1 ELSE 0 END), 0),"
    " COALESCE(SUM(CASE WHEN visible_at > $3 AND receive_count > 0 THEN 1 ELSE 0 END), 0),"
    " COALESCE(SUM(CASE WHEN visible_at > $3 AND receive_count = 0 THEN 1 ELSE 0 END), 0)"
    " FROM messages WHERE account = $1 AND queue = $2 AND expires_at > $3";
// $1 account, $2 queue, $3 now: the earliest visible_at of the messages not past their retention
// (NULL: the queue is empty) — in the past when one is visible.
inline constexpr const char* next_visible_at =
    "SELECT MIN(visible_at) FROM messages WHERE account = $1 AND queue = $2 AND expires_at > $3";

// --- audit
inline constexpr const char* append_audit =
    "INSERT INTO audit_log(" AUDIT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
inline constexpr const char* list_audit =
    "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2";

}  // namespace rekey::sql
