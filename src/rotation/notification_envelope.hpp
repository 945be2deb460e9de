// notification_envelope: the JSON every notification shares (SPEC §5) — version, type, payload
// version, event time, the payload under its type's key, and notificationMetadata. Used by the
// notifications' to_json(); pure, thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace rekey {

struct notification_metadata {
  std::string application_id;
  std::string subscription_id;
  std::string notification_id;
  time_point event_time;
  time_point publish_time;
};

// The serialized notification: `payload` under payload.<payload_key>.
std::string notification_json(std::string_view type, std::string_view payload_key, boost::json::object payload,
                              const notification_metadata& metadata);

}  // namespace rekey
