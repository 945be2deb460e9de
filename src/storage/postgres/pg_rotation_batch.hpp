// pg_rotation_batch: many rotations in one PostgreSQL transaction (store::begin_rotation_batch).
//
// A rotation on PostgreSQL costs mostly per statement and per commit, not per row
// (docs/benchmarks.md): one at a time it is ~12 statements and a commit. A batch of N takes, in
// one round trip, every rate-bucket lock its rotations need (sorted by key), then every audit
// chain lock (sorted) — the same order in every batch on every node, and no batch waits for a
// bucket while holding a chain, so batches and single rotations cannot deadlock — then reads the
// applications, their secrets, the chains' heads and N audit sequence numbers. Each rotation's
// unit of work reads from that snapshot and buffers its writes; when the unit commits, its writes
// join the batch's and the snapshot follows them (so a later rotation of the same application
// or chain sees them). end: one statement per table with all the rows, COMMIT, and the events
// (NOTIFY) — one round trip. A unit that does not commit leaves nothing behind, so units stay all
// or nothing without savepoints. Used by one storage thread at a time.
#pragma once

#include <deque>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/commit_hooks.hpp"
#include "storage/postgres/pg_pool.hpp"
#include "storage/store.hpp"

namespace rekey {

// What one rotation's unit of work writes, held back until the batch ends.
struct rotation_writes {
  std::vector<secret_record> new_secrets;
  std::vector<secret_record> secret_updates;  // as secret_repository::update: forward only
  std::vector<outbox_record> outbox;
  std::vector<message_record> messages;
  std::vector<rate_bucket_record> buckets;
  std::vector<audit_record> audit;
  std::vector<std::string> events;  // for the other nodes, as pg_store sends them
};

class pg_rotation_batch {
 public:
  explicit pg_rotation_batch(pg_pool::lease db, std::string node);
  pg_rotation_batch(const pg_rotation_batch&) = delete;
  pg_rotation_batch& operator=(const pg_rotation_batch&) = delete;

  pg_connection& connection() { return *db_; }
  // Where the units' after_commit hooks go: run once the batch commits.
  hook_list* hooks() { return hooks_.sink(); }

  // BEGIN, the locks and the reads for `rotations`.
  [[nodiscard]] result<void> start(std::span<const rotation_key> rotations);
  // A unit's read_for_rotation: errc::internal for a key the batch was not started with.
  [[nodiscard]] result<rotation_reads> reads_for(std::string_view application_id, std::string_view operation,
                                                 std::string_view notification_type, int audit_chain);
  // A unit committed: its writes join the batch's.
  void absorb(rotation_writes writes);
  // Sends the writes and commits; runs the hooks once committed.
  [[nodiscard]] result<void> finish();
  // Rolls back; the hooks are dropped.
  void abandon();

 private:
  void update_secret(const secret_record& change);

  pg_pool::lease db_;
  std::string node_;
  std::string operation_;
  std::string notification_type_;
  std::unordered_map<std::string, rotation_reads> applications_;  // their reads (audit head apart)
  std::map<int, std::optional<audit_record>> chain_heads_;
  std::deque<std::int64_t> audit_seqs_;  // nextval('audit_seq'), one per rotation
  rotation_writes writes_;               // secret_updates: one per id, merged
  batch_hooks hooks_;
};

}  // namespace rekey
