#include "storage/sqlite/sqlite_repositories.hpp"

#include "storage/sql/record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

result<void> sqlite_audit::append(const audit_record& e) {
  auto& q = db_.prepare(sql::append_audit);
  sql::bind_audit(sqlite_params(q), e);
  return run(q);
}

result<audit_head> sqlite_audit::head(int chain) {
  // One writer at a time on SQLite: the chain is held by the write transaction itself.
  audit_head out;
  auto& next = db_.prepare("SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log");
  auto seq = first<std::int64_t>(next, [](const sqlite_statement& q) { return q.int64(0); });
  if (!seq) return seq.error();
  out.next_seq = seq->value_or(1);
  auto& q = db_.prepare("SELECT " AUDIT_COLUMNS " FROM audit_log WHERE chain = $1 ORDER BY seq DESC LIMIT 1");
  q.bind(1, static_cast<std::int64_t>(chain));
  auto last = first<audit_record>(q, sql::read_audit);
  if (!last) return last.error();
  out.last = std::move(*last);
  return out;
}

result<std::vector<audit_record>> sqlite_audit::list(std::int64_t after_seq, int limit) {
  auto& q = db_.prepare(sql::list_audit);
  q.bind(1, after_seq).bind(2, static_cast<std::int64_t>(limit));
  return collect<audit_record>(q, sql::read_audit);
}

}  // namespace rekey
