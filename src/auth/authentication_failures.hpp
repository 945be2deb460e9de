// authentication_failures: failed token requests, gathered in memory per (client id, peer) so
// that the audit trail records them in batches — a brute-force attempt must not turn into a
// storage write per guess. The client id is not a secret; the presented secret is never kept.
// Guarded by a mutex; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.hpp"

namespace rekey {

struct failure_summary {
  std::int64_t count = 0;
  time_point first;
  time_point last;
};

class authentication_failures {
 public:
  using key = std::pair<std::string, std::string>;  // client id, peer address

  void record(std::string_view client_id, std::string_view peer, time_point at);
  // Everything gathered since the previous take(); empties the buffer.
  std::map<key, failure_summary> take();

 private:
  static constexpr std::size_t max_keys = 10'000;  // beyond: counted under an empty client id
  std::mutex mutex_;
  std::map<key, failure_summary> pending_;  // guarded by mutex_
};

}  // namespace rekey
