// pg_store: the PostgreSQL storage backend (`--database postgres://…`), the same store contract
// as sqlite_store, for several rekey nodes sharing one database.
//
// A pool of connections (pg_pool.hpp): each unit of work has one to itself, so several storage
// threads run transactions at once. Round trips are saved with libpq's pipeline mode: BEGIN goes
// with a unit's first statement, pipelined writes (unit_of_work::pipeline_writes) with its next
// read or its COMMIT, and read_for_rotation's reads in one go (docs/storage.md). Rotation
// batches (begin_rotation_batch, pg_rotation_batch.hpp), any number at once, are how the service
// commits rotations. A general batch (begin_batch) is one transaction on its own connection,
// each unit it hands out a savepoint in it (the contract; the service does not use it here);
// begin() on the store is always a transaction of its own. Outbox items are
// claimed with FOR UPDATE SKIP LOCKED, so two nodes never take the same item. A connection that breaks is
// reopened by the next statement; while the database does not answer, units of work fail with
// errc::service_unavailable (the request gets 503) and the node recovers by itself. The schema
// is migrated at construction under an advisory lock (pg_migrations.hpp).
//
// Other nodes hear of changes through NOTIFY on the `rekey` channel, sent right after the
// transaction that makes them commits (in its own transaction: a NOTIFY inside a writing
// transaction serialises commits cluster-wide): "app:<application id>" when an application's
// secrets or usage plan change, "queue:<account>/<name>" when a message is enqueued, "key:<access
// key id>" when an access key is revoked, "setting:<name>" when a setting is written. on_events() delivers
// other nodes' events (never this node's own) and "*" after a gap (pg_listener.hpp).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/postgres/pg_listener.hpp"
#include "storage/postgres/pg_pool.hpp"
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
  result<std::unique_ptr<store_batch>> begin_batch() override;
  // Several may be open at once (pg_rotation_batch.hpp).
  result<std::unique_ptr<store_batch>> begin_rotation_batch(std::span<const rotation_key> rotations) override;

  // Starts listening for other nodes' events; `handle` runs on the listener's thread.
  void on_events(std::function<void(std::string_view event)> handle);
  // Stops listening (before whatever `handle` uses goes away).
  void stop_events();

 private:
  std::string url_;
  std::string node_;  // this process's id in event payloads, so it ignores its own
  std::unique_ptr<pg_listener> listener_;
  pg_pool pool_;
};

}  // namespace rekey
