#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_secrets::insert(const secret_record& s) {
  if (auto r = unit_.write(sql::insert_secret, sql::bind_secret(pg_params(), s)); !r) return r;
  return unit_.notify("app:" + s.application_id);
}

result<std::vector<secret_record>> pg_secrets::list_for(std::string_view application_id) {
  return all<secret_record>(unit_.db.run(secrets_of_sql, pg_params().text(application_id)), sql::read_secret);
}

result<void> pg_secrets::update(const secret_record& s) {
  // Forward only (store.hpp): rekey_update_secret applies the rule in the statement, so that a
  // concurrent change on another node is moved forward from, not overwritten (pg_migrations.cpp,
  // version 3: the released counterpart of records.hpp's move_forward). Fails (no_data_found)
  // when there is no such secret.
  if (auto r = unit_.write("SELECT rekey_update_secret($1, $2, $3)",
                           pg_params().text(s.id).text(to_string(s.state)).int64(to_epoch_ms(s.expires_at)));
      !r) {
    return r;
  }
  return unit_.notify("app:" + s.application_id);
}

result<std::vector<secret_record>> pg_secrets::list_warning_due(time_point now, int limit) {
  return all<secret_record>(unit_.db.run(sql::list_warning_due, pg_params().int64(to_epoch_ms(now)).int64(limit)),
                            sql::read_secret);
}

result<bool> pg_secrets::reschedule_warning(std::string_view id, time_point expected, std::optional<time_point> next) {
  auto r = unit_.db.run(sql::reschedule_warning,
                        sql::bind_optional_time(pg_params().text(id).int64(to_epoch_ms(expected)), next));
  if (!r) return {boost::system::in_place_error, r.error()};
  return r->affected() == 1;
}

result<std::vector<secret_record>> pg_secrets::list_newly_expired(time_point now, int limit) {
  return all<secret_record>(
      unit_.db.run("SELECT " SECRET_COLUMNS " FROM client_secrets WHERE expires_at <= $1 AND NOT expiry_recorded"
                   " AND state IN ('current', 'old') ORDER BY expires_at LIMIT $2",
                   pg_params().int64(to_epoch_ms(now)).int64(limit)),
      sql::read_secret);
}

result<void> pg_secrets::mark_expiry_recorded(std::string_view id) {
  return unit_.write(sql::mark_expiry_recorded, pg_params().text(id));
}

result<void> pg_secrets::add_usage(std::string_view id, std::int64_t count, time_point last_used_at) {
  return unit_.write(
      "UPDATE client_secrets SET use_count = use_count + $2,"
      " last_used_at = GREATEST(COALESCE(last_used_at, 0), $3) WHERE id = $1",
      pg_params().text(id).int64(count).int64(to_epoch_ms(last_used_at)));
}

result<std::int64_t> pg_secrets::count_current_expiring(time_point before) {
  auto r = unit_.db.run(sql::count_current_expiring, pg_params().int64(to_epoch_ms(before)));
  if (!r) return r.error();
  return r->int64(0, 0);
}

}  // namespace rekey
