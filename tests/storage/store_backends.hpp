// store_backends: the storage backends the contract suite runs against, each giving a fresh,
// empty store per test and more stores on the same data (a reopen, a second node).
//   sqlite:   a file in a temp directory;
//   postgres: a new database on the server named by REKEY_TEST_POSTGRES (make test starts one
//             with scripts/with-postgres.sh), dropped afterwards. Without it, those tests skip.
#pragma once

#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/pg_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"

namespace rekey::testing {

class store_backend {
 public:
  virtual ~store_backend() = default;
  // Another store on the same data.
  virtual std::unique_ptr<store> open() = 0;
};

class sqlite_backend final : public store_backend {
 public:
  std::unique_ptr<store> open() override { return std::make_unique<sqlite_store>(dir_.file("rekey.db")); }

 private:
  temp_dir dir_;
};

class postgres_backend final : public store_backend {
 public:
  static const char* server() { return std::getenv("REKEY_TEST_POSTGRES"); }

  postgres_backend() : admin_(server()) {
    std::random_device seed;
    name_ = "rekey_test_" + std::to_string(seed()) + std::to_string(seed());
    if (!admin_.exec(("CREATE DATABASE " + name_).c_str())) throw std::runtime_error("cannot create " + name_);
    std::string url = server();
    url = url.substr(0, url.rfind('/') + 1) + name_;
    url_ = url;
  }
  ~postgres_backend() override { (void)admin_.exec(("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").c_str()); }

  std::unique_ptr<store> open() override { return std::make_unique<pg_store>(url_, 4); }
  const std::string& url() const { return url_; }
  // Ends every session on the test database, as a server restart or an idle cut would.
  void drop_connections() {
    (void)admin_.run(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        pg_params().text(name_));
  }

 private:
  pg_connection admin_;
  std::string name_;
  std::string url_;
};

}  // namespace rekey::testing
