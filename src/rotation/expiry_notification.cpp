#include "rotation/expiry_notification.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/time_format.hpp"

namespace rekey {

std::string to_json(const expiry_notification& n) {
  boost::json::object body;
  body["notificationVersion"] = "1.0";
  body["notificationType"] = expiry_notification_type;
  body["payloadVersion"] = "2023-11-30";
  body["eventTime"] = to_iso8601(n.event_time);
  boost::json::object expiry;
  expiry["clientId"] = n.client_id;
  expiry["clientSecretExpiryTime"] = to_iso8601(n.secret_expires_at);
  expiry["clientSecretExpiryReason"] = "PERIODIC_ROTATION";
  body["payload"] = boost::json::object{{"applicationOAuthClientSecretExpiry", std::move(expiry)}};
  body["notificationMetadata"] = boost::json::object{{"applicationId", n.application_id},
                                                     {"subscriptionId", n.subscription_id},
                                                     {"publishTime", to_iso8601(n.publish_time)},
                                                     {"notificationId", n.notification_id}};
  return boost::json::serialize(body);
}

}  // namespace rekey
