// pg_store: the PostgreSQL storage backend (`--database postgres://…`), the same store contract
// as sqlite_store, for several rekey nodes sharing one database.
//
// A pool of connections (pg_pool.hpp): each unit of work has one to itself, so several storage
// threads run transactions at once. Round trips are saved with libpq's pipeline mode: BEGIN goes
// with a unit's first statement, pipelined writes (unit_of_work::pipeline_writes) with its next
// read or its COMMIT, and read_for_rotation's reads in one go (docs/storage.md). Rotation
// batches (begin_rotation_batch, pg_rotation_batch.hpp), one per storage thread at most, are how
// the service commits rotations. General group commit works as on SQLite — a batch is one
// transaction on one connection, each unit of work begun on the batch's thread a savepoint in it;
// one batch at a time (the contract; the service does not use it here). Outbox items are
// claimed with FOR UPDATE SKIP LOCKED, so two nodes never take the same item. A connection that breaks is
// reopened by the next statement; while the database does not answer, units of work fail with
// errc::service_unavailable (the request gets 503) and the node recovers by itself. The schema
// is migrated at construction under an advisory lock (pg_migrations.hpp).
//
// Other nodes hear of changes through NOTIFY on the `rekey` channel, sent right after the
// transaction that makes them commits (in its own transaction: a NOTIFY inside a writing
// transaction serialises commits cluster-wide): "app:<application id>" when an application's
// secrets change, "queue:<account>/<name>" when a message is enqueued. on_events() delivers
// other nodes' events (never this node's own) and "*" after a gap (pg_listener.hpp).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/commit_hooks.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/pg_listener.hpp"
#include "storage/postgres/pg_pool.hpp"
#include "storage/postgres/pg_rotation_batch.hpp"
#include "storage/store.hpp"

namespace rekey {

class pg_store final : public store {
 public:
  // Connects and migrates; throws std::runtime_error when the database cannot be reached or
  // migrated at start-up.
  // `connections`: the pool's size (at least 1).
  pg_store(const std::string& url, std::size_t connections);
  ~pg_store() override;

  result<std::unique_ptr<unit_of_work>> begin() override;
  result<void> begin_batch() override;
  result<void> end_batch() override;
  void abort_batch() override;
  // Several threads may each hold one (pg_rotation_batch.hpp).
  result<void> begin_rotation_batch(std::span<const rotation_key> rotations) override;

  // Starts listening for other nodes' events; `handle` runs on the listener's thread.
  void on_events(std::function<void(std::string_view event)> handle);
  // Stops listening (before whatever `handle` uses goes away).
  void stop_events();

 private:
  std::string url_;
  std::string node_;  // this process's id in event payloads, so it ignores its own
  std::unique_ptr<pg_listener> listener_;
  pg_pool pool_;

  // The batch (begin_batch … end_batch): its thread and connection.
  pg_connection* batch_connection();  // the batch's, when called on the batch's thread
  pg_pool::lease take_batch();
  std::mutex batch_mutex_;
  std::thread::id batch_thread_;  // guarded by batch_mutex_
  pg_pool::lease batch_lease_;    // guarded by batch_mutex_
  batch_hooks batch_;             // used by the batch's thread only

  // Rotation batches (begin_rotation_batch), one per storage thread at most.
  pg_rotation_batch* rotation_batch();  // this thread's, or null
  std::unique_ptr<pg_rotation_batch> take_rotation_batch();
  std::mutex rotation_batches_mutex_;
  std::unordered_map<std::thread::id, std::unique_ptr<pg_rotation_batch>> rotation_batches_;  // guarded by it
};

}  // namespace rekey
