// outbox_relay: moves rotation notifications from the transactional outbox to their
// destinations (SPEC §5), at least once, with a stable notificationId.
//
// run_once() claims due items with a lease (a crashed worker's items come back when it runs
// out), then for each finishes the notification (publishTime; the old secret's real expiry,
// whose grace clock starts at delivery — SPEC §4 step 6). An embedded-queue destination is
// delivered inside the same transaction that marks the item delivered. A network destination
// (webhook, sqs) is handed back to the caller to publish off the storage thread; complete()
// then records the outcome. Delivered items have their sealed plaintext erased. A failure is
// retried with backoff (retry_schedule); once the retry budget is spent the item is dead until
// an operator retries it.
//
// Call run_once() and complete() on the storage thread. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/credential_cache.hpp"
#include "core/config.hpp"
#include "core/random.hpp"
#include "metrics/service_metrics.hpp"
#include "queue/queue_service.hpp"
#include "storage/store.hpp"

namespace rekey {

// A notification ready to publish to a network destination.
struct network_delivery {
  outbox_record item;
  destination_record destination;
  std::string body;        // the finished notification JSON
  time_point prepared_at;  // the delivery moment its old-secret expiry was computed for
};

struct relay_pass {
  std::vector<queue_address> woken;  // embedded queues that received messages
  std::vector<network_delivery> to_publish;
};

class outbox_relay {
 public:
  outbox_relay(store& storage, const clock& clock, random_source& random, const key256& at_rest_key,
               queue_service& queues, credential_cache& credentials, const secret_policy_config& policy,
               const delivery_config& config);

  // Counts every delivery attempt's outcome into `metrics` from now on (null: none).
  void count_into(metrics::service_metrics* metrics) { metrics_ = metrics; }

  [[nodiscard]] result<relay_pass> run_once();
  // Records a network delivery's outcome: delivered (grace clock, erase) or another failure.
  [[nodiscard]] result<void> complete(const network_delivery& delivery, bool delivered, const std::string& error);

 private:
  struct grace_started {
    std::optional<application_record> app;
    std::vector<secret_record> secrets;    // as they are after this delivery
    std::optional<time_point> old_expiry;  // the notification's oldClientSecretExpiryTime
    std::uint64_t seen = 0;                // the credential cache's generation before the reads
  };
  // Starts the grace clock of the secret this rotation made old, as of a delivery at `now`,
  // writing it into `work` (committed by the caller, or rolled back when only preparing).
  result<grace_started> start_grace(unit_of_work& work, const outbox_record& item, time_point now);
  // The finished notification JSON: publishTime and the old secret's real expiry filled in.
  result<std::string> render(const outbox_record& item, std::optional<time_point> old_expiry, time_point now);
  result<void> mark_delivered(unit_of_work& work, const outbox_record& item, time_point now);
  // Delivers an embedded destination, or prepares a network one (into `pass`); `kind` is set to
  // the destination's kind once it is known.
  result<void> deliver(const outbox_record& item, time_point now, relay_pass& pass, std::string& kind);
  void record_failure(outbox_record item, std::string why, time_point now, std::string_view kind);
  void count(const outbox_record& item, std::string_view kind, metrics::delivery_result result);

  store& storage_;
  const clock& clock_;
  random_source& random_;
  key256 at_rest_key_;
  queue_service& queues_;
  credential_cache& credentials_;
  secret_policy_config policy_;
  delivery_config config_;
  metrics::service_metrics* metrics_ = nullptr;
};

}  // namespace rekey
