#include "runtime/storage_executor.hpp"

#include <pthread.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace rekey::runtime {

storage_executor::storage_executor(std::size_t max_pending, store& storage, batching_policy policy)
    : storage_(storage), policy_(policy), max_pending_(max_pending) {
  if (policy_.batches == batching_policy::kind::every_job && policy_.threads != 1)
    throw std::invalid_argument("storage_executor: a store batching every job has one thread");
  if (policy_.batches == batching_policy::kind::none) policy_.max_batch = 1;
  policy_.max_batch = std::max<std::size_t>(policy_.max_batch, 1);
  for (std::size_t i = 0; i < std::max<std::size_t>(policy_.threads, 1); ++i) threads_.emplace_back([this] { loop(); });
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

std::vector<std::unique_ptr<storage_executor::job>> storage_executor::take_jobs(std::unique_lock<std::mutex>&) {
  std::vector<std::unique_ptr<job>> jobs;
  // Rotation batches: a run of rotations, or one other job.
  if (queue_.front()->unbatched) {  // alone, outside any batch
    jobs.push_back(std::move(queue_.front()));
    queue_.pop_front();
    return jobs;
  }
  const bool by_kind = policy_.batches == batching_policy::kind::rotations;
  const bool rotations = by_kind && queue_.front()->key;
  while (!queue_.empty() && jobs.size() < policy_.max_batch && !queue_.front()->unbatched &&
         (!by_kind || (rotations ? queue_.front()->key.has_value() : jobs.empty()))) {
    jobs.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return jobs;
}

bool storage_executor::run_jobs(std::vector<std::unique_ptr<job>>& jobs) {
  const bool batched =
      !jobs.front()->unbatched && (policy_.batches == batching_policy::kind::every_job ||
                                   (policy_.batches == batching_policy::kind::rotations && jobs.front()->key));
  if (!batched) {
    for (auto& j : jobs) j->run(storage_);
    return true;
  }
  result<std::unique_ptr<store_batch>> batch = errc::internal;
  if (policy_.batches == batching_policy::kind::rotations) {
    std::vector<rotation_key> keys;
    keys.reserve(jobs.size());
    for (const auto& j : jobs) keys.push_back(*j->key);
    batch = storage_.begin_rotation_batch(keys);
  } else {
    batch = storage_.begin_batch();
  }
  if (!batch) return false;  // storage unavailable: answer without running
  for (auto& j : jobs) j->run(**batch);
  return static_cast<bool>((*batch)->commit());  // the batch goes here: rolled back unless committed
}

void storage_executor::loop() {
  pthread_setname_np(pthread_self(), "rekey-storage");  // shown by top -H and perf
  for (;;) {
    std::vector<std::unique_ptr<job>> jobs;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      jobs = take_jobs(lock);
    }
    if (batch_observer_) batch_observer_(jobs.size());
    const bool durable = run_jobs(jobs);
    pending_.fetch_sub(jobs.size());
    for (auto& j : jobs) j->complete(durable);
  }
}

}  // namespace rekey::runtime
