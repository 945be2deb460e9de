#include "rotation/new_secret_notification.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/time_format.hpp"

namespace rekey {

std::string to_json(const new_secret_notification& n) {
  boost::json::object body;
  body["notificationVersion"] = "1.0";
  body["notificationType"] = new_secret_notification_type;
  body["payloadVersion"] = "2023-11-30";
  body["eventTime"] = to_iso8601(n.event_time);
  boost::json::object secret;
  secret["clientId"] = n.client_id;
  secret["newClientSecret"] = n.new_client_secret;
  secret["newClientSecretExpiryTime"] = to_iso8601(n.new_secret_expires_at);
  secret["oldClientSecretExpiryTime"] = to_iso8601(n.old_secret_expires_at);
  body["payload"] = boost::json::object{{"applicationOAuthClientNewSecret", std::move(secret)}};
  body["notificationMetadata"] = boost::json::object{{"applicationId", n.application_id},
                                                     {"subscriptionId", n.subscription_id},
                                                     {"publishTime", to_iso8601(n.publish_time)},
                                                     {"notificationId", n.notification_id}};
  return boost::json::serialize(body);
}

}  // namespace rekey
