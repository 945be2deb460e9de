#include "storage/sqlite/sqlite_repositories.hpp"

#include "storage/sql/record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

result<void> sqlite_notifications::insert_destination(const destination_record& d) {
  auto& q = db_.prepare(sql::insert_destination);
  sql::bind_destination(sqlite_params(q), d);
  return run(q);
}

result<std::optional<destination_record>> sqlite_notifications::find_destination(std::string_view id) {
  auto& q = db_.prepare(sql::find_destination);
  q.bind(1, id);
  return first<destination_record>(q, sql::read_destination);
}

result<std::vector<destination_record>> sqlite_notifications::list_destinations(std::string_view application_id) {
  auto& q = db_.prepare(sql::list_destinations);
  q.bind(1, application_id);
  return collect<destination_record>(q, sql::read_destination);
}

result<void> sqlite_notifications::put_subscription(const subscription_record& s) {
  auto& q = db_.prepare(sql::put_subscription);
  sql::bind_subscription(sqlite_params(q), s);
  return run(q);
}

result<std::optional<subscription_record>> sqlite_notifications::find_subscription(std::string_view application_id,
                                                                                   std::string_view type) {
  auto& q = db_.prepare(sql::find_subscription);
  q.bind(1, application_id).bind(2, type);
  return first<subscription_record>(q, sql::read_subscription);
}

result<bool> sqlite_notifications::delete_subscription(std::string_view application_id, std::string_view type) {
  auto& q = db_.prepare(sql::delete_subscription);
  q.bind(1, application_id).bind(2, type);
  if (auto r = run(q); !r) return {boost::system::in_place_error, r.error()};
  return db_.changes() == 1;
}

result<std::vector<subscription_record>> sqlite_notifications::list_subscriptions(std::string_view application_id) {
  auto& q = db_.prepare(sql::list_subscriptions);
  q.bind(1, application_id);
  return collect<subscription_record>(q, sql::read_subscription);
}

}  // namespace rekey
