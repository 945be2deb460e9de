#include "storage/postgres/pg_pool.hpp"

#include <algorithm>

namespace rekey {

pg_pool::pg_pool(const std::string& url, std::size_t size) {
  for (std::size_t i = 0; i < std::max<std::size_t>(size, 1); ++i) {
    all_.push_back(std::make_unique<pg_connection>(url));
    free_.push_back(all_.back().get());
  }
}

pg_pool::lease pg_pool::acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [this] { return !free_.empty(); });
  auto* connection = free_.back();
  free_.pop_back();
  return {this, connection};
}

void pg_pool::give_back(pg_connection* connection) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(connection);
  }
  returned_.notify_one();
}

}  // namespace rekey
