#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_access_keys::insert(const access_key_record& k) {
  return done(unit_.db.run(sql::insert_access_key, sql::bind_access_key(pg_params(), k)));
}

result<std::optional<access_key_record>> pg_access_keys::find(std::string_view id) {
  return one<access_key_record>(unit_.db.run(sql::find_access_key, pg_params().text(id)), sql::read_access_key);
}

result<std::vector<access_key_record>> pg_access_keys::list() {
  return all<access_key_record>(unit_.db.run(sql::list_access_keys), sql::read_access_key);
}

result<bool> pg_access_keys::remove(std::string_view id) {
  auto r = unit_.db.run(sql::delete_access_key, pg_params().text(id));
  if (!r) return {boost::system::in_place_error, r.error()};
  if (auto told = unit_.notify("key:" + std::string(id)); !told) return {boost::system::in_place_error, told.error()};
  return r->affected() == 1;
}

}  // namespace rekey
