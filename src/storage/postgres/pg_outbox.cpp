#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_outbox::insert(const outbox_record& o) {
  return unit_.write(sql::insert_outbox, sql::bind_outbox(pg_params(), o));
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
      sql::read_outbox);
}

result<std::optional<outbox_record>> pg_outbox::find_item(std::string_view id) {
  return one<outbox_record>(unit_.db.run(sql::find_outbox_item, pg_params().text(id)), sql::read_outbox);
}

result<std::vector<outbox_record>> pg_outbox::list_by_state(outbox_state state, int limit) {
  // The state is part of the text, not a parameter, so that the planner can use its partial index.
#define OUTBOX_IN_STATE(state) \
  "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = '" state "' ORDER BY created_at, seq LIMIT $1"
  const char* text = state == outbox_state::pending ? OUTBOX_IN_STATE("pending")
                     : state == outbox_state::dead  ? OUTBOX_IN_STATE("dead")
                                                    : OUTBOX_IN_STATE("delivered");
#undef OUTBOX_IN_STATE
  return all<outbox_record>(unit_.db.run(text, pg_params().int64(limit)), sql::read_outbox);
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
      sql::read_outbox);
}

result<void> pg_outbox::update(const outbox_record& o) {
  pg_params p;
  p.text(o.id).text(to_string(o.state)).int64(o.attempts).int64(to_epoch_ms(o.next_attempt_at));
  sql::bind_optional_time(p, o.delivered_at).text(o.last_error).blob(o.sealed_body);
  return unit_.write(sql::update_outbox_item, p, true);
}

result<outbox_backlog> pg_outbox::backlog() {
  auto r = unit_.db.run(sql::outbox_backlog, pg_params());
  if (!r) return r.error();
  return outbox_backlog{r->int64(0, 0), r->is_null(0, 1) ? std::nullopt : std::optional(from_epoch_ms(r->int64(0, 1))),
                        r->int64(0, 2)};
}

}  // namespace rekey
