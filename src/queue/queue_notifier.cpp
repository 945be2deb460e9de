#include "queue/queue_notifier.hpp"

#include <boost/asio/post.hpp>

#include <vector>

namespace rekey {

std::uint64_t queue_notifier::subscribe(const std::string& key, std::shared_ptr<waiter> w) {
  std::lock_guard lock(mutex_);
  const auto id = next_id_++;
  waiters_.emplace(key, std::make_pair(id, std::move(w)));
  return id;
}

void queue_notifier::unsubscribe(const std::string& key, std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto [begin, end] = waiters_.equal_range(key);
  for (auto it = begin; it != end; ++it) {
    if (it->second.first == id) {
      waiters_.erase(it);
      return;
    }
  }
}

void queue_notifier::notify(std::string_view key) {
  std::vector<std::shared_ptr<waiter>> woken;
  {
    std::lock_guard lock(mutex_);
    auto [begin, end] = waiters_.equal_range(key);
    for (auto it = begin; it != end; ++it) woken.push_back(it->second.second);
  }
  for (auto& w : woken) {
    boost::asio::post(w->timer.get_executor(), [w] {
      w->notified = true;
      w->timer.cancel();
    });
  }
}

}  // namespace rekey
