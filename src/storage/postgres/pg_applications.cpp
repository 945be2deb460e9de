#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_applications::insert(const application_record& a) {
  pg_params p;
  p.text(a.id).text(a.name).text(a.client_id);
  if (a.rotate_rate)
    p.real(*a.rotate_rate);
  else
    p.null();
  p.optional_int64(a.rotate_burst).int64(to_epoch_ms(a.created_at));
  return done(
      unit_.db.run("INSERT INTO applications(id, name, client_id, rotate_rate, rotate_burst, created_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6)",
                   p));
}

result<std::optional<application_record>> pg_applications::find(std::string_view id) {
  return one<application_record>(
      unit_.db.run("SELECT " APPLICATION_COLUMNS " FROM applications WHERE id = $1", pg_params().text(id)),
      read_application);
}

result<std::optional<application_record>> pg_applications::find_by_client_id(std::string_view client_id) {
  return one<application_record>(unit_.db.run("SELECT " APPLICATION_COLUMNS " FROM applications WHERE client_id = $1",
                                              pg_params().text(client_id)),
                                 read_application);
}

result<std::vector<application_record>> pg_applications::list() {
  return all<application_record>(
      unit_.db.run("SELECT " APPLICATION_COLUMNS " FROM applications ORDER BY created_at, id"), read_application);
}

}  // namespace rekey
