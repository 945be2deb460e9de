#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

using namespace pg_detail;

result<std::vector<signing_key_record>> pg_keys::list_signing_keys() {
  // Nodes starting together on an empty database take turns: the first creates the key, the
  // others find it (the lock lasts to the end of the caller's transaction).
  if (auto r = unit_.db.run("SELECT pg_advisory_xact_lock(7302411925)"); !r) return r.error();
  return all<signing_key_record>(unit_.db.run(sql::list_signing_keys), sql::read_signing_key);
}

result<void> pg_keys::insert_signing_key(const signing_key_record& k) {
  return done(unit_.db.run(sql::insert_signing_key, sql::bind_signing_key(pg_params(), k)));
}

result<std::vector<jwt_key_record>> pg_keys::list_jwt_keys() {
  // As list_signing_keys: nodes starting together on an empty database make one first key.
  if (auto r = unit_.db.run("SELECT pg_advisory_xact_lock(7302411926)"); !r) return r.error();
  return all<jwt_key_record>(unit_.db.run(sql::list_jwt_keys), sql::read_jwt_key);
}

result<void> pg_keys::insert_jwt_key(const jwt_key_record& k) {
  if (auto r = done(unit_.db.run(sql::insert_jwt_key, sql::bind_jwt_key(pg_params(), k))); !r) return r;
  return unit_.notify("jwt-keys");
}

result<std::optional<std::string>> pg_keys::get_setting(std::string_view name) {
  return one<std::string>(unit_.db.run(sql::get_setting, pg_params().text(name)),
                          [](const pg_row& r) { return r.text(0); });
}

result<void> pg_keys::put_setting(std::string_view name, std::string_view value) {
  if (auto r = done(unit_.db.run(sql::put_setting, pg_params().text(name).text(value))); !r) return r;
  return unit_.notify("setting:" + std::string(name));
}

}  // namespace rekey
