// sqlite_fixture: one SQLite store per fuzzer process, in a temp dir made once (fuzz_temp_path:
// on /dev/shm when there is one) and removed at exit; migrations run once. Each
// input runs inside store::begin_batch() … abort_batch(), so every unit of work it begins is a
// savepoint of one transaction that is rolled back: every input starts from the same database,
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
    if (!store_->begin_batch()) std::abort();
  }
  void undo() { store_->abort_batch(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<sqlite_store> store_;
};

}  // namespace rekey::fuzz
