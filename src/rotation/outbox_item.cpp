#include "rotation/outbox_item.hpp"

#include "crypto/aes_gcm.hpp"

namespace rekey {

outbox_record pending_outbox_item(std::string notification_id, std::string application_id, std::string destination_id,
                                  std::string_view notification_type, time_point now) {
  outbox_record item;
  item.id = std::move(notification_id);
  item.application_id = std::move(application_id);
  item.destination_id = std::move(destination_id);
  item.notification_type = std::string(notification_type);
  item.state = outbox_state::pending;
  item.next_attempt_at = now;
  item.created_at = now;
  return item;
}

std::string outbox_aad(std::string_view notification_id) { return "outbox:" + std::string(notification_id); }

void seal_body(outbox_record& item, const key256& at_rest_key, std::string_view body, random_source& random) {
  item.sealed_body = seal(at_rest_key, outbox_aad(item.id), as_bytes(body), random);
}

}  // namespace rekey
