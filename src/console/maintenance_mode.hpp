// maintenance_mode: whether rekey is in maintenance, as the SP-API rotate call reads it on every
// request (one atomic load). The stored setting (admin_service::set_maintenance) is the truth; this
// flag follows it on this node at commit, at start-up and when another node changes it
// (PostgreSQL NOTIFY "setting:maintenance"). Thread-safe.
#pragma once

#include <atomic>

namespace rekey {

class maintenance_mode {
 public:
  bool on() const { return on_.load(std::memory_order_relaxed); }
  void set(bool on) { on_.store(on, std::memory_order_relaxed); }

 private:
  std::atomic<bool> on_{false};
};

}  // namespace rekey
