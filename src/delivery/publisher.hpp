// publisher: sends one finished notification to one network destination (webhook, sqs).
//
// An interface because delivery is a real seam: one implementation per destination kind, and
// tests can stand in a recording or failing one. Delivery is at-least-once: a publisher may be
// called again for a notification that already arrived, and passes the notification id so
// consumers can de-duplicate. Implementations must be safe to call from any I/O thread.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

#include "storage/records.hpp"

namespace rekey {

struct delivery_outcome {
  bool delivered = false;
  std::string error;  // why not, for the operator; never contains a secret
};

class publisher {
 public:
  virtual ~publisher() = default;
  virtual boost::asio::awaitable<delivery_outcome> publish(const destination_record& destination,
                                                           std::string_view notification_id,
                                                           const std::string& body) = 0;
};

}  // namespace rekey
