#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_audit::append(const audit_record& e) {
  return unit_.write(sql::append_audit, sql::bind_audit(pg_params(), e));
}

result<audit_head> pg_audit::head(int chain) {
  // Locks the chain to the end of this transaction, so appends from several connections and
  // nodes line up one after the other (pg_migrations.cpp, version 2).
  auto r = unit_.db.run(audit_head_sql, pg_params().int64(chain));
  if (!r) return r.error();
  if (r->size() != 1) return errc::internal;
  return read_audit_head(pg_row{*r, 0});
}

result<std::vector<audit_record>> pg_audit::list(std::int64_t after_seq, int limit) {
  return all<audit_record>(unit_.db.run(sql::list_audit, pg_params().int64(after_seq).int64(limit)), sql::read_audit);
}

}  // namespace rekey
