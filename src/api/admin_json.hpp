// admin_json: the admin API's JSON for each record it answers with — the one place that decides
// what of a record an operator sees. Never a secret or a sealed value: the one-time secrets of
// creation calls are added by their handlers, next to what these return. Pure; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include "auth/jwt_keys.hpp"
#include "console/admin_service.hpp"
#include "console/application_overview.hpp"
#include "console/queue_admin.hpp"
#include "core/clock.hpp"
#include "storage/records.hpp"

namespace rekey::api {

boost::json::object to_json(const application_record& app);
boost::json::object to_json(const token_settings& settings);
boost::json::object to_json(const resource_server_record& server);  // never its secret
boost::json::object to_json(const jwt_key_status& key);
// `now` decides "expired".
boost::json::object to_json(const secret_record& secret, time_point now);
boost::json::object to_json(const audit_record& entry);
boost::json::object to_json(const destination_record& destination);
boost::json::object to_json(const subscription_record& subscription);
boost::json::object to_json(const outbox_record& delivery);
// The application with its secrets, destinations, subscriptions and deliveries.
boost::json::object to_json(const application_details& details, time_point now);
// A line of the console's application list: the application, its expiry badge, last rotation,
// enrollment and delivery health.
boost::json::object to_json(const application_summary& summary);
// An access key without its secret.
boost::json::object to_json(const access_key_record& key);
boost::json::object to_json(const peeked_message& message);

}  // namespace rekey::api
