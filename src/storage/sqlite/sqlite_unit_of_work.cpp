#include "storage/sqlite/sqlite_unit_of_work.hpp"

namespace rekey {

sqlite_unit_of_work::~sqlite_unit_of_work() {
  if (committed_) return;
  if (hooks_.in_batch()) {
    (void)db_.exec("ROLLBACK TO unit");
    (void)db_.exec("RELEASE unit");
  } else {
    (void)db_.exec("ROLLBACK");
  }
}

result<void> sqlite_unit_of_work::commit() {
  auto r = db_.exec(hooks_.in_batch() ? "RELEASE unit" : "COMMIT");
  if (!r) return r;
  committed_ = true;
  hooks_.committed();
  return {};
}

}  // namespace rekey
