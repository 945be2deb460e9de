#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_audit::append(const audit_record& e) {
  return unit_.write("INSERT INTO audit_log(" AUDIT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                     pg_params()
                         .int64(e.seq)
                         .int64(to_epoch_ms(e.at))
                         .text(e.actor)
                         .text(e.action)
                         .text(e.application_id)
                         .text(e.request_id)
                         .text(e.fingerprint)
                         .text(e.detail)
                         .blob(e.previous_hash)
                         .blob(e.hash)
                         .int64(e.chain));
}

result<audit_head> pg_audit::head(int chain) {
  // Locks the chain to the end of this transaction, so appends from several connections and
  // nodes line up one after the other (pg_migrations.cpp, version 2).
  auto r = unit_.db.run(audit_head_sql, pg_params().int64(chain));
  if (!r) return r.error();
  if (r->size() != 1) return errc::internal;
  return read_audit_head(*r);
}

result<std::vector<audit_record>> pg_audit::list(std::int64_t after_seq, int limit) {
  return all<audit_record>(unit_.db.run("SELECT " AUDIT_COLUMNS " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                                        pg_params().int64(after_seq).int64(limit)),
                           read_audit);
}

}  // namespace rekey
