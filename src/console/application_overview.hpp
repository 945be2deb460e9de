// application_overview: what the console's application list shows of each application, worked out
// from its details (admin_service::show_application): the current secret's expiry as a badge, the
// last rotation, enrollment and the health of its latest delivery. Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "console/admin_service.hpp"

namespace rekey {

// "ok", "warning" (the current secret expires within the first expiry-warning threshold),
// "expired", or "none" (no current secret).
enum class expiry_badge { ok, warning, expired, none };
// Of the latest delivery: "ok" (delivered), "pending" (not tried yet), "retrying" (pending after a
// failed attempt), "dead", or "none" (nothing delivered yet).
enum class delivery_health { ok, pending, retrying, dead, none };

std::string_view to_string(expiry_badge b);
std::string_view to_string(delivery_health h);

struct application_summary {
  const application_details* details = nullptr;
  const secret_record* current = nullptr;  // null when there is no current secret
  expiry_badge expiry = expiry_badge::none;
  std::optional<time_point> last_rotated_at;  // the current secret's creation, when a rotation made it
  bool enrolled = false;                      // subscribed to the new-secret notification
  delivery_health health = delivery_health::none;
};

// `details` must outlive the answer.
application_summary summarize(const application_details& details, time_point now, const secret_policy_config& policy);

// Whether `query` (empty: everything) is a case-insensitive part of the name, application id or
// client id.
bool matches(const application_record& app, std::string_view query);

}  // namespace rekey
