#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_secrets::insert(const secret_record& s) {
  pg_params p;
  p.text(s.id).text(s.application_id).blob(s.hash).text(s.fingerprint).text(to_string(s.state));
  p.int64(to_epoch_ms(s.created_at)).int64(to_epoch_ms(s.expires_at));
  optional_time_param(p, s.next_warning_at);
  optional_time_param(p, s.last_used_at);
  p.int64(s.use_count);
  if (auto r = unit_.write(
          "INSERT INTO client_secrets(" SECRET_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", p);
      !r) {
    return r;
  }
  return unit_.notify("app:" + s.application_id);
}

result<std::vector<secret_record>> pg_secrets::list_for(std::string_view application_id) {
  return all<secret_record>(unit_.db.run(secrets_of_sql, pg_params().text(application_id)), read_secret);
}

result<void> pg_secrets::update(const secret_record& s) {
  // Forward only (store.hpp): the further state, the earlier expiry.
  // Fails (no_data_found) when there is no such secret (pg_migrations.cpp, version 3).
  if (auto r = unit_.write("SELECT rekey_update_secret($1, $2, $3)",
                           pg_params().text(s.id).text(to_string(s.state)).int64(to_epoch_ms(s.expires_at)));
      !r) {
    return r;
  }
  return unit_.notify("app:" + s.application_id);
}

result<std::vector<secret_record>> pg_secrets::list_warning_due(time_point now, int limit) {
  return all<secret_record>(
      unit_.db.run("SELECT " SECRET_COLUMNS " FROM client_secrets WHERE next_warning_at IS NOT NULL"
                   " AND next_warning_at <= $1 AND state = 'current' ORDER BY next_warning_at LIMIT $2",
                   pg_params().int64(to_epoch_ms(now)).int64(limit)),
      read_secret);
}

result<bool> pg_secrets::reschedule_warning(std::string_view id, time_point expected, std::optional<time_point> next) {
  pg_params p;
  p.text(id).int64(to_epoch_ms(expected));
  optional_time_param(p, next);
  auto r = unit_.db.run("UPDATE client_secrets SET next_warning_at = $3 WHERE id = $1 AND next_warning_at = $2", p);
  if (!r) return {boost::system::in_place_error, r.error()};
  return r->affected() == 1;
}

result<std::vector<secret_record>> pg_secrets::list_newly_expired(time_point now, int limit) {
  return all<secret_record>(
      unit_.db.run("SELECT " SECRET_COLUMNS " FROM client_secrets WHERE expires_at <= $1 AND NOT expiry_recorded"
                   " AND state IN ('current', 'old') ORDER BY expires_at LIMIT $2",
                   pg_params().int64(to_epoch_ms(now)).int64(limit)),
      read_secret);
}

result<void> pg_secrets::mark_expiry_recorded(std::string_view id) {
  return unit_.write("UPDATE client_secrets SET expiry_recorded = TRUE WHERE id = $1", pg_params().text(id));
}

result<void> pg_secrets::add_usage(std::string_view id, std::int64_t count, time_point last_used_at) {
  return unit_.write(
      "UPDATE client_secrets SET use_count = use_count + $2,"
      " last_used_at = GREATEST(COALESCE(last_used_at, 0), $3) WHERE id = $1",
      pg_params().text(id).int64(count).int64(to_epoch_ms(last_used_at)));
}

}  // namespace rekey
