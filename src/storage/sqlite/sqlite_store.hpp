// sqlite_store: the embedded storage backend — one SQLite file in WAL mode, synchronous=FULL.
//
// All access goes through one connection owned by the store; callers must use it from a single
// storage thread at a time (the composition root gives it a one-thread pool), so transactions
// never interleave. At most one unit of work is open at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "storage/commit_hooks.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/store.hpp"

namespace rekey {

class sqlite_store final : public store {
 public:
  // Opens or creates the database and applies migrations; throws std::runtime_error with a
  // clear message when the file cannot be opened or migrated (a start-up error).
  explicit sqlite_store(const std::string& path);

  result<std::unique_ptr<unit_of_work>> begin() override;
  result<void> begin_batch() override;
  result<void> end_batch() override;
  void abort_batch() override;

 private:
  sqlite_connection db_;
  batch_hooks batch_;
};

}  // namespace rekey
