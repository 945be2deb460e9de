#include "runtime/storage_executor.hpp"

#include <pthread.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace rekey::runtime {

storage_executor::storage_executor(std::size_t max_pending, store* batching, std::size_t threads, std::size_t max_batch,
                                   bool rotations_only)
    : batching_(batching),
      max_pending_(max_pending),
      max_batch_(batching != nullptr ? max_batch : 1),
      rotations_only_(rotations_only) {
  if (batching != nullptr && threads != 1 && !rotations_only)
    throw std::invalid_argument("storage_executor: a store batching every job has one thread");
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) threads_.emplace_back([this] { loop(); });
}

storage_executor::~storage_executor() { stop(); }

void storage_executor::enqueue(std::unique_ptr<job> j) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(j));
  }
  wake_.notify_one();
}

void storage_executor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable() && thread.get_id() != std::this_thread::get_id()) thread.join();
  }
}

void storage_executor::loop() {
  pthread_setname_np(pthread_self(), "rekey-storage");  // shown by top -H and perf
  for (;;) {
    std::vector<std::unique_ptr<job>> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      // Rotations only: a run of rotations, or one other job.
      const bool rotations = rotations_only_ && queue_.front()->key;
      while (!queue_.empty() && batch.size() < max_batch_ &&
             (!rotations_only_ || (rotations ? queue_.front()->key.has_value() : batch.empty()))) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    bool durable = true;
    if (batching_ != nullptr && (!rotations_only_ || batch.front()->key)) {
      auto begun = result<void>{};
      if (rotations_only_) {
        std::vector<rotation_key> keys;
        keys.reserve(batch.size());
        for (const auto& j : batch) keys.push_back(*j->key);
        begun = batching_->begin_rotation_batch(keys);
      } else {
        begun = batching_->begin_batch();
      }
      if (!begun) {
        durable = false;  // storage unavailable: answer without running
      } else {
        for (auto& j : batch) j->run();
        durable = static_cast<bool>(batching_->end_batch());
      }
    } else {
      for (auto& j : batch) j->run();
    }
    pending_.fetch_sub(batch.size());
    for (auto& j : batch) j->complete(durable);
  }
}

}  // namespace rekey::runtime
