#include "rotation/notification_envelope.hpp"

#include <boost/json/serialize.hpp>

#include "core/time_format.hpp"

namespace rekey {

std::string notification_json(std::string_view type, std::string_view payload_key, boost::json::object payload,
                              const notification_metadata& m) {
  boost::json::object body;
  body["notificationVersion"] = "1.0";
  body["notificationType"] = type;
  body["payloadVersion"] = "2023-11-30";
  body["eventTime"] = to_iso8601(m.event_time);
  body["payload"] = boost::json::object{{payload_key, std::move(payload)}};
  body["notificationMetadata"] = boost::json::object{{"applicationId", m.application_id},
                                                     {"subscriptionId", m.subscription_id},
                                                     {"publishTime", to_iso8601(m.publish_time)},
                                                     {"notificationId", m.notification_id}};
  return boost::json::serialize(body);
}

}  // namespace rekey
