// audit_trail: the append-only, hash-chained log of what happened to secrets and who did it
// (SPEC §8): rotations, revocations, expiries, admin actions, authentication failures.
//
// Each entry's hash is HMAC-SHA256, under a key derived from the master key, over the previous
// entry's hash and every field of this one; so changing, inserting, removing or reordering an
// entry breaks the chain from there on, and the chain cannot be recomputed without the master
// key. (Cutting entries off the end leaves a shorter valid chain: compare `entries` with what you
// expect.) Entries never hold a secret or a token — a secret appears as its fingerprint.
//
// record() appends inside the caller's unit of work, so an entry commits with the change it
// describes. Appends are serialised by the store's single writer. Thread-safe (immutable key).
#pragma once

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "crypto/hmac.hpp"
#include "storage/store.hpp"

namespace rekey {

struct audit_event {
  std::string actor;  // see audit_record
  std::string action;
  std::string application_id;
  std::string request_id;
  std::string fingerprint;
  std::string detail;
};

struct audit_verification {
  std::int64_t entries = 0;               // entries checked
  std::optional<audit_record> first_bad;  // the first entry whose chain does not hold
  std::string why;                        // what does not hold, for the operator
};

class audit_trail {
 public:
  audit_trail(const key256& master, const clock& clock);

  [[nodiscard]] result<void> record(unit_of_work& work, const audit_event& event);
  // Walks the whole chain from the first entry (its own transaction).
  [[nodiscard]] result<audit_verification> verify(store& storage) const;

  digest256 chain_hash(const audit_record& entry) const;

 private:
  hmac_key key_;
  const clock& clock_;
};

}  // namespace rekey
