#include "storage/postgres/pg_unit_of_work.hpp"

#include <algorithm>

#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_unit_state::write(const char* sql, const pg_params& params, bool expect_one_row) {
  if (pipelining) return db.queue(sql, params, expect_one_row);
  auto r = db.run(sql, params);
  if (!r) return r.error();
  if (expect_one_row && r->affected() != 1) return errc::internal;
  return {};
}

result<void> pg_unit_state::notify(const std::string& event) {
  if (std::find(events.begin(), events.end(), event) == events.end()) events.push_back(event);
  return {};
}

std::vector<std::string> pg_event_payloads(const std::string& node, const std::vector<std::string>& events) {
  std::vector<std::string> out;
  out.reserve(events.size());
  for (const auto& event : events) out.push_back(node + "|" + event);
  return out;
}

pg_unit_of_work::pg_unit_of_work(pg_pool::lease lease, pg_connection& db, const std::string& node, hook_list* batch)
    : lease_(std::move(lease)), node_(node), unit_(db), hooks_(batch) {}

pg_unit_of_work::~pg_unit_of_work() {
  if (committed_) return;
  unit_.db.discard();
  if (hooks_.in_batch()) {
    (void)unit_.db.exec("ROLLBACK TO SAVEPOINT unit; RELEASE SAVEPOINT unit");
  } else {
    (void)unit_.db.exec("ROLLBACK");
  }
}

result<rotation_reads> pg_unit_of_work::read_for_rotation(std::string_view application_id, std::string_view operation,
                                                          std::string_view notification_type, int audit_chain) {
  // One round trip, no PL/pgSQL: the first statement takes the bucket's lock and then the audit
  // chain's (the same keys as rekey_rate_bucket and rekey_audit_head, pg_migrations.cpp version
  // 2; a select list is evaluated in order); the reads are statements of their own after it, so
  // their snapshots are taken once the locks are held and see what the previous holder
  // committed. An embedded destination's queue is joined, its address read from the
  // destination's config in SQL (the fields embedded_address reads).
  const pg_statement reads[] = {
      {"SELECT pg_advisory_xact_lock(hashtextextended($1::text || '/' || $2::text, 0)),"
       " pg_advisory_xact_lock(730241, $3::integer)",
       pg_params().text(application_id).text(operation).int64(audit_chain)},
      {"SELECT " ROTATION_JOIN_COLUMNS ","
       " nextval('audit_seq'), l.seq, l.at, l.actor, l.action, l.application_id, l.request_id, l.fingerprint,"
       " l.detail, l.previous_hash, l.hash, l.chain"
       " FROM (SELECT 1) AS one"
       " LEFT JOIN applications AS a ON a.id = $1"
       " LEFT JOIN subscriptions AS s ON s.application_id = a.id AND s.notification_type = $2"
       " LEFT JOIN destinations AS d ON d.id = s.destination_id"
       " LEFT JOIN queues AS q ON d.kind = 'embedded'"
       " AND q.account = CASE WHEN d.kind = 'embedded' THEN d.config::jsonb ->> 'account' END"
       " AND q.name = CASE WHEN d.kind = 'embedded' THEN d.config::jsonb ->> 'queue' END"
       " LEFT JOIN rate_buckets AS b ON b.application_id = $1 AND b.operation = $3"
       " LEFT JOIN LATERAL (SELECT * FROM audit_log WHERE chain = $4::integer ORDER BY seq DESC LIMIT 1) AS l"
       " ON TRUE",
       pg_params().text(application_id).text(notification_type).text(operation).int64(audit_chain)},
      {secrets_of_sql, pg_params().text(application_id)},
  };
  auto rows = unit_.db.run_all(reads);
  if (!rows) return rows.error();
  const auto& r = (*rows)[1];
  if (r.size() != 1) return errc::internal;
  rotation_reads out;
  read_rotation_join(pg_row{r, 0}, 0, out);
  out.audit = read_audit_head(pg_row{r, 0}, rotation_join_width);
  const auto& secrets = (*rows)[2];
  for (int i = 0; i < secrets.size(); ++i) out.secrets.push_back(sql::read_secret(pg_row{secrets, i}));
  return out;
}

result<void> pg_unit_of_work::commit() {
  auto& db = unit_.db;
  result<void> r;
  if (hooks_.in_batch()) {
    // In a batch the events go with the batch's transaction (batches are for SQLite's group
    // commit; PostgreSQL serves them for the contract, not for speed).
    r = send_events_now();
    if (r) r = db.exec("RELEASE SAVEPOINT unit");
  } else if (unit_.pipelining && !db.row_counts_unchecked()) {
    r = db.queue_command("COMMIT");
    if (r) r = queue_events_after_commit();
    if (r) r = db.flush();  // the queued writes, the commit and the events: one round trip
  } else {
    r = db.exec("COMMIT");  // exec() flushes what is queued first, and stops at its first error
    if (r) (void)send_events_now();
  }
  if (!r) return r;
  committed_ = true;
  hooks_.committed();
  return {};
}

result<void> pg_unit_of_work::send_events_now() {
  if (unit_.events.empty()) return {};
  auto r = unit_.db.run(pg_notify_sql, pg_params().text_array(pg_event_payloads(node_, unit_.events)));
  unit_.events.clear();
  if (!r) return r.error();
  return {};
}

result<void> pg_unit_of_work::queue_events_after_commit() {
  if (unit_.events.empty()) return {};
  auto r = unit_.db.queue_best_effort(pg_notify_sql, pg_params().text_array(pg_event_payloads(node_, unit_.events)));
  unit_.events.clear();
  return r;
}

}  // namespace rekey
