// pg_store: the PostgreSQL storage backend (`--database postgres://…`), the same store contract
// as sqlite_store, for several rekey nodes sharing one database.
//
// One connection, owned by the storage thread (like SQLite's); group commit works the same:
// a batch is one transaction, each unit of work a savepoint in it. Outbox items are claimed with
// FOR UPDATE SKIP LOCKED, so two nodes never take the same item. A connection that breaks is
// reopened on the next begin(); until the database answers, begin() fails with
// errc::service_unavailable (the request gets 503) and the node recovers by itself.
// The schema is migrated at construction under an advisory lock (pg_migrations.hpp).
//
// Other nodes hear of changes through NOTIFY on the `rekey` channel, sent in the transaction
// that makes them (so only once it commits): "app:<application id>" when an application's
// secrets change, "queue:<account>/<name>" when a message is enqueued. on_events() delivers
// other nodes' events (never this node's own) and "*" after a gap (pg_listener.hpp).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/commit_hooks.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/pg_listener.hpp"
#include "storage/store.hpp"

namespace rekey {

class pg_store final : public store {
 public:
  // Connects and migrates; throws std::runtime_error when the database cannot be reached or
  // migrated at start-up.
  explicit pg_store(const std::string& url);
  ~pg_store() override;

  result<std::unique_ptr<unit_of_work>> begin() override;
  result<void> begin_batch() override;
  result<void> end_batch() override;
  void abort_batch() override;

  // Starts listening for other nodes' events; `handle` runs on the listener's thread.
  void on_events(std::function<void(std::string_view event)> handle);
  // Stops listening (before whatever `handle` uses goes away).
  void stop_events();

 private:
  std::string url_;
  std::string node_;  // this process's id in event payloads, so it ignores its own
  std::unique_ptr<pg_listener> listener_;
  pg_connection db_;
  batch_hooks batch_;
};

}  // namespace rekey
