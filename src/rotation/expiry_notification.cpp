#include "rotation/expiry_notification.hpp"

#include "core/time_format.hpp"
#include "rotation/notification_envelope.hpp"

namespace rekey {

std::string to_json(const expiry_notification& n) {
  boost::json::object expiry;
  expiry["clientId"] = n.client_id;
  expiry["clientSecretExpiryTime"] = to_iso8601(n.secret_expires_at);
  expiry["clientSecretExpiryReason"] = "PERIODIC_ROTATION";
  return notification_json(expiry_notification_type, "applicationOAuthClientSecretExpiry", std::move(expiry),
                           {n.application_id, n.subscription_id, n.notification_id, n.event_time, n.publish_time});
}

}  // namespace rekey
