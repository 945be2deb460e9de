// What becomes of after_commit hooks (store.hpp), the same for every backend: a unit of work's
// hooks run when it commits — or, in a store_batch, are handed to the batch and run once the
// batch commits (never, if it does not). Not thread-safe: one storage thread.
#pragma once

#include <functional>
#include <utility>
#include <vector>

namespace rekey {

using hook_list = std::vector<std::function<void()>>;

// A store_batch's hooks: its units hand theirs over when they commit; they run once the batch
// commits and are dropped otherwise.
class batch_hooks {
 public:
  // Where the batch's units hand their hooks.
  hook_list* sink() { return &hooks_; }
  // The batch committed: its hooks run.
  void committed() {
    auto hooks = std::exchange(hooks_, {});
    for (auto& hook : hooks) hook();
  }
  // The batch rolled back: its hooks are dropped.
  void dropped() { hooks_.clear(); }

 private:
  hook_list hooks_;
};

// One unit of work's hooks.
class commit_hooks {
 public:
  explicit commit_hooks(hook_list* batch) : batch_(batch) {}
  bool in_batch() const { return batch_ != nullptr; }
  void add(std::function<void()> hook) { hooks_.push_back(std::move(hook)); }
  // The unit committed: run its hooks, or hand them to the batch.
  void committed() {
    for (auto& hook : hooks_) {
      if (batch_ != nullptr)
        batch_->push_back(std::move(hook));
      else
        hook();
    }
    hooks_.clear();
  }

 private:
  hook_list* batch_;  // null outside a batch
  hook_list hooks_;
};

}  // namespace rekey
