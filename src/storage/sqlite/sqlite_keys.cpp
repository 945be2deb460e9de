#include "storage/sqlite/sqlite_repositories.hpp"

#include "storage/sql/record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

result<std::vector<signing_key_record>> sqlite_keys::list_signing_keys() {
  return collect<signing_key_record>(db_.prepare(sql::list_signing_keys), sql::read_signing_key);
}

result<void> sqlite_keys::insert_signing_key(const signing_key_record& k) {
  auto& q = db_.prepare(sql::insert_signing_key);
  sql::bind_signing_key(sqlite_params(q), k);
  return run(q);
}

result<std::vector<jwt_key_record>> sqlite_keys::list_jwt_keys() {
  return collect<jwt_key_record>(db_.prepare(sql::list_jwt_keys), sql::read_jwt_key);
}

result<void> sqlite_keys::insert_jwt_key(const jwt_key_record& k) {
  auto& q = db_.prepare(sql::insert_jwt_key);
  sql::bind_jwt_key(sqlite_params(q), k);
  return run(q);
}

result<std::optional<std::string>> sqlite_keys::get_setting(std::string_view name) {
  auto& q = db_.prepare(sql::get_setting);
  q.bind(1, name);
  return first<std::string>(q, [](const sqlite_statement& r) { return r.text(0); });
}

result<void> sqlite_keys::put_setting(std::string_view name, std::string_view value) {
  auto& q = db_.prepare(sql::put_setting);
  q.bind(1, name).bind(2, value);
  return run(q);
}

}  // namespace rekey
