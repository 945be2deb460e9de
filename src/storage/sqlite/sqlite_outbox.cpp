#include "storage/sqlite/sqlite_repositories.hpp"

#include "storage/sql/record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

result<void> sqlite_outbox::insert(const outbox_record& o) {
  auto& q = db_.prepare(sql::insert_outbox);
  sql::bind_outbox(sqlite_params(q), o);
  return run(q);
}

result<std::vector<outbox_record>> sqlite_outbox::list_for_application(std::string_view application_id) {
  // Items announcing a new secret are not in outbox_by_application (schema 8): they are found
  // through the application's secrets. The predicates match the two partial indexes.
  auto& q =
      db_.prepare("SELECT " OUTBOX_COLUMNS
                  ", rowid AS seq FROM outbox"
                  " WHERE application_id = $1 AND new_secret_id IS NULL UNION ALL SELECT " OUTBOX_COLUMNS
                  ", rowid FROM outbox WHERE new_secret_id IS NOT NULL AND new_secret_id IN"
                  " (SELECT id FROM client_secrets WHERE application_id = $1) ORDER BY created_at DESC, seq DESC");
  q.bind(1, application_id);
  return collect<outbox_record>(q, sql::read_outbox);
}

result<std::optional<outbox_record>> sqlite_outbox::find_item(std::string_view id) {
  auto& q = db_.prepare(sql::find_outbox_item);
  q.bind(1, id);
  return first<outbox_record>(q, sql::read_outbox);
}

result<std::vector<outbox_record>> sqlite_outbox::list_by_state(outbox_state state, int limit) {
  // The state is part of the text, not a parameter, so that the planner can use its partial index.
#define OUTBOX_IN_STATE(state) \
  "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = '" state "' ORDER BY created_at, rowid LIMIT $1"
  const char* text = state == outbox_state::pending ? OUTBOX_IN_STATE("pending")
                     : state == outbox_state::dead  ? OUTBOX_IN_STATE("dead")
                                                    : OUTBOX_IN_STATE("delivered");
#undef OUTBOX_IN_STATE
  auto& q = db_.prepare(text);
  q.bind(1, static_cast<std::int64_t>(limit));
  return collect<outbox_record>(q, sql::read_outbox);
}

result<std::vector<outbox_record>> sqlite_outbox::claim_due(time_point now, millis lease, int limit) {
  auto& q = db_.prepare("SELECT " OUTBOX_COLUMNS
                        " FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1"
                        " ORDER BY next_attempt_at, rowid LIMIT $2");
  q.bind(1, to_epoch_ms(now)).bind(2, static_cast<std::int64_t>(limit));
  auto items = collect<outbox_record>(q, sql::read_outbox);
  if (!items) return items;
  auto& lease_q = db_.prepare("UPDATE outbox SET next_attempt_at = $2 WHERE id = $1");
  for (auto& item : *items) {
    item.next_attempt_at = now + lease;
    lease_q.bind(1, item.id).bind(2, to_epoch_ms(item.next_attempt_at));
    if (auto r = run(lease_q); !r) return r.error();
  }
  return items;
}

result<void> sqlite_outbox::update(const outbox_record& o) {
  auto& q = db_.prepare(sql::update_outbox_item);
  sqlite_params p(q);
  p.text(o.id).text(to_string(o.state)).int64(o.attempts).int64(to_epoch_ms(o.next_attempt_at));
  sql::bind_optional_time(p, o.delivered_at).text(o.last_error).blob(std::span<const std::uint8_t>(o.sealed_body));
  if (auto r = run(q); !r) return r;
  if (db_.changes() != 1) return errc::internal;
  return {};
}

result<outbox_backlog> sqlite_outbox::backlog() {
  auto& q = db_.prepare(sql::outbox_backlog);
  auto row = first<outbox_backlog>(q, [](const sqlite_statement& r) {
    return outbox_backlog{r.int64(0), r.is_null(1) ? std::nullopt : std::optional(from_epoch_ms(r.int64(1))),
                          r.int64(2)};
  });
  if (!row) return row.error();
  return row->value_or(outbox_backlog{});
}

}  // namespace rekey
