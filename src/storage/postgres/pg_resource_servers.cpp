#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_resource_servers::insert(const resource_server_record& s) {
  if (auto r = done(unit_.db.run(sql::insert_resource_server, sql::bind_resource_server(pg_params(), s))); !r) return r;
  return unit_.notify("rs:" + s.id);
}

result<std::optional<resource_server_record>> pg_resource_servers::find(std::string_view id) {
  return one<resource_server_record>(unit_.db.run(sql::find_resource_server, pg_params().text(id)),
                                     sql::read_resource_server);
}

result<std::vector<resource_server_record>> pg_resource_servers::list() {
  return all<resource_server_record>(unit_.db.run(sql::list_resource_servers), sql::read_resource_server);
}

result<bool> pg_resource_servers::revoke(std::string_view id, time_point at) {
  auto r = unit_.db.run(sql::revoke_resource_server, pg_params().text(id).int64(to_epoch_ms(at)));
  if (!r) return {boost::system::in_place_error, r.error()};
  if (auto told = unit_.notify("rs:" + std::string(id)); !told) return {boost::system::in_place_error, told.error()};
  return r->affected() == 1;
}

}  // namespace rekey
