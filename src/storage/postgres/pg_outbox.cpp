#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_outbox::insert(const outbox_record& o) {
  pg_params p;
  p.text(o.id).text(o.application_id).text(o.destination_id).text(o.notification_type).blob(o.sealed_body);
  p.text(to_string(o.state)).int64(o.attempts).int64(to_epoch_ms(o.next_attempt_at)).int64(to_epoch_ms(o.created_at));
  if (o.old_secret_id)
    p.text(*o.old_secret_id);
  else
    p.null();
  optional_time_param(p, o.delivered_at);
  p.text(o.last_error);
  if (o.new_secret_id)
    p.text(*o.new_secret_id);
  else
    p.null();
  return unit_.write(
      "INSERT INTO outbox(" OUTBOX_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", p);
}

result<std::vector<outbox_record>> pg_outbox::list_for_application(std::string_view application_id) {
  // As SQLite's: items announcing a new secret are found through the application's secrets; the
  // predicates match the two partial indexes (migration 4).
  return all<outbox_record>(
      unit_.db.run("SELECT " OUTBOX_COLUMNS ", seq FROM outbox"
                   " WHERE application_id = $1 AND new_secret_id IS NULL UNION ALL"
                   " SELECT " OUTBOX_COLUMNS ", seq FROM outbox WHERE new_secret_id IS NOT NULL"
                   " AND new_secret_id IN (SELECT id FROM client_secrets WHERE application_id = $1)"
                   " ORDER BY created_at DESC, seq DESC",
                   pg_params().text(application_id)),
      read_outbox);
}

result<std::optional<outbox_record>> pg_outbox::find_item(std::string_view id) {
  return one<outbox_record>(unit_.db.run("SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = $1", pg_params().text(id)),
                            read_outbox);
}

result<std::vector<outbox_record>> pg_outbox::list_by_state(outbox_state state, int limit) {
  // The state is part of the text, not a parameter, so that the planner can use its partial index.
#define OUTBOX_IN_STATE(state) \
  "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = '" state "' ORDER BY created_at, seq LIMIT $1"
  const char* sql = state == outbox_state::pending ? OUTBOX_IN_STATE("pending")
                    : state == outbox_state::dead  ? OUTBOX_IN_STATE("dead")
                                                   : OUTBOX_IN_STATE("delivered");
#undef OUTBOX_IN_STATE
  return all<outbox_record>(unit_.db.run(sql, pg_params().int64(limit)), read_outbox);
}

result<std::vector<outbox_record>> pg_outbox::claim_due(time_point now, millis lease, int limit) {
  // SKIP LOCKED: items another node is claiming right now are not waited for, just skipped.
  // The claimed rows come back in the order they were due (RETURNING alone has no order).
  return all<outbox_record>(
      unit_.db.run("WITH due AS (SELECT id, next_attempt_at AS due_at, seq FROM outbox"
                   "  WHERE state = 'pending' AND next_attempt_at <= $1"
                   "  ORDER BY next_attempt_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED),"
                   " claimed AS (UPDATE outbox SET next_attempt_at = $2 FROM due WHERE outbox.id = due.id"
                   "  RETURNING due.due_at, due.seq, " OUTBOX_QUALIFIED_COLUMNS ")"
                   " SELECT " OUTBOX_COLUMNS " FROM claimed ORDER BY due_at, seq",
                   pg_params().int64(to_epoch_ms(now)).int64(to_epoch_ms(now + lease)).int64(limit)),
      read_outbox);
}

result<void> pg_outbox::update(const outbox_record& o) {
  pg_params p;
  p.text(o.id).text(to_string(o.state)).int64(o.attempts).int64(to_epoch_ms(o.next_attempt_at));
  optional_time_param(p, o.delivered_at);
  p.text(o.last_error).blob(o.sealed_body);
  return unit_.write(
      "UPDATE outbox SET state = $2, attempts = $3, next_attempt_at = $4, delivered_at = $5, last_error = $6,"
      " sealed_body = $7 WHERE id = $1",
      p, true);
}

}  // namespace rekey
