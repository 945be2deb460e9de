// The audit trail's repository over an open SQLite transaction. Owned by a sqlite unit of work;
// same threading rules (one storage thread). Append-only: no update, no delete.
#pragma once

#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/store.hpp"

namespace rekey {

class sqlite_audit final : public audit_repository {
 public:
  explicit sqlite_audit(sqlite_connection& db) : db_(db) {}
  result<void> append(const audit_record& entry) override;
  result<audit_head> head(int chain) override;
  result<std::vector<audit_record>> list(std::int64_t after_seq, int limit) override;

 private:
  sqlite_connection& db_;
};

}  // namespace rekey
