#include "storage/sqlite/sqlite_repositories.hpp"

#include "storage/sql/record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

result<void> sqlite_applications::insert(const application_record& a) {
  auto& q = db_.prepare(sql::insert_application);
  sql::bind_application(sqlite_params(q), a);
  return run(q);
}

result<std::optional<application_record>> sqlite_applications::find(std::string_view id) {
  auto& q = db_.prepare(sql::find_application);
  q.bind(1, id);
  return first<application_record>(q, sql::read_application);
}

result<std::optional<application_record>> sqlite_applications::find_by_client_id(std::string_view client_id) {
  auto& q = db_.prepare(sql::find_application_by_client_id);
  q.bind(1, client_id);
  return first<application_record>(q, sql::read_application);
}

result<std::vector<application_record>> sqlite_applications::list() {
  return collect<application_record>(db_.prepare(sql::list_applications), sql::read_application);
}

result<void> sqlite_applications::update_usage_plan(const application_record& app) {
  auto& q = db_.prepare(sql::update_usage_plan);
  sql::bind_usage_plan_update(sqlite_params(q), app);
  return run(q);
}

result<void> sqlite_applications::update_token_settings(const application_record& app) {
  auto& q = db_.prepare(sql::update_token_settings);
  sql::bind_token_settings_update(sqlite_params(q), app);
  return run(q);
}

}  // namespace rekey
