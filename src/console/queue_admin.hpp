// queue_admin: what the console and the CLI do to the embedded queue and its access keys, free of
// HTTP: each queue's depth, a look at its messages that changes nothing (no receive, no visibility
// change), the audited reveal of one message, purge, and the access keys (listed without their
// secrets, revoked).
//
// A peek masks every string value whose JSON key ends in "secret", "password" or "token" (any
// case), such as a new client secret notification's "newClientSecret", and hides a body that
// looks like JSON but does not parse; the real body is only returned by reveal(),
// which is recorded in the audit trail first. Each method is one transaction; call them on the
// storage thread. Errors: not_found (unknown queue, message or key), service_unavailable,
// internal. Thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_trail.hpp"
#include "queue/access_key_cache.hpp"
#include "storage/store.hpp"

namespace rekey {

struct queue_overview {
  queue_record queue;
  queue_repository::counts depth;
};

// One page of queues with their depth, and how many there are in all.
struct queue_page {
  std::vector<queue_overview> queues;
  std::size_t total = 0;
};

struct peeked_message {
  std::string id;
  time_point sent_at;
  int receive_count = 0;
  std::string body;  // with secrets masked
  bool masked = false;
};

// The body with the value of every JSON member whose name ends in "secret", "password" or "token"
// (any case) replaced by "••••••••"; the body unchanged when it is not JSON (and does not start
// with '{' or '[') or has no such member; a placeholder when it starts so and does not parse.
// `masked` says whether anything was hidden.
std::string mask_secrets(std::string_view body, bool& masked);

class queue_admin {
 public:
  queue_admin(store& storage, const clock& clock, const key256& at_rest_key, access_key_cache& access_keys,
              audit_trail& audit)
      : storage_(storage), clock_(clock), at_rest_key_(at_rest_key), access_keys_(access_keys), audit_(audit) {}

  // The queues of the default account and of the accounts that have access keys, by account and
  // name, `limit` of them from `offset`; only those are counted.
  [[nodiscard]] result<queue_page> list_queues(std::size_t offset, std::size_t limit);
  // Up to `limit` visible messages, oldest first, masked.
  [[nodiscard]] result<std::vector<peeked_message>> peek(const queue_address& queue, int limit);
  // One visible message's real body, recorded as "queue.message_revealed".
  [[nodiscard]] result<std::string> reveal(const std::string& request_id, const queue_address& queue,
                                           std::string_view message_id);
  [[nodiscard]] result<void> purge(const std::string& request_id, const queue_address& queue);

  [[nodiscard]] result<std::vector<access_key_record>> list_access_keys();
  // Deletes the key; this node's cache forgets it at commit, other nodes on their next event.
  [[nodiscard]] result<void> revoke_access_key(const std::string& request_id, std::string_view id);

 private:
  result<std::unique_ptr<unit_of_work>> begin_on(const queue_address& queue);

  store& storage_;
  const clock& clock_;
  key256 at_rest_key_;
  access_key_cache& access_keys_;
  audit_trail& audit_;
};

}  // namespace rekey
