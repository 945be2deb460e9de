// queue_notifier: wakes ReceiveMessage long polls as soon as a message arrives on their queue.
//
// A long poll registers a waiter (its timer and executor) under the queue's key; notify(key)
// marks every waiter of that queue notified and cancels its timer, on the waiter's own
// executor (timers are not thread-safe). A waiter checks `notified` before it starts waiting,
// so a notification between registering and waiting is never lost. Thread-safe.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace rekey {

class queue_notifier {
 public:
  struct waiter {
    explicit waiter(boost::asio::any_io_executor executor) : timer(executor) {}
    boost::asio::steady_timer timer;
    bool notified = false;  // read and written on the timer's executor only
  };

  std::uint64_t subscribe(const std::string& key, std::shared_ptr<waiter> w);
  void unsubscribe(const std::string& key, std::uint64_t id);
  void notify(std::string_view key);

 private:
  std::mutex mutex_;
  std::uint64_t next_id_ = 1;  // guarded by mutex_
  std::multimap<std::string, std::pair<std::uint64_t, std::shared_ptr<waiter>>, std::less<>> waiters_;  // guarded
};

}  // namespace rekey
