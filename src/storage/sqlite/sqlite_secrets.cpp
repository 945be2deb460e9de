#include "storage/sqlite/sqlite_repositories.hpp"

#include "storage/sql/record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

result<void> sqlite_secrets::insert(const secret_record& s) {
  auto& q = db_.prepare(sql::insert_secret);
  sql::bind_secret(sqlite_params(q), s);
  return run(q);
}

result<std::vector<secret_record>> sqlite_secrets::list_for(std::string_view application_id) {
  auto& q = db_.prepare("SELECT " SECRET_COLUMNS
                        " FROM client_secrets WHERE application_id = $1 ORDER BY created_at DESC, rowid DESC");
  q.bind(1, application_id);
  return collect<secret_record>(q, sql::read_secret);
}

result<void> sqlite_secrets::update(const secret_record& change) {
  // Forward only (store.hpp, records.hpp's move_forward): read, move, write — one writer at a
  // time on SQLite, so nothing changes the row in between.
  auto& find = db_.prepare(sql::find_secret);
  find.bind(1, change.id);
  auto stored = first<secret_record>(find, sql::read_secret);
  if (!stored) return stored.error();
  if (!*stored) return errc::internal;
  auto& secret = **stored;
  move_forward(secret, change);
  auto& q = db_.prepare("UPDATE client_secrets SET state = $2, expires_at = $3, next_warning_at = $4 WHERE id = $1");
  sql::bind_optional_time(
      sqlite_params(q).text(secret.id).text(to_string(secret.state)).int64(to_epoch_ms(secret.expires_at)),
      secret.next_warning_at);
  return run(q);
}

result<std::vector<secret_record>> sqlite_secrets::list_warning_due(time_point now, int limit) {
  auto& q = db_.prepare(sql::list_warning_due);
  q.bind(1, to_epoch_ms(now)).bind(2, static_cast<std::int64_t>(limit));
  return collect<secret_record>(q, sql::read_secret);
}

result<bool> sqlite_secrets::reschedule_warning(std::string_view id, time_point expected,
                                                std::optional<time_point> next) {
  auto& q = db_.prepare(sql::reschedule_warning);
  sql::bind_optional_time(sqlite_params(q).text(id).int64(to_epoch_ms(expected)), next);
  if (auto r = run(q); !r) return {boost::system::in_place_error, r.error()};
  return db_.changes() == 1;
}

result<std::vector<secret_record>> sqlite_secrets::list_newly_expired(time_point now, int limit) {
  auto& q = db_.prepare("SELECT " SECRET_COLUMNS
                        " FROM client_secrets WHERE expires_at <= $1 AND expiry_recorded = 0"
                        " AND state IN ('current', 'old') ORDER BY expires_at LIMIT $2");
  q.bind(1, to_epoch_ms(now)).bind(2, static_cast<std::int64_t>(limit));
  return collect<secret_record>(q, sql::read_secret);
}

result<void> sqlite_secrets::mark_expiry_recorded(std::string_view id) {
  auto& q = db_.prepare(sql::mark_expiry_recorded);
  q.bind(1, id);
  return run(q);
}

result<void> sqlite_secrets::add_usage(std::string_view id, std::int64_t count, time_point last_used_at) {
  auto& q = db_.prepare(
      "UPDATE client_secrets SET use_count = use_count + $2,"
      " last_used_at = MAX(COALESCE(last_used_at, 0), $3) WHERE id = $1");
  q.bind(1, id).bind(2, count).bind(3, to_epoch_ms(last_used_at));
  return run(q);
}

result<std::int64_t> sqlite_secrets::count_current_expiring(time_point before) {
  auto& q = db_.prepare(sql::count_current_expiring);
  q.bind(1, to_epoch_ms(before));
  auto row = first<std::int64_t>(q, [](const sqlite_statement& r) { return r.int64(0); });
  if (!row) return row.error();
  return row->value_or(0);
}

}  // namespace rekey
