#include "delivery/webhook_publisher.hpp"

#include <boost/json/parse.hpp>

#include "core/identifiers.hpp"
#include "crypto/hmac.hpp"
#include "delivery/destination_secret.hpp"

namespace rekey {

std::string webhook_publisher::signature_header(std::string_view secret, std::int64_t unix_seconds,
                                                std::string_view body) {
  const std::string t = std::to_string(unix_seconds);
  const std::string signed_text = t + "." + std::string(body);
  return "t=" + t + ",v1=" + to_hex(hmac_sha256(as_bytes(secret), as_bytes(signed_text)));
}

boost::asio::awaitable<delivery_outcome> webhook_publisher::publish(const destination_record& destination,
                                                                    std::string_view notification_id,
                                                                    const std::string& body) {
  boost::system::error_code ec;
  const auto config = boost::json::parse(destination.config_json, ec);
  const auto* url = !ec && config.is_object() ? config.as_object().if_contains("url") : nullptr;
  const auto* sealed = !ec && config.is_object() ? config.as_object().if_contains("sealedSecret") : nullptr;
  if (!url || !url->is_string() || !sealed || !sealed->is_string())
    co_return delivery_outcome{false, std::string("bad webhook config")};
  const auto secret = open_destination_secret(at_rest_key_, destination.id, sealed->as_string());
  if (!secret) co_return delivery_outcome{false, std::string("webhook secret does not open")};
  const auto now_seconds = to_epoch_ms(clock_.now()) / 1000;
  std::map<std::string, std::string> headers;  // a named local: GCC 12 mis-compiles a braced temporary here
  headers["content-type"] = "application/json";
  headers["x-rekey-signature"] = signature_header(*secret, now_seconds, body);
  headers["x-rekey-notification-id"] = std::string(notification_id);
  const std::string target(url->as_string());
  auto reply = co_await client_.post(target, headers, body);
  if (!reply) co_return delivery_outcome{false, "webhook unreachable: " + reply.error().message()};
  if (reply->status < 200 || reply->status > 299) {
    co_return delivery_outcome{false, "webhook answered " + std::to_string(reply->status)};
  }
  co_return delivery_outcome{true, {}};
}

}  // namespace rekey
