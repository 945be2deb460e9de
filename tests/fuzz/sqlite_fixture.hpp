// sqlite_fixture: one SQLite store per fuzzer process, in a temp dir made once (fuzz_temp_path:
// on /dev/shm when there is one) and removed at exit; migrations run once. Each
// input runs inside a store_batch that is dropped uncommitted (store.hpp: SQLite's units begun
// while a batch is open belong to it), so every unit of work it begins is a savepoint of one
// transaction that is rolled back: every input starts from the same database,
// the database does not grow, and a crash input reproduces on its own. Not thread-safe: one
// input at a time (libFuzzer's way).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "fuzz_temp.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace rekey::fuzz {

class sqlite_fixture {
 public:
  sqlite_fixture() : dir_(fuzz_temp_path("db")) {
    std::filesystem::create_directories(dir_);
    store_ = std::make_unique<sqlite_store>((dir_ / "rekey.db").string());
  }
  ~sqlite_fixture() {
    batch_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  sqlite_fixture(const sqlite_fixture&) = delete;
  sqlite_fixture& operator=(const sqlite_fixture&) = delete;

  store& storage() { return *store_; }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  // Opens the batch that undo() rolls back.
  void begin() {
    auto batch = store_->begin_batch();
    if (!batch) std::abort();
    batch_ = std::move(*batch);
  }
  void undo() { batch_.reset(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<store_batch> batch_;  // the open batch (begin … undo); reset before store_
  std::unique_ptr<sqlite_store> store_;
};

}  // namespace rekey::fuzz
