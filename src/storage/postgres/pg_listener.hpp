// pg_listener: LISTEN on one PostgreSQL channel with its own connection and thread, handing each
// NOTIFY's payload to on_event — how one node hears what another committed (a secret changed, a
// message arrived). After a lost connection it reconnects every second and then reports "*":
// events may have been missed, so whoever listens should resynchronise. Thread-safe; on_event
// runs on the listener's thread.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace rekey {

class pg_listener {
 public:
  pg_listener(std::string url, std::string channel, std::function<void(const std::string&)> on_event);
  ~pg_listener();  // stop()
  pg_listener(const pg_listener&) = delete;
  pg_listener& operator=(const pg_listener&) = delete;

  // Stops listening and joins the thread; on_event is not called after it returns.
  void stop();

 private:
  void loop();

  std::string url_;
  std::string channel_;
  std::function<void(const std::string&)> on_event_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace rekey
