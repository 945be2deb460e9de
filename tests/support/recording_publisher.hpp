// recording_publisher: a publisher that records every notification handed to it and answers
// with the outcome the test chose (delivered by default). Tests wait for calls with a bound.
// Thread-safe: the relay publishes on an I/O thread while the test reads from its own.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "delivery/publisher.hpp"

namespace rekey::testing {

class recording_publisher final : public publisher {
 public:
  struct call {
    std::string destination_id;
    std::string notification_id;
    std::string body;
  };

  boost::asio::awaitable<delivery_outcome> publish(const destination_record& destination,
                                                   std::string_view notification_id, const std::string& body) override {
    delivery_outcome outcome;
    {
      std::lock_guard lock(mutex_);
      calls_.push_back({destination.id, std::string(notification_id), body});
      outcome = outcome_;
    }
    changed_.notify_all();
    co_return outcome;
  }

  // What later calls answer.
  void answer(delivery_outcome outcome) {
    std::lock_guard lock(mutex_);
    outcome_ = std::move(outcome);
  }

  std::vector<call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

  // True once at least `n` calls were made, false when `timeout` passed first.
  bool wait_for_calls(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return calls_.size() >= n; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<call> calls_;             // guarded by mutex_
  delivery_outcome outcome_{true, {}};  // guarded by mutex_
};

}  // namespace rekey::testing
