#include "console/application_overview.hpp"

#include <algorithm>
#include <cctype>

#include "rotation/new_secret_notification.hpp"

namespace rekey {
namespace {

bool contains_ignoring_case(std::string_view text, std::string_view part) {
  const auto found = std::search(text.begin(), text.end(), part.begin(), part.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return found != text.end();
}

}  // namespace

std::string_view to_string(expiry_badge b) {
  switch (b) {
    case expiry_badge::ok:
      return "ok";
    case expiry_badge::warning:
      return "warning";
    case expiry_badge::expired:
      return "expired";
    case expiry_badge::none:
      break;
  }
  return "none";
}

std::string_view to_string(delivery_health h) {
  switch (h) {
    case delivery_health::ok:
      return "ok";
    case delivery_health::pending:
      return "pending";
    case delivery_health::retrying:
      return "retrying";
    case delivery_health::dead:
      return "dead";
    case delivery_health::none:
      break;
  }
  return "none";
}

application_summary summarize(const application_details& details, time_point now, const secret_policy_config& policy) {
  application_summary out;
  out.details = &details;
  const auto& secrets = details.secrets;
  const auto current =
      std::find_if(secrets.begin(), secrets.end(), [](const auto& s) { return s.state == secret_state::current; });
  if (current != secrets.end()) {
    out.current = &*current;
    const auto first_warning = policy.expiry_warnings.empty()
                                   ? millis{0}
                                   : *std::max_element(policy.expiry_warnings.begin(), policy.expiry_warnings.end());
    if (now >= current->expires_at)
      out.expiry = expiry_badge::expired;
    else if (now >= current->expires_at - first_warning)
      out.expiry = expiry_badge::warning;
    else
      out.expiry = expiry_badge::ok;
    // The first secret comes with the application; any later current one was made by a rotation.
    const bool older_exists = std::any_of(secrets.begin(), secrets.end(), [&](const auto& s) {
      return s.id != current->id && s.created_at <= current->created_at;
    });
    if (older_exists) out.last_rotated_at = current->created_at;
  }
  out.enrolled = std::any_of(details.subscriptions.begin(), details.subscriptions.end(),
                             [](const auto& s) { return s.notification_type == new_secret_notification_type; });
  const auto latest = std::max_element(details.deliveries.begin(), details.deliveries.end(),
                                       [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  if (latest != details.deliveries.end()) {
    switch (latest->state) {
      case outbox_state::delivered:
        out.health = delivery_health::ok;
        break;
      case outbox_state::dead:
        out.health = delivery_health::dead;
        break;
      case outbox_state::pending:
        out.health = latest->attempts > 0 ? delivery_health::retrying : delivery_health::pending;
        break;
    }
  }
  return out;
}

bool matches(const application_record& app, std::string_view query) {
  return query.empty() || contains_ignoring_case(app.name, query) || contains_ignoring_case(app.id, query) ||
         contains_ignoring_case(app.client_id, query);
}

}  // namespace rekey
