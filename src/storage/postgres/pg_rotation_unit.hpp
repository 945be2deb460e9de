// A rotation batch's unit of work (pg_rotation_batch.hpp): read_for_rotation answers from the
// batch's snapshot, and what a rotation writes — secrets, the outbox item, the message, the rate
// bucket, the audit entry — is held back in its own pg_rotation_writes; commit() hands them to
// the batch, which sends them at its commit. Anything else runs on the batch's connection as in
// any unit. A unit that does not commit leaves nothing behind: its writes were never sent.
// Internal to the backend; used by the batch's thread.
#pragma once

#include <memory>

#include "storage/commit_hooks.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/store.hpp"

namespace rekey {

class pg_rotation_batch;

// `hooks`: the batch's, where a committed unit's hooks go.
std::unique_ptr<unit_of_work> make_pg_rotation_unit(pg_rotation_batch& batch, pg_connection& db, hook_list* hooks);

}  // namespace rekey
