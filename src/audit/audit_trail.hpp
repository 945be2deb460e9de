// audit_trail: the append-only, hash-chained log of what happened to secrets and who did it
// (SPEC §8): rotations, revocations, expiries, admin actions, authentication failures.
//
// The trail is `chains` interleaved hash chains; an application's entries all go to one chain
// (chain_for), entries without an application to chain 0. Each entry's hash is HMAC-SHA256,
// under a key derived from the master key, over the hash of its chain's previous entry and every
// field of this one (its chain too, when not 0 — entries from before chains are chain 0 and keep
// their hashes); so changing, inserting, removing, reordering or moving an entry breaks its chain
// from there on, and no chain can be recomputed without the master key. (Cutting entries off the
// end of a chain leaves a shorter valid chain: compare `entries` with what you expect.) Entries
// never hold a secret or a token — a secret appears as its fingerprint.
//
// How many chains suits the store: an append holds its chain until the transaction commits
// (store.hpp), so with one chain PostgreSQL could commit only one audited change at a time,
// cluster-wide — it gets many; SQLite has one writer anyway, and one chain keeps its appends on
// one index page instead of one page per chain. A trail may hold entries written with another
// count (each chain verifies on its own).
//
// record() appends inside the caller's unit of work, so an entry commits with the change it
// describes. Thread-safe (immutable key).
#pragma once

#include <optional>
#include <string>
#include <string_view>

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
  static constexpr int single_writer_chains = 1;  // SQLite
  // PostgreSQL: 16 still waited ~0.15 ms per rotation; with rotation batches (each holding ~10
  // chains until it commits) 256 waited ~2 ms per batch, 4096 ~0.14 ms (docs/benchmarks.md).
  static constexpr int concurrent_writer_chains = 4096;

  audit_trail(const key256& master, const clock& clock, int chains);

  // The chain of an application's entries: the same on every node with the same count.
  int chain_for(std::string_view application_id) const;

  [[nodiscard]] result<void> record(unit_of_work& work, const audit_event& event);
  // An operator's action (actor "admin", no fingerprint), as the admin API and the console record them.
  [[nodiscard]] result<void> record_admin(unit_of_work& work, const std::string& request_id, std::string action,
                                          std::string_view application_id, std::string detail) {
    return record(work, {"admin", std::move(action), std::string(application_id), request_id, "", std::move(detail)});
  }
  // The same after a head of chain_for(event.application_id) that the caller read in this unit
  // of work (as read_for_rotation does).
  [[nodiscard]] result<void> record(unit_of_work& work, const audit_event& event, const audit_head& head);
  // Walks every chain from its first entry, in one transaction.
  [[nodiscard]] result<audit_verification> verify(store& storage) const;

  digest256 chain_hash(const audit_record& entry) const;

 private:
  hmac_key key_;
  const clock& clock_;
  int chains_;
};

}  // namespace rekey
