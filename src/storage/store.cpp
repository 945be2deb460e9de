#include "storage/store.hpp"

namespace rekey {

result<rotation_reads> unit_of_work::read_for_rotation(std::string_view application_id, std::string_view operation,
                                                       std::string_view notification_type, int audit_chain) {
  rotation_reads out;
  auto bucket = rate_limits().find(application_id, operation);
  if (!bucket) return bucket.error();
  out.bucket = std::move(*bucket);
  auto application = applications().find(application_id);
  if (!application) return application.error();
  out.application = std::move(*application);
  auto secrets_of = secrets().list_for(application_id);
  if (!secrets_of) return secrets_of.error();
  out.secrets = std::move(*secrets_of);
  auto subscription = notifications().find_subscription(application_id, notification_type);
  if (!subscription) return subscription.error();
  out.subscription = std::move(*subscription);
  if (out.subscription) {
    auto destination = notifications().find_destination(out.subscription->destination_id);
    if (!destination) return destination.error();
    out.destination = std::move(*destination);
  }
  if (const auto address = out.destination ? embedded_address(*out.destination) : std::nullopt) {
    auto queue = queues().find_queue(address->account, address->name);
    if (!queue) return queue.error();
    out.queue = std::move(*queue);
  }
  auto head = audit().head(audit_chain);
  if (!head) return head.error();
  out.audit = std::move(*head);
  return out;
}

}  // namespace rekey
