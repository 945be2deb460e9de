#include "outbox/embedded_delivery.hpp"

#include <spdlog/spdlog.h>

namespace rekey {

result<std::optional<std::string>> embedded_delivery::operator()(unit_of_work& work,
                                                                 const destination_record& destination,
                                                                 const std::string& notification_id,
                                                                 std::string_view body) {
  const std::optional<std::string> not_here;
  if (destination.kind != "embedded") return not_here;
  const auto address = embedded_address(destination);
  if (!address) return not_here;
  auto sent = queues_.send(work, *address, body, "rekey", millis{0});
  if (!sent) {
    if (sent.error() == make_error_code(errc::sqs_queue_does_not_exist)) return not_here;
    return sent.error();
  }
  spdlog::debug("notification {} delivered to embedded queue {} with its rotation", notification_id, address->key());
  return std::optional<std::string>{address->key()};
}

}  // namespace rekey
