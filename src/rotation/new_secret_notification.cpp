#include "rotation/new_secret_notification.hpp"

#include "core/time_format.hpp"
#include "rotation/notification_envelope.hpp"

namespace rekey {

std::string to_json(const new_secret_notification& n) {
  boost::json::object secret;
  secret["clientId"] = n.client_id;
  secret["newClientSecret"] = n.new_client_secret;
  secret["newClientSecretExpiryTime"] = to_iso8601(n.new_secret_expires_at);
  secret["oldClientSecretExpiryTime"] = to_iso8601(n.old_secret_expires_at);
  return notification_json(new_secret_notification_type, "applicationOAuthClientNewSecret", std::move(secret),
                           {n.application_id, n.subscription_id, n.notification_id, n.event_time, n.publish_time});
}

}  // namespace rekey
