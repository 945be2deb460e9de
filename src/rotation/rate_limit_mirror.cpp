#include "rotation/rate_limit_mirror.hpp"

namespace rekey {

std::optional<millis> rate_limit_mirror::refusal(std::string_view application_id, time_point now) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(application_id);
  if (it == entries_.end()) return std::nullopt;
  const auto decision = take_token(it->second.state, it->second.plan, now);
  if (decision.allowed) return std::nullopt;
  return decision.retry_after;
}

void rate_limit_mirror::remember(std::string_view application_id, const bucket_state& state, const usage_plan& plan) {
  std::lock_guard lock(mutex_);
  entries_[std::string(application_id)] = entry{state, plan};
}

void rate_limit_mirror::forget(std::string_view application_id) {
  std::lock_guard lock(mutex_);
  if (const auto it = entries_.find(application_id); it != entries_.end()) entries_.erase(it);
}

}  // namespace rekey
