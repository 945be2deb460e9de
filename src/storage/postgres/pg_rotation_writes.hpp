// pg_rotation_writes: what a rotation batch holds back and sends at its commit
// (pg_rotation_batch.hpp) — each of its units' writes until the unit commits, then the batch's,
// merged: one statement a table, every row in it (INSERT … SELECT … FROM unnest(…); each column
// one binary array parameter, pg_array.hpp), the secret updates merged per secret and sent through rekey_update_secrets
// (PostgreSQL migration 5: fails when a secret is missing). Not thread-safe: one batch's thread.
#pragma once

#include <string>
#include <vector>

#include "storage/postgres/pg_connection.hpp"
#include "storage/records.hpp"

namespace rekey {

class pg_rotation_writes {
 public:
  void insert_secret(const secret_record& secret);
  // As secret_repository::update: forward only.
  void update_secret(const secret_record& change);
  void insert_outbox(const outbox_record& item) { outbox_.push_back(item); }
  void insert_message(const message_record& message);
  void save_bucket(const rate_bucket_record& bucket);
  void append_audit(const audit_record& entry) { audit_.push_back(entry); }

  // A committed unit's writes join these: a secret this batch inserts takes later updates of it
  // in its insert, other updates of one secret merge into one, a bucket saved again keeps the
  // last save, each event is sent once.
  void absorb(pg_rotation_writes unit);

  // Queues one statement per table that has rows; errors as pg_connection::queue.
  [[nodiscard]] result<void> queue(pg_connection& db) const;

  const std::vector<secret_record>& new_secrets() const { return new_secrets_; }
  const std::vector<secret_record>& secret_updates() const { return secret_updates_; }
  const std::vector<rate_bucket_record>& buckets() const { return buckets_; }
  const std::vector<audit_record>& audit() const { return audit_; }
  // For the other nodes, as pg_store sends them ("app:<id>", "queue:<account>/<name>").
  const std::vector<std::string>& events() const { return events_; }

 private:
  void add_event(std::string event);
  result<void> queue_new_secrets(pg_connection& db) const;
  result<void> queue_secret_updates(pg_connection& db) const;
  result<void> queue_outbox(pg_connection& db) const;
  result<void> queue_messages(pg_connection& db) const;
  result<void> queue_buckets(pg_connection& db) const;
  result<void> queue_audit(pg_connection& db) const;

  std::vector<secret_record> new_secrets_;
  std::vector<secret_record> secret_updates_;  // in a batch's: one per id, merged
  std::vector<outbox_record> outbox_;
  std::vector<message_record> messages_;
  std::vector<rate_bucket_record> buckets_;  // in a batch's: one per key, the last saved
  std::vector<audit_record> audit_;
  std::vector<std::string> events_;
};

}  // namespace rekey
