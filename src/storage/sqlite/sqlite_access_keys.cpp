#include "storage/sqlite/sqlite_repositories.hpp"

#include "storage/sql/record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

result<void> sqlite_access_keys::insert(const access_key_record& k) {
  auto& q = db_.prepare(sql::insert_access_key);
  sql::bind_access_key(sqlite_params(q), k);
  return run(q);
}

result<std::optional<access_key_record>> sqlite_access_keys::find(std::string_view id) {
  auto& q = db_.prepare(sql::find_access_key);
  q.bind(1, id);
  return first<access_key_record>(q, sql::read_access_key);
}

result<std::vector<access_key_record>> sqlite_access_keys::list() {
  return collect<access_key_record>(db_.prepare(sql::list_access_keys), sql::read_access_key);
}

result<bool> sqlite_access_keys::remove(std::string_view id) {
  auto& q = db_.prepare(sql::delete_access_key);
  q.bind(1, id);
  if (auto r = run(q); !r) return {boost::system::in_place_error, r.error()};
  return db_.changes() == 1;
}

}  // namespace rekey
