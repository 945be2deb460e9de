// The APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY notification (SPEC §5): the exact JSON a consumer
// receives. It never contains a secret. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace rekey {

inline constexpr std::string_view expiry_notification_type = "APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY";

struct expiry_notification {
  std::string application_id;
  std::string client_id;
  time_point secret_expires_at;
  std::string subscription_id;
  std::string notification_id;
  time_point event_time;
  time_point publish_time;
};

std::string to_json(const expiry_notification& n);

}  // namespace rekey
