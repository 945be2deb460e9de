// outbox_item: the outbox row that carries a notification, as a rotation or the lifecycle sweep
// writes it — pending, due now — and the one way its body is sealed (AES-256-GCM under the
// at-rest key, AAD "outbox:<notificationId>"). Pure apart from the randomness; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/random.hpp"
#include "storage/records.hpp"

namespace rekey {

outbox_record pending_outbox_item(std::string notification_id, std::string application_id, std::string destination_id,
                                  std::string_view notification_type, time_point now);

// The additional authenticated data that binds a sealed body to its notification.
std::string outbox_aad(std::string_view notification_id);

void seal_body(outbox_record& item, const key256& at_rest_key, std::string_view body, random_source& random);

}  // namespace rekey
