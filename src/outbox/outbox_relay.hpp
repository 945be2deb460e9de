// outbox_relay: moves rotation notifications from the transactional outbox to their
// destinations (SPEC §5), at least once, with a stable notificationId.
//
// run_once() claims due items with a lease (a crashed worker's items come back when it runs
// out), then for each: finishes the notification (publishTime; the old secret's real expiry,
// whose grace clock starts now — SPEC §4 step 6), delivers it, marks it delivered and erases
// the sealed plaintext. An embedded-queue destination is delivered inside the same transaction
// that marks the item delivered. A failure is retried with backoff (retry_schedule); once the
// retry budget is spent the item is dead until an operator retries it.
//
// Call run_once() on the storage thread. Thread-compatible.
#pragma once

#include <vector>

#include "auth/credential_cache.hpp"
#include "core/config.hpp"
#include "core/random.hpp"
#include "queue/queue_service.hpp"
#include "storage/store.hpp"

namespace rekey {

class outbox_relay {
 public:
  outbox_relay(store& storage, const clock& clock, random_source& random, const key256& at_rest_key,
               queue_service& queues, credential_cache& credentials, const secret_policy_config& policy,
               const delivery_config& config);

  // Returns the embedded queues that received messages (to wake their long polls).
  [[nodiscard]] result<std::vector<queue_address>> run_once();

 private:
  result<queue_address> deliver(const outbox_record& item, time_point now);
  void record_failure(outbox_record item, std::string why, time_point now);

  store& storage_;
  const clock& clock_;
  random_source& random_;
  key256 at_rest_key_;
  queue_service& queues_;
  credential_cache& credentials_;
  secret_policy_config policy_;
  delivery_config config_;
};

}  // namespace rekey
