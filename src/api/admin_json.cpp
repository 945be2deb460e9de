#include "api/admin_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "core/identifiers.hpp"
#include "core/time_format.hpp"

namespace rekey::api {

namespace json = boost::json;

json::object to_json(const application_record& a) {
  json::object o{
      {"applicationId", a.id}, {"name", a.name}, {"clientId", a.client_id}, {"createdAt", to_iso8601(a.created_at)}};
  json::object plan;
  if (a.rotate_rate) plan["rotateRate"] = *a.rotate_rate;
  if (a.rotate_burst) plan["rotateBurst"] = *a.rotate_burst;
  o["usagePlan"] = std::move(plan);
  o["tokenSettings"] = to_json(a.tokens);
  return o;
}

json::object to_json(const token_settings& t) {
  json::array scopes;
  for (const auto& s : t.scopes) scopes.emplace_back(s);
  return {{"tokenFormat", to_string(t.format)},
          {"scopes", std::move(scopes)},
          {"audience", t.audience ? json::value(*t.audience) : json::value(nullptr)}};
}

json::object to_json(const resource_server_record& s) {
  return {{"resourceServerId", s.id},
          {"name", s.name},
          {"audience", s.audience ? json::value(*s.audience) : json::value(nullptr)},
          {"createdAt", to_iso8601(s.created_at)},
          {"revokedAt", s.revoked_at ? json::value(to_iso8601(*s.revoked_at)) : json::value(nullptr)}};
}

json::object to_json(const jwt_key_status& k) {
  return {{"kid", k.key->kid},
          {"algorithm", "EdDSA"},
          {"createdAt", to_iso8601(k.key->created_at)},
          {"signsFrom", to_iso8601(k.key->signs_from)},
          {"state", to_string(k.state)},
          {"publishedUntil", k.published_until ? json::value(to_iso8601(*k.published_until)) : json::value(nullptr)}};
}

json::object to_json(const secret_record& s, time_point now) {
  const bool usable = s.state == secret_state::current || s.state == secret_state::old;
  return {{"secretId", s.id},
          {"fingerprint", s.fingerprint},
          {"state", to_string(s.state)},
          {"expired", usable && now >= s.expires_at},
          {"createdAt", to_iso8601(s.created_at)},
          {"expiresAt", to_iso8601(s.expires_at)},
          {"lastUsedAt", s.last_used_at ? json::value(to_iso8601(*s.last_used_at)) : json::value(nullptr)},
          {"useCount", s.use_count}};
}

json::object to_json(const audit_record& e) {
  return {{"seq", e.seq},
          {"at", to_iso8601(e.at)},
          {"actor", e.actor},
          {"action", e.action},
          {"applicationId", e.application_id},
          {"requestId", e.request_id},
          {"fingerprint", e.fingerprint},
          {"detail", e.detail},
          {"hash", to_hex(e.hash)}};
}

json::object to_json(const destination_record& d) {
  json::object o{{"destinationId", d.id}, {"kind", d.kind}, {"createdAt", to_iso8601(d.created_at)}};
  boost::system::error_code ec;
  auto config = json::parse(d.config_json, ec);
  if (!ec && config.is_object()) {
    config.as_object().erase("sealedSecret");  // sealed, but nobody outside needs it
    o["config"] = std::move(config);
  }
  return o;
}

json::object to_json(const subscription_record& s) {
  return {{"subscriptionId", s.id}, {"notificationType", s.notification_type}, {"destinationId", s.destination_id}};
}

json::object to_json(const outbox_record& o) {
  json::object out{{"notificationId", o.id},
                   {"applicationId", o.application_id},
                   {"notificationType", o.notification_type},
                   {"destinationId", o.destination_id},
                   {"state", to_string(o.state)},
                   {"attempts", o.attempts},
                   {"createdAt", to_iso8601(o.created_at)}};
  if (o.delivered_at) out["deliveredAt"] = to_iso8601(*o.delivered_at);
  if (o.state == outbox_state::pending) out["nextAttemptAt"] = to_iso8601(o.next_attempt_at);
  if (!o.last_error.empty()) out["lastError"] = o.last_error;
  return out;
}

json::object to_json(const application_details& details, time_point now) {
  auto o = to_json(details.app);
  json::array secrets, destinations, subscriptions, deliveries;
  for (const auto& s : details.secrets) secrets.push_back(to_json(s, now));
  for (const auto& d : details.destinations) destinations.push_back(to_json(d));
  for (const auto& s : details.subscriptions) subscriptions.push_back(to_json(s));
  for (const auto& d : details.deliveries) deliveries.push_back(to_json(d));
  o["secrets"] = std::move(secrets);
  o["destinations"] = std::move(destinations);
  o["subscriptions"] = std::move(subscriptions);
  o["deliveries"] = std::move(deliveries);
  return o;
}

json::object to_json(const application_summary& summary) {
  auto o = to_json(summary.details->app);
  o["expiry"] = to_string(summary.expiry);
  if (summary.current != nullptr) {
    o["currentSecret"] = {{"secretId", summary.current->id},
                          {"fingerprint", summary.current->fingerprint},
                          {"expiresAt", to_iso8601(summary.current->expires_at)}};
  } else {
    o["currentSecret"] = nullptr;
  }
  o["lastRotatedAt"] = summary.last_rotated_at ? json::value(to_iso8601(*summary.last_rotated_at)) : json::value();
  o["enrolled"] = summary.enrolled;
  o["destinationHealth"] = to_string(summary.health);
  return o;
}

json::object to_json(const access_key_record& key) {
  return {{"accessKeyId", key.id}, {"account", key.account}, {"createdAt", to_iso8601(key.created_at)}};
}

json::object to_json(const peeked_message& m) {
  return {{"messageId", m.id},
          {"sentAt", to_iso8601(m.sent_at)},
          {"receiveCount", m.receive_count},
          {"body", m.body},
          {"masked", m.masked}};
}

}  // namespace rekey::api
