// admin_json: the admin API's JSON for each record it answers with — the one place that decides
// what of a record an operator sees. Never a secret or a sealed value: the one-time secrets of
// creation calls are added by their handlers, next to what these return. Pure; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include "console/admin_service.hpp"
#include "core/clock.hpp"
#include "storage/records.hpp"

namespace rekey::api {

boost::json::object to_json(const application_record& app);
// `now` decides "expired".
boost::json::object to_json(const secret_record& secret, time_point now);
boost::json::object to_json(const audit_record& entry);
boost::json::object to_json(const destination_record& destination);
boost::json::object to_json(const subscription_record& subscription);
boost::json::object to_json(const outbox_record& delivery);
// The application with its secrets, destinations, subscriptions and deliveries.
boost::json::object to_json(const application_details& details, time_point now);

}  // namespace rekey::api
