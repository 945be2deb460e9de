#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_applications::insert(const application_record& a) {
  return done(unit_.db.run(sql::insert_application, sql::bind_application(pg_params(), a)));
}

result<std::optional<application_record>> pg_applications::find(std::string_view id) {
  return one<application_record>(unit_.db.run(sql::find_application, pg_params().text(id)), sql::read_application);
}

result<std::optional<application_record>> pg_applications::find_by_client_id(std::string_view client_id) {
  return one<application_record>(unit_.db.run(sql::find_application_by_client_id, pg_params().text(client_id)),
                                 sql::read_application);
}

result<std::vector<application_record>> pg_applications::list() {
  return all<application_record>(unit_.db.run(sql::list_applications), sql::read_application);
}

result<void> pg_applications::update_usage_plan(const application_record& app) {
  if (auto r = unit_.write(sql::update_usage_plan, sql::bind_usage_plan_update(pg_params(), app)); !r) return r;
  return unit_.notify("app:" + app.id);
}

result<void> pg_applications::update_token_settings(const application_record& app) {
  if (auto r = unit_.write(sql::update_token_settings, sql::bind_token_settings_update(pg_params(), app)); !r) return r;
  return unit_.notify("app:" + app.id);
}

}  // namespace rekey
