#include "outbox/embedded_delivery.hpp"

#include <spdlog/spdlog.h>

namespace rekey {

result<std::optional<std::string>> embedded_delivery::operator()(unit_of_work& work,
                                                                 const destination_record& destination,
                                                                 const std::optional<queue_record>& queue,
                                                                 const std::string& notification_id,
                                                                 std::string_view body) {
  const std::optional<std::string> not_here;
  if (destination.kind != "embedded" || !queue) return not_here;  // a network destination, or its queue is gone
  auto sent = queues_.send(work, *queue, body, "rekey");
  if (!sent) return sent.error();
  const queue_address address{queue->account, queue->name};
  spdlog::debug("notification {} delivered to embedded queue {} with its rotation", notification_id, address.key());
  return std::optional<std::string>{address.key()};
}

}  // namespace rekey
