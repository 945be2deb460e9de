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
// or chain sees them). commit(): one statement per table with all the rows (pg_rotation_writes),
// COMMIT, and the events (NOTIFY) — one round trip. A unit that does not commit leaves nothing behind, so units stay
// all or nothing without savepoints. Destroying a batch that did not commit rolls it back. Used by one storage thread
// at a time.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>

#include "storage/commit_hooks.hpp"
#include "storage/postgres/pg_pool.hpp"
#include "storage/postgres/pg_rotation_writes.hpp"
#include "storage/store.hpp"

namespace rekey {

class pg_rotation_batch final : public store_batch {
 public:
  pg_rotation_batch(pg_pool::lease db, std::string node);
  ~pg_rotation_batch() override;  // rolls back unless committed
  pg_rotation_batch(const pg_rotation_batch&) = delete;
  pg_rotation_batch& operator=(const pg_rotation_batch&) = delete;

  // BEGIN, the locks and the reads for `rotations` (pg_store::begin_rotation_batch).
  [[nodiscard]] result<void> start(std::span<const rotation_key> rotations);

  // A rotation of the batch (pg_rotation_unit.hpp).
  result<std::unique_ptr<unit_of_work>> begin() override;
  // Sends the writes and commits; runs the hooks once committed.
  result<void> commit() override;

  // For the batch's units: read_for_rotation — errc::internal for a key the batch was not started
  // with; a unit committed — its writes join the batch's, and the snapshot follows them.
  [[nodiscard]] result<rotation_reads> reads_for(std::string_view application_id, std::string_view operation,
                                                 std::string_view notification_type, int audit_chain);
  void absorb(pg_rotation_writes writes);

 private:
  void abandon();

  pg_pool::lease db_;
  std::string node_;
  std::string operation_;
  std::string notification_type_;
  std::unordered_map<std::string, rotation_reads> applications_;  // their reads (audit head apart)
  std::map<int, std::optional<audit_record>> chain_heads_;
  std::deque<std::int64_t> audit_seqs_;  // nextval('audit_seq'), one per rotation
  pg_rotation_writes writes_;
  batch_hooks hooks_;
  bool ended_ = false;
};

}  // namespace rekey
