// destination_tester: `rekey destination test ID` — sends a harmless test message (type
// REKEY_DESTINATION_TEST, no secret) through the destination's real delivery path: the
// embedded queue, or the webhook/sqs publisher. Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>

#include "delivery/publisher.hpp"
#include "queue/queue_notifier.hpp"
#include "queue/queue_service.hpp"
#include "runtime/storage_executor.hpp"

namespace rekey {

class destination_tester {
 public:
  destination_tester(store& storage, runtime::storage_executor& executor, queue_service& queues,
                     queue_notifier& notifier, std::map<std::string, publisher*> publishers, const clock& clock,
                     random_source& random)
      : storage_(storage),
        executor_(executor),
        queues_(queues),
        notifier_(notifier),
        publishers_(std::move(publishers)),
        clock_(clock),
        random_(random) {}

  boost::asio::awaitable<delivery_outcome> test(const destination_record& destination);

 private:
  store& storage_;
  runtime::storage_executor& executor_;
  queue_service& queues_;
  queue_notifier& notifier_;
  std::map<std::string, publisher*> publishers_;
  const clock& clock_;
  random_source& random_;
};

}  // namespace rekey
