// webhook_publisher: HTTP(S) POST of the notification JSON to the destination's URL, signed:
//   x-rekey-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>
//   x-rekey-notification-id: <notificationId>
// Any 2xx is delivered. The signing secret is sealed in the destination's config
// (AAD "destination:<id>"). Thread-safe.
#pragma once

#include "core/clock.hpp"
#include "crypto/bytes.hpp"
#include "delivery/http_client.hpp"
#include "delivery/publisher.hpp"

namespace rekey {

class webhook_publisher final : public publisher {
 public:
  webhook_publisher(http_client& client, const clock& clock, const key256& at_rest_key)
      : client_(client), clock_(clock), at_rest_key_(at_rest_key) {}

  boost::asio::awaitable<delivery_outcome> publish(const destination_record& destination,
                                                   std::string_view notification_id, const std::string& body) override;

  // "t=<unix>,v1=<hex>" for a body at a time: what receivers recompute.
  static std::string signature_header(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

 private:
  http_client& client_;
  const clock& clock_;
  key256 at_rest_key_;
};

}  // namespace rekey
