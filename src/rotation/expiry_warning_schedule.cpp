#include "rotation/expiry_warning_schedule.hpp"

#include <algorithm>

namespace rekey {
namespace {

// Largest first: the warning moments in time order.
std::vector<millis> descending(std::vector<millis> thresholds) {
  std::sort(thresholds.begin(), thresholds.end(), std::greater<>());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
  return thresholds;
}

}  // namespace

std::optional<time_point> first_warning_at(time_point expires_at, const std::vector<millis>& thresholds) {
  const auto ordered = descending(thresholds);
  for (const auto t : ordered) {
    if (t.count() > 0) return expires_at - t;
  }
  return std::nullopt;
}

warning_step next_warning(time_point expires_at, const std::vector<millis>& thresholds, time_point now) {
  warning_step step;
  if (now >= expires_at) return step;  // expired: nothing left to warn about
  for (const auto t : descending(thresholds)) {
    if (t.count() <= 0) continue;
    const auto due = expires_at - t;
    if (due <= now) {
      step.send = t;  // a later (smaller) threshold that also passed replaces this one
    } else {
      step.next_at = due;
      break;
    }
  }
  return step;
}

}  // namespace rekey
