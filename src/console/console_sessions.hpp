// console_sessions: the web console's signed-in sessions, in memory.
//
// A session is opened when the admin token is presented at sign-in; the browser then holds only
// the session id (a 256-bit random value in an HttpOnly cookie) and the page holds the session's
// CSRF token. Only a SHA-256 of each id is kept, so that a memory dump cannot be replayed as a
// cookie, and lookups are by that hash. Sessions end at their expiry, at sign-out, or when the
// process stops (every node keeps its own: docs/console.md). At most `capacity` are open; opening
// one more closes the one that expires first. Guarded by a mutex; thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/string_hash.hpp"

namespace rekey {

struct console_session {
  std::string csrf_token;
  time_point expires_at;
};

class console_sessions {
 public:
  console_sessions(const clock& clock, random_source& random, millis lifetime = millis{8LL * 3'600'000},
                   std::size_t capacity = 1000)
      : clock_(clock), random_(random), lifetime_(lifetime), capacity_(capacity) {}

  struct opened {
    std::string id;  // the cookie's value
    console_session session;
  };
  opened open();
  // The open, unexpired session with this id; nullopt otherwise.
  std::optional<console_session> find(std::string_view id) const;
  void close(std::string_view id);
  millis lifetime() const { return lifetime_; }

 private:
  const clock& clock_;
  random_source& random_;
  millis lifetime_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  // by hex SHA-256 of the session id; guarded by mutex_
  mutable std::unordered_map<std::string, console_session, string_hash, std::equal_to<>> sessions_;
};

}  // namespace rekey
