// embedded_delivery: puts a notification into rekey's own embedded queue inside the caller's
// unit of work — how a rotation delivers to an embedded destination in its own transaction
// (rotation_service's direct_delivery). Network destinations, and embedded ones whose queue is
// gone, are left to the outbox relay (answer nullopt). Thread-compatible: the storage thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "queue/queue_service.hpp"
#include "storage/store.hpp"

namespace rekey {

class embedded_delivery {
 public:
  explicit embedded_delivery(queue_service& queues) : queues_(queues) {}

  // The queue's key ("<account>/<name>") when delivered; nullopt when this is not one to deliver
  // here. `queue` is the destination's queue as read in this unit of work (rotation_reads::queue).
  result<std::optional<std::string>> operator()(unit_of_work& work, const destination_record& destination,
                                                const std::optional<queue_record>& queue,
                                                const std::string& notification_id, std::string_view body);

 private:
  queue_service& queues_;
};

}  // namespace rekey
