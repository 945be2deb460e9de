#include "app/process_limits.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace rekey {

std::size_t raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return static_cast<std::size_t>(limit.rlim_cur);
}

std::size_t default_max_connections(std::size_t file_limit) {
  // An eighth of the descriptors, between 32 and 256, stays for everything else.
  const std::size_t reserve = std::clamp<std::size_t>(file_limit / 8, 32, 256);
  return std::max<std::size_t>(file_limit > reserve ? file_limit - reserve : 0, 16);
}

}  // namespace rekey
