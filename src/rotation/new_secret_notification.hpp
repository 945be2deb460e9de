// The APPLICATION_OAUTH_CLIENT_NEW_SECRET notification (SPEC §5): the exact JSON an SQS
// consumer receives as the message body. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace rekey {

inline constexpr std::string_view new_secret_notification_type = "APPLICATION_OAUTH_CLIENT_NEW_SECRET";

struct new_secret_notification {
  std::string application_id;
  std::string client_id;
  std::string new_client_secret;  // plaintext: only ever sealed before it is stored
  time_point new_secret_expires_at;
  time_point old_secret_expires_at;
  std::string subscription_id;
  std::string notification_id;
  time_point event_time;
  time_point publish_time;
};

std::string to_json(const new_secret_notification& n);

}  // namespace rekey
