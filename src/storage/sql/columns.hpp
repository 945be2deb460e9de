// The column lists both backends select and insert, in the order the readers and binders of
// record_rows.hpp take them. Macros, so that statements are string literals put together at
// compile time. Internal to the storage backends.
#pragma once

#define APPLICATION_COLUMNS \
  "id, name, client_id, rotate_rate, rotate_burst, created_at, token_format, scopes, audience, token_settings_version"
#define SECRET_COLUMNS                                                                                           \
  "id, application_id, secret_hash, fingerprint, state, created_at, expires_at, next_warning_at, last_used_at, " \
  "use_count"
#define REFRESH_TOKEN_COLUMNS "token_hash, application_id, created_at"
#define DESTINATION_COLUMNS "id, application_id, kind, config, created_at"
#define SUBSCRIPTION_COLUMNS "id, application_id, notification_type, destination_id, created_at"
#define OUTBOX_COLUMNS                                                                                    \
  "id, application_id, destination_id, notification_type, sealed_body, state, attempts, next_attempt_at," \
  " created_at, old_secret_id, delivered_at, last_error, new_secret_id"
#define BUCKET_COLUMNS "application_id, operation, tokens, updated_at"
#define SIGNING_KEY_COLUMNS "kid, sealed_key, created_at"
#define JWT_KEY_COLUMNS "kid, algorithm, sealed_private_key, public_key, created_at, signs_from"
#define RESOURCE_SERVER_COLUMNS "id, name, audience, secret_hash, created_at, revoked_at"
#define ACCESS_KEY_COLUMNS "id, account, sealed_secret, created_at"
// created_at last: the columns before it are the settings update_queue writes, in the same order.
#define QUEUE_COLUMNS                                                                                          \
  "account, name, visibility_timeout_ms, retention_ms, delay_ms, maximum_message_size, receive_wait_seconds, " \
  "dead_letter_target, max_receive_count, redrive_allow_policy, policy, tags, modified_at, created_at"
#define MESSAGE_COLUMNS                                                                          \
  "id, account, queue, sealed_body, md5_of_body, sender_id, sent_at, visible_at, receive_count," \
  " first_received_at, receipt_handle, expires_at, sealed_attributes, md5_of_attributes"
#define AUDIT_COLUMNS \
  "seq, at, actor, action, application_id, request_id, fingerprint, detail, previous_hash, hash, chain"
