#include "outbox/destination_tester.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/identifiers.hpp"
#include "core/time_format.hpp"

namespace rekey {

boost::asio::awaitable<delivery_outcome> destination_tester::test(const destination_record& destination) {
  const std::string id = new_uuid(random_);
  const std::string body = boost::json::serialize(boost::json::object{
      {"notificationVersion", "1.0"},
      {"notificationType", "REKEY_DESTINATION_TEST"},
      {"eventTime", to_iso8601(clock_.now())},
      {"payload", boost::json::object{}},
      {"notificationMetadata",
       boost::json::object{
           {"applicationId", destination.application_id}, {"destinationId", destination.id}, {"notificationId", id}}}});
  if (const auto queue = embedded_address(destination)) {
    auto sent = co_await executor_.run([&]() -> result<void> {
      auto work = storage_.begin();
      if (!work) return work.error();
      if (auto r = queues_.send(**work, *queue, body, "rekey"); !r) return r.error();
      return (*work)->commit();
    });
    if (!sent) co_return delivery_outcome{false, std::string("the embedded queue refused the message")};
    notifier_.notify(queue->key());
    co_return delivery_outcome{true, {}};
  }
  const auto found = publishers_.find(destination.kind);
  if (found == publishers_.end()) co_return delivery_outcome{false, "unknown destination kind " + destination.kind};
  co_return co_await found->second->publish(destination, id, body);
}

}  // namespace rekey
