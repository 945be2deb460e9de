// store and unit_of_work: the storage interface.
//
// An interface because storage is a real seam: SQLite is the embedded default and PostgreSQL
// follows, and one contract suite runs against both. All writes happen through a unit of work
// (begin → repositories → commit), so a rotation, its rate-limit debit and its outbox row are
// written together or not at all. Destroying an uncommitted unit of work rolls it back.
//
// Threading: a store is called from storage threads only, never from an I/O thread (see
// docs/architecture.md). A unit_of_work belongs to the thread that began it.
//
// Errors: errc::service_unavailable when the database cannot be reached or is busy beyond its
// timeout; errc::conflict for a uniqueness violation; errc::internal for anything else.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/errc.hpp"
#include "storage/records.hpp"

namespace rekey {

class application_repository {
 public:
  virtual ~application_repository() = default;
  [[nodiscard]] virtual result<void> insert(const application_record& app) = 0;
  [[nodiscard]] virtual result<std::optional<application_record>> find(std::string_view id) = 0;
  [[nodiscard]] virtual result<std::optional<application_record>> find_by_client_id(std::string_view client_id) = 0;
  [[nodiscard]] virtual result<std::vector<application_record>> list() = 0;
  // Writes the application's usage plan (rotate_rate, rotate_burst); the rest of the record is
  // not changed. Other nodes drop the application from their caches at commit (PostgreSQL NOTIFY).
  [[nodiscard]] virtual result<void> update_usage_plan(const application_record& app) = 0;
  // Writes app.tokens, with app.tokens.version as it is (the caller counts it up).
  [[nodiscard]] virtual result<void> update_token_settings(const application_record& app) = 0;
};

class secret_repository {
 public:
  virtual ~secret_repository() = default;
  [[nodiscard]] virtual result<void> insert(const secret_record& secret) = 0;
  // Every secret of the application, newest first, whatever its state.
  [[nodiscard]] virtual result<std::vector<secret_record>> list_for(std::string_view application_id) = 0;
  // Changes state and expiry of an existing secret; errc::internal if it does not exist. Forward
  // only: the state moves along current → old → retired → revoked and the expiry only comes
  // closer — a write from an older read (another transaction changed the secret meanwhile) never
  // undoes a revocation, a retirement or a shorter grace. A secret that is no longer current
  // loses its pending expiry warnings.
  [[nodiscard]] virtual result<void> update(const secret_record& secret) = 0;
  // Current secrets whose next expiry warning is due at `now`, soonest first, at most `limit`.
  [[nodiscard]] virtual result<std::vector<secret_record>> list_warning_due(time_point now, int limit) = 0;
  // Moves a secret's next warning from `expected` to `next` (nullopt: none left). False when it
  // was no longer `expected` — another worker took this warning — so each is sent once.
  [[nodiscard]] virtual result<bool> reschedule_warning(std::string_view id, time_point expected,
                                                        std::optional<time_point> next) = 0;
  // Current or old secrets past their expiry at `now` whose expiry is not yet recorded, at most `limit`.
  [[nodiscard]] virtual result<std::vector<secret_record>> list_newly_expired(time_point now, int limit) = 0;
  [[nodiscard]] virtual result<void> mark_expiry_recorded(std::string_view id) = 0;
  // Adds `count` authentications, the latest at `last_used_at`.
  [[nodiscard]] virtual result<void> add_usage(std::string_view id, std::int64_t count, time_point last_used_at) = 0;
  // How many current secrets expire at or before `before`, for monitoring (/metrics).
  [[nodiscard]] virtual result<std::int64_t> count_current_expiring(time_point before) = 0;
};

class refresh_token_repository {
 public:
  virtual ~refresh_token_repository() = default;
  [[nodiscard]] virtual result<void> insert(const refresh_token_record& token) = 0;
  [[nodiscard]] virtual result<std::optional<refresh_token_record>> find(const digest256& hash) = 0;
};

class resource_server_repository {
 public:
  virtual ~resource_server_repository() = default;
  [[nodiscard]] virtual result<void> insert(const resource_server_record& server) = 0;
  [[nodiscard]] virtual result<std::optional<resource_server_record>> find(std::string_view id) = 0;
  // Oldest first.
  [[nodiscard]] virtual result<std::vector<resource_server_record>> list() = 0;
  // Sets revoked_at when it is not set yet; false when there is no such resource server or it was
  // revoked already.
  [[nodiscard]] virtual result<bool> revoke(std::string_view id, time_point at) = 0;
};

class notification_repository {
 public:
  virtual ~notification_repository() = default;
  [[nodiscard]] virtual result<void> insert_destination(const destination_record& destination) = 0;
  [[nodiscard]] virtual result<std::optional<destination_record>> find_destination(std::string_view id) = 0;
  [[nodiscard]] virtual result<std::vector<destination_record>> list_destinations(std::string_view application_id) = 0;
  // Creates or replaces the application's subscription for subscription.notification_type.
  [[nodiscard]] virtual result<void> put_subscription(const subscription_record& subscription) = 0;
  [[nodiscard]] virtual result<std::optional<subscription_record>> find_subscription(
      std::string_view application_id, std::string_view notification_type) = 0;
  // Removes the application's subscription to `type`; false when there was none.
  [[nodiscard]] virtual result<bool> delete_subscription(std::string_view application_id, std::string_view type) = 0;
  [[nodiscard]] virtual result<std::vector<subscription_record>> list_subscriptions(
      std::string_view application_id) = 0;
};

// What the outbox holds, for monitoring (/metrics).
struct outbox_backlog {
  std::int64_t pending = 0;
  std::optional<time_point> oldest_pending;  // the oldest pending item's created_at
  std::int64_t dead = 0;
};

class outbox_repository {
 public:
  virtual ~outbox_repository() = default;
  [[nodiscard]] virtual result<void> insert(const outbox_record& item) = 0;
  // Items of the application, newest first; those announcing a new secret are found through it.
  [[nodiscard]] virtual result<std::vector<outbox_record>> list_for_application(std::string_view application_id) = 0;
  [[nodiscard]] virtual result<std::optional<outbox_record>> find_item(std::string_view id) = 0;
  // Items in a state, oldest first, at most `limit`.
  [[nodiscard]] virtual result<std::vector<outbox_record>> list_by_state(outbox_state state, int limit) = 0;
  // Pending items due at `now`, oldest first, at most `limit`; each is leased until
  // now + lease (its next_attempt_at moves there) so no other worker takes it meanwhile.
  [[nodiscard]] virtual result<std::vector<outbox_record>> claim_due(time_point now, millis lease, int limit) = 0;
  // Writes state, attempts, next_attempt_at, delivered_at, last_error and sealed_body.
  [[nodiscard]] virtual result<void> update(const outbox_record& item) = 0;
  // How many items are pending and dead, and when the oldest pending one was made.
  [[nodiscard]] virtual result<outbox_backlog> backlog() = 0;
};

class rate_limit_repository {
 public:
  virtual ~rate_limit_repository() = default;
  [[nodiscard]] virtual result<std::optional<rate_bucket_record>> find(std::string_view application_id,
                                                                       std::string_view operation) = 0;
  [[nodiscard]] virtual result<void> save(const rate_bucket_record& bucket) = 0;
};

// Service-wide keys and settings: token signing keys, the admin token's hash.
class key_repository {
 public:
  virtual ~key_repository() = default;
  [[nodiscard]] virtual result<std::vector<signing_key_record>> list_signing_keys() = 0;
  [[nodiscard]] virtual result<void> insert_signing_key(const signing_key_record& key) = 0;
  // The JWT signing keys, oldest first.
  [[nodiscard]] virtual result<std::vector<jwt_key_record>> list_jwt_keys() = 0;
  [[nodiscard]] virtual result<void> insert_jwt_key(const jwt_key_record& key) = 0;
  [[nodiscard]] virtual result<std::optional<std::string>> get_setting(std::string_view name) = 0;
  // Other nodes hear of the change at commit (PostgreSQL NOTIFY "setting:<name>").
  [[nodiscard]] virtual result<void> put_setting(std::string_view name, std::string_view value) = 0;
};

class access_key_repository {
 public:
  virtual ~access_key_repository() = default;
  [[nodiscard]] virtual result<void> insert(const access_key_record& key) = 0;
  [[nodiscard]] virtual result<std::optional<access_key_record>> find(std::string_view id) = 0;
  [[nodiscard]] virtual result<std::vector<access_key_record>> list() = 0;
  // Deletes the key (revocation); false when there was none. Other nodes drop it from their
  // caches at commit (PostgreSQL NOTIFY "key:<id>").
  [[nodiscard]] virtual result<bool> remove(std::string_view id) = 0;
};

// The embedded SQS-compatible queue: queues and their messages, per account.
class queue_repository {
 public:
  virtual ~queue_repository() = default;
  // errc::conflict when the queue exists.
  [[nodiscard]] virtual result<void> insert_queue(const queue_record& queue) = 0;
  [[nodiscard]] virtual result<std::optional<queue_record>> find_queue(std::string_view account,
                                                                       std::string_view name) = 0;
  [[nodiscard]] virtual result<std::vector<queue_record>> list_queues(std::string_view account,
                                                                      std::string_view name_prefix) = 0;
  // Deletes the queue and its messages; false when there was no such queue.
  [[nodiscard]] virtual result<bool> delete_queue(std::string_view account, std::string_view name) = 0;
  [[nodiscard]] virtual result<void> purge(std::string_view account, std::string_view name) = 0;
  // Writes every setting (attributes, tags, modified_at) of the queue the record names.
  [[nodiscard]] virtual result<void> update_queue(const queue_record& queue) = 0;

  [[nodiscard]] virtual result<void> insert_message(const message_record& message) = 0;
  // Messages visible and not expired at `now`, oldest first, at most `max`.
  [[nodiscard]] virtual result<std::vector<message_record>> visible_messages(std::string_view account,
                                                                             std::string_view queue, time_point now,
                                                                             int max) = 0;
  // Writes visible_at, receive_count, first_received_at and receipt_handle.
  [[nodiscard]] virtual result<void> update_message(const message_record& message) = 0;
  // The same for a ChangeMessageVisibility, which may make the message visible sooner: the
  // queue's long polls on other nodes are woken at commit (PostgreSQL NOTIFY; a node's own polls
  // are woken by its endpoint).
  [[nodiscard]] virtual result<void> change_visibility(const message_record& message) = 0;
  [[nodiscard]] virtual result<std::optional<message_record>> find_by_receipt(std::string_view account,
                                                                              std::string_view queue,
                                                                              std::string_view receipt_handle) = 0;
  [[nodiscard]] virtual result<void> delete_message(std::string_view id) = 0;
  // Moves a message to another queue of its account (a dead-letter queue), visible from
  // `visible_at`; the rest of it (id, receive count, expiry) stays as it is.
  [[nodiscard]] virtual result<void> move_message(std::string_view id, const queue_address& to,
                                                  time_point visible_at) = 0;
  struct counts {
    std::int64_t visible = 0;
    std::int64_t in_flight = 0;  // received and hidden (visibility timeout)
    std::int64_t delayed = 0;    // hidden and never received (DelaySeconds)
  };
  [[nodiscard]] virtual result<counts> count_messages(std::string_view account, std::string_view queue,
                                                      time_point now) = 0;
  // When the queue's earliest message not past its retention at `now` is (or was) visible:
  // at or before `now` when one is visible; nullopt when the queue is empty.
  [[nodiscard]] virtual result<std::optional<time_point>> next_visible_at(std::string_view account,
                                                                          std::string_view queue, time_point now) = 0;
  // Removes messages past their retention; returns how many.
  [[nodiscard]] virtual result<std::int64_t> delete_expired(time_point now) = 0;
};

// Where the next entry of an audit chain goes.
struct audit_head {
  std::int64_t next_seq = 1;         // above every seq in the trail
  std::optional<audit_record> last;  // the chain's last entry; nullopt while the chain is empty
};

// The audit trail: append-only (there is no update and no delete). Its entries form several
// chains (audit_record::chain), so appends to different chains need not wait for each other.
class audit_repository {
 public:
  virtual ~audit_repository() = default;
  // The chain is held from here to the end of this unit of work: other appends to it wait, so
  // each chain's entries line up one after the other.
  [[nodiscard]] virtual result<audit_head> head(int chain) = 0;
  // The caller chains it: seq is head()'s next_seq, previous_hash the hash of head()'s last.
  [[nodiscard]] virtual result<void> append(const audit_record& entry) = 0;
  // Entries with seq > after_seq, in order, at most `limit`.
  [[nodiscard]] virtual result<std::vector<audit_record>> list(std::int64_t after_seq, int limit) = 0;
};

// What a rotation reads before it writes (rotation_service), in one call.
struct rotation_reads {
  std::optional<rate_bucket_record> bucket;  // rate_limits().find(application, operation): locked as there
  std::optional<application_record> application;
  std::vector<secret_record> secrets;  // secrets().list_for(application)
  std::optional<subscription_record> subscription;
  std::optional<destination_record> destination;  // the subscription's
  // When the destination is an embedded one: its queue (queues().find_queue); nullopt when gone.
  std::optional<queue_record> queue;
  // The head of the audit chain asked for, held to the end of the unit (audit().head()).
  audit_head audit;
};

// Who a rotation is for, known before it runs: what store::begin_rotation_batch takes.
struct rotation_key {
  std::string application_id;
  std::string operation;          // read_for_rotation's
  std::string notification_type;  // read_for_rotation's
  int audit_chain = 0;            // read_for_rotation's
};

class unit_of_work {
 public:
  virtual ~unit_of_work() = default;  // rolls back unless commit() succeeded
  virtual application_repository& applications() = 0;
  virtual secret_repository& secrets() = 0;
  virtual refresh_token_repository& refresh_tokens() = 0;
  virtual resource_server_repository& resource_servers() = 0;
  virtual notification_repository& notifications() = 0;
  virtual outbox_repository& outbox() = 0;
  virtual rate_limit_repository& rate_limits() = 0;
  virtual key_repository& keys() = 0;
  virtual access_key_repository& access_keys() = 0;
  virtual queue_repository& queues() = 0;
  virtual audit_repository& audit() = 0;
  [[nodiscard]] virtual result<void> commit() = 0;
  // The reads of a rotation, the bucket's lock first (so the rest is read as the previous holder
  // left it), then audit chain `audit_chain`'s head (taking that chain too, as audit().head()
  // does). By default the repositories' calls one after the other; PostgreSQL sends them in one
  // round trip.
  [[nodiscard]] virtual result<rotation_reads> read_for_rotation(std::string_view application_id,
                                                                 std::string_view operation,
                                                                 std::string_view notification_type, int audit_chain);
  // From now on this unit's writes may be sent without waiting for their answers (PostgreSQL
  // pipelines them into its next read or the commit, saving round trips): an error a write meets
  // is then reported by a later call — the next read, or commit() — and ends the unit as any
  // error does. For callers that treat every error alike. SQLite answers at once anyway.
  virtual void pipeline_writes() {}
  // Runs `hook` once this unit's writes are durable: right after commit(), or — a unit of a
  // store_batch — after the batch's commit (never, if it fails). For updating in-memory caches.
  virtual void after_commit(std::function<void()> hook) = 0;
};

// What hands out units of work: a store (each unit its own transaction) or a store_batch (units
// that become durable together). A job of the storage executor is given the one it runs in
// (runtime/storage_executor.hpp).
class unit_source {
 public:
  virtual ~unit_source() = default;
  [[nodiscard]] virtual result<std::unique_ptr<unit_of_work>> begin() = 0;
};

// Group commit, as a value (leveldb's WriteBatch): a store hands out a batch, the batch hands out
// units of work. Each unit stays all or nothing (one that does not commit leaves nothing), but
// the committed ones become durable together, with one commit (one fsync). commit() commits and
// then runs the units' after_commit hooks; destroying a batch that did not commit rolls
// everything back and drops the hooks. No unit of work may be open across commit() or the
// batch's end. A batch belongs to the thread that began it.
class store_batch : public unit_source {
 public:
  ~store_batch() override = default;  // rolls back unless commit() succeeded
  // A unit of this batch (its commit() makes it part of the batch, not durable yet).
  [[nodiscard]] result<std::unique_ptr<unit_of_work>> begin() override = 0;
  // Errors: as store.hpp's; when it fails, nothing of the batch is durable and no hook runs.
  [[nodiscard]] virtual result<void> commit() = 0;
};

class store : public unit_source {
 public:
  ~store() override = default;
  // Starts a write transaction of its own. (SQLite has one connection: while one of its batches
  // is open, this is a unit of that batch — sqlite_store.hpp.)
  [[nodiscard]] result<std::unique_ptr<unit_of_work>> begin() override = 0;

  // A batch of any units of work (store_batch). One at a time per store.
  [[nodiscard]] virtual result<std::unique_ptr<store_batch>> begin_batch() = 0;

  // A batch of rotations alone: its units are rotations for `rotations` (one unit each, in any
  // order), each calling read_for_rotation with its key and then only writing. PostgreSQL takes
  // every lock they need here, in one order on every node (so concurrent batches cannot
  // deadlock), reads for all of them in one round trip, holds their writes back and sends them
  // at commit(), a statement a table; each unit stays all or nothing. Several threads may each
  // have one. By default an ordinary batch.
  [[nodiscard]] virtual result<std::unique_ptr<store_batch>> begin_rotation_batch(
      std::span<const rotation_key> rotations) {
    (void)rotations;
    return begin_batch();
  }

  // A unit of work that only reads: where the backend has a write lock (SQLite), it is not
  // taken. For monitoring reads that must not wait behind writers nor hold them up. Call on a
  // storage thread, outside any batch (storage_executor::run_unbatched); commit() is not needed.
  // By default an ordinary unit of work.
  [[nodiscard]] virtual result<std::unique_ptr<unit_of_work>> begin_read() { return begin(); }

  // Whether writes can be expected to last, for readiness (/ready): errc::service_unavailable
  // when the last write failed (a full disk) or the files written are no longer the ones opened
  // (deleted or replaced under the running server). Cheap, from any thread. By default nothing is
  // known against it.
  [[nodiscard]] virtual result<void> write_health() const { return {}; }

  // Whether the database answers a read, for readiness (/health/ready): one small read that takes
  // no write lock and leaves nothing behind. Call on a storage thread, outside any batch
  // (storage_executor::run_unbatched). By default a unit of work with one read, rolled back.
  [[nodiscard]] virtual result<void> probe() {
    auto work = begin();
    if (!work) return work.error();
    auto setting = (*work)->keys().get_setting("ready");
    if (!setting) return setting.error();
    return {};
  }
};

}  // namespace rekey
