// sqs_publisher: SendMessage to any SQS endpoint — AWS itself or another rekey — as AWS JSON
// 1.0 signed with SigV4, to the origin of the destination's queue URL. Delivered when the
// answer is 200 and its MD5OfMessageBody matches the body. The secret access key is sealed in
// the destination's config (AAD "destination:<id>"). Thread-safe.
#pragma once

#include "core/clock.hpp"
#include "crypto/bytes.hpp"
#include "delivery/http_client.hpp"
#include "delivery/publisher.hpp"

namespace rekey {

class sqs_publisher final : public publisher {
 public:
  sqs_publisher(http_client& client, const clock& clock, const key256& at_rest_key)
      : client_(client), clock_(clock), at_rest_key_(at_rest_key) {}

  boost::asio::awaitable<delivery_outcome> publish(const destination_record& destination,
                                                   std::string_view notification_id, const std::string& body) override;

 private:
  http_client& client_;
  const clock& clock_;
  key256 at_rest_key_;
};

}  // namespace rekey
