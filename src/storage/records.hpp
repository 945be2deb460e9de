// Plain records as storage keeps them. No behaviour, no secrets in plaintext: client secrets
// and refresh tokens appear only as keyed hashes, notification bodies and signing keys only
// sealed (AES-256-GCM, see crypto/aes_gcm.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "crypto/bytes.hpp"

namespace rekey {

// What access tokens an application gets: opaque (`Atc|…`, what SP-API clients expect) or JWT
// (RFC 9068, verifiable against the JWKS), with which custom scopes it may request beyond the
// SP-API ones, and for which audience (none: the issuer).
enum class token_format { opaque, jwt };

std::string_view to_string(token_format f);
std::optional<token_format> parse_token_format(std::string_view s);

struct token_settings {
  token_format format = token_format::opaque;
  std::vector<std::string> scopes;  // custom scopes granted, in the order given
  std::optional<std::string> audience;
  // Counts the changes (update_token_settings adds one): a cache keeps the highest it has seen,
  // so a read begun before a change cannot bring the settings it read back.
  std::int64_t version = 0;
  bool operator==(const token_settings&) const = default;
};

// For the audit trail: "format jwt, scopes [orders:read orders:write], audience https://…".
std::string to_string(const token_settings& t);

struct application_record {
  std::string id;  // amzn1.sp.solution.<uuid>
  std::string name;
  std::string client_id;                 // amzn1.application-oa2-client.<hex>
  std::optional<double> rotate_rate;     // usage plan override, requests/s
  std::optional<unsigned> rotate_burst;  // usage plan override
  time_point created_at;
  token_settings tokens = {};
};

// A platform team's API that checks rekey's access tokens by introspection (RFC 7662). Its
// secret appears only as a keyed hash; revoked ones stay, for the record.
struct resource_server_record {
  std::string id;  // rs-<uuid>
  std::string name;
  std::optional<std::string> audience;  // set: only tokens for this audience are active to it
  digest256 secret_hash{};
  time_point created_at;
  std::optional<time_point> revoked_at;
};

// A JWT signing key pair (Ed25519). The private key is sealed (AAD "jwt-key:<kid>"); the public
// key is kept as it is published (the JWK's "x"). It is in the JWKS from created_at and signs from
// signs_from, until a newer key signs.
struct jwt_key_record {
  std::string kid;        // RFC 7638 thumbprint of the public key
  std::string algorithm;  // "EdDSA"
  bytes sealed_private_key;
  std::string public_key;  // base64url, 32 bytes
  time_point created_at;
  time_point signs_from;
};

// current: the newest valid secret. old: a previous secret inside its grace period.
// retired: pushed out by max_valid_secrets. revoked: stopped by an operator.
// Expiry is a time, not a state: a current or old secret whose expires_at passed is expired.
enum class secret_state { current, old, retired, revoked };

std::string_view to_string(secret_state s);
std::optional<secret_state> parse_secret_state(std::string_view s);

// SQL for a secret state's place in its one-way progression, current → old → retired → revoked
// (secret_repository::update moves secrets forward only). For PostgreSQL's released migrations
// 3 and 5 only: new code moves secrets forward with move_forward (below).
#define SECRET_STATE_RANK(x) "(CASE " x " WHEN 'current' THEN 0 WHEN 'old' THEN 1 WHEN 'retired' THEN 2 ELSE 3 END)"

struct secret_record {
  std::string id;  // uuid
  std::string application_id;
  digest256 hash{};         // HMAC-SHA256 under the derived secret-hash key
  std::string fingerprint;  // short hex of the keyed hash, for logs and the console
  secret_state state = secret_state::current;
  time_point created_at;
  time_point expires_at;
  // When this secret's next expiry warning is due (current secrets only; see
  // rotation/expiry_warning_schedule.hpp). Cleared when the secret stops being current.
  std::optional<time_point> next_warning_at;
  std::optional<time_point> last_used_at;  // latest authentication, written in batches
  std::int64_t use_count = 0;              // authentications, written in batches
};

// secret_repository::update's rule, the one place it is written for new code: `stored` takes the
// further state of the two (current → old → retired → revoked) and the earlier expiry, and loses
// its pending expiry warnings unless both are current. (PostgreSQL's released migrations 3 and 5
// apply the same rule in SQL, SECRET_STATE_RANK above: rekey_update_secret(s), which its single
// updates and rotation batches call so that a concurrent change on another node is moved forward
// from, not overwritten.)
void move_forward(secret_record& stored, const secret_record& change);

struct refresh_token_record {
  digest256 hash{};
  std::string application_id;
  time_point created_at;
};

struct destination_record {
  std::string id;  // uuid
  std::string application_id;
  std::string kind;         // "embedded", "sqs" or "webhook"
  std::string config_json;  // kind-specific JSON; embedded: see embedded_address
  time_point created_at;
};

struct subscription_record {
  std::string id;  // uuid, sent as notificationMetadata.subscriptionId
  std::string application_id;
  std::string notification_type;
  std::string destination_id;
  time_point created_at;
};

enum class outbox_state { pending, delivered, dead };
std::string_view to_string(outbox_state s);
std::optional<outbox_state> parse_outbox_state(std::string_view s);

struct outbox_record {
  std::string id;  // uuid, the notificationId
  std::string application_id;
  std::string destination_id;
  std::string notification_type;
  bytes sealed_body;  // the notification JSON, sealed with AAD "outbox:<id>"; erased once delivered
  outbox_state state = outbox_state::pending;
  int attempts = 0;
  time_point next_attempt_at;  // also the lease: a claimed item is due again when it runs out
  time_point created_at;
  // The secret that became old in this rotation: its grace clock starts at delivery.
  std::optional<std::string> old_secret_id;
  // The secret this item announces (a rotation's new-secret notification). Such an item is listed
  // among its application's deliveries through that secret, which must be the application's: the
  // stores keep no per-application index entry for it (docs/storage.md, schema 8 / 4).
  std::optional<std::string> new_secret_id;
  std::optional<time_point> delivered_at;
  std::string last_error;  // why the latest attempt failed (never contains a secret)
};

struct rate_bucket_record {
  std::string application_id;
  std::string operation;  // e.g. "rotateApplicationClientSecret"
  double tokens = 0;
  time_point updated_at;
};

struct signing_key_record {
  std::string kid;
  bytes sealed_key;  // sealed with AAD "signing-key:<kid>"
  time_point created_at;
};

// A key for the embedded SQS-compatible queue, scoped to one account's queues. The secret is
// needed in plaintext to check SigV4 signatures, so it is sealed (AAD "access-key:<id>").
struct access_key_record {
  std::string id;       // the AWS access key id, e.g. AKRK…
  std::string account;  // 12 digits
  bytes sealed_secret;
  time_point created_at;
};

// One entry of the append-only, hash-chained audit trail. Never holds a secret or a token: a
// secret appears only as its fingerprint.
struct audit_record {
  std::int64_t seq = 0;  // increasing in append order across the trail (gaps possible on PostgreSQL)
  int chain = 0;         // which of the trail's chains it is in (audit/audit_trail.hpp)
  time_point at;
  std::string actor;   // "admin", "application:<client id>", "client:<client id>", "rekey"
  std::string action;  // e.g. "secret.rotated"
  std::string application_id;
  std::string request_id;
  std::string fingerprint;  // of the secret concerned, if any
  std::string detail;
  digest256 previous_hash{};  // the hash of the chain's entry before this one (zeros for its first)
  digest256 hash{};           // HMAC-SHA256 over previous_hash and this entry (audit/audit_trail.hpp)
};

// Where an embedded queue lives: its account and name.
struct queue_address {
  std::string account;
  std::string name;
  std::string key() const { return account + "/" + name; }
};

// The queue an embedded destination delivers to: its config is {"account": …, "queue": …}
// (PostgreSQL's read_for_rotation reads the same two fields in SQL). nullopt for other kinds.
std::optional<queue_address> embedded_address(const destination_record& destination);

// SQS's defaults, as CreateQueue without attributes makes a queue.
struct queue_record {
  std::string account;
  std::string name;
  millis visibility_timeout{30'000};
  millis retention{4LL * 86'400'000};
  millis delay{0};                              // DelaySeconds: of messages sent without their own
  std::int64_t maximum_message_size = 262'144;  // bytes of body and message attributes
  std::int64_t receive_wait_seconds = 0;        // ReceiveMessageWaitTimeSeconds: the default long poll
  std::string dead_letter_target;               // RedrivePolicy's deadLetterTargetArn; empty: no redrive
  std::int64_t max_receive_count = 0;           // RedrivePolicy's maxReceiveCount
  std::string redrive_allow_policy;             // as set (JSON); empty: none
  std::string policy;                           // as set (JSON); stored and answered, not enforced
  std::string tags = "{}";                      // a JSON object of tag keys and values
  time_point created_at;
  time_point modified_at;  // LastModifiedTimestamp: created_at until SetQueueAttributes
  bool operator==(const queue_record&) const = default;
};

struct message_record {
  std::string id;  // MessageId, a uuid
  std::string account;
  std::string queue;
  bytes sealed_body;  // AAD "message:<id>"
  std::string md5_of_body;
  std::string sender_id;  // the access key id that sent it
  time_point sent_at;
  time_point visible_at;  // hidden until then (visibility timeout)
  int receive_count = 0;
  std::optional<time_point> first_received_at;
  std::string receipt_handle;  // of the latest receive; empty before the first
  time_point expires_at;       // sent_at + the queue's retention
  bytes sealed_attributes;     // the message (user) and system attributes, AAD "message-attributes:<id>"; empty: none
  std::string md5_of_attributes;  // MD5OfMessageAttributes; empty when it has no message attributes
};

}  // namespace rekey
