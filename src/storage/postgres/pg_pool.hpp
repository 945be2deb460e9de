// pg_pool: a fixed set of PostgreSQL connections shared by the storage threads. acquire() hands
// out a free connection for the length of one transaction (or batch) and waits while all are in
// use; the lease gives it back. Connections open lazily and reopen after a failure (pg_connection),
// so a pool outlives a database restart. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "storage/postgres/pg_connection.hpp"

namespace rekey {

class pg_pool {
 public:
  class lease {
   public:
    lease() = default;
    lease(pg_pool* pool, pg_connection* connection) : pool_(pool), connection_(connection) {}
    ~lease() { release(); }
    lease(lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), connection_(std::exchange(other.connection_, nullptr)) {}
    lease& operator=(lease&& other) noexcept {
      if (this != &other) {
        release();
        pool_ = std::exchange(other.pool_, nullptr);
        connection_ = std::exchange(other.connection_, nullptr);
      }
      return *this;
    }
    pg_connection& operator*() const { return *connection_; }
    pg_connection* operator->() const { return connection_; }
    explicit operator bool() const { return connection_ != nullptr; }
    void release() {
      if (pool_ != nullptr) pool_->give_back(connection_);
      pool_ = nullptr;
      connection_ = nullptr;
    }

   private:
    pg_pool* pool_ = nullptr;
    pg_connection* connection_ = nullptr;
  };

  pg_pool(const std::string& url, std::size_t size);
  std::size_t size() const { return all_.size(); }
  lease acquire();

 private:
  void give_back(pg_connection* connection);

  std::vector<std::unique_ptr<pg_connection>> all_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<pg_connection*> free_;  // guarded by mutex_
};

}  // namespace rekey
