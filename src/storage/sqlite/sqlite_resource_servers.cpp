#include "storage/sqlite/sqlite_repositories.hpp"

#include "storage/sql/record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

result<void> sqlite_resource_servers::insert(const resource_server_record& s) {
  auto& q = db_.prepare(sql::insert_resource_server);
  sql::bind_resource_server(sqlite_params(q), s);
  return run(q);
}

result<std::optional<resource_server_record>> sqlite_resource_servers::find(std::string_view id) {
  auto& q = db_.prepare(sql::find_resource_server);
  q.bind(1, id);
  return first<resource_server_record>(q, sql::read_resource_server);
}

result<std::vector<resource_server_record>> sqlite_resource_servers::list() {
  return collect<resource_server_record>(db_.prepare(sql::list_resource_servers), sql::read_resource_server);
}

result<bool> sqlite_resource_servers::revoke(std::string_view id, time_point at) {
  auto& q = db_.prepare(sql::revoke_resource_server);
  q.bind(1, id).bind(2, to_epoch_ms(at));
  if (auto r = run(q); !r) return {boost::system::in_place_error, r.error()};
  return db_.changes() == 1;
}

}  // namespace rekey
