#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_notifications::insert_destination(const destination_record& d) {
  return done(unit_.db.run(sql::insert_destination, sql::bind_destination(pg_params(), d)));
}

result<std::optional<destination_record>> pg_notifications::find_destination(std::string_view id) {
  return one<destination_record>(unit_.db.run(sql::find_destination, pg_params().text(id)), sql::read_destination);
}

result<std::vector<destination_record>> pg_notifications::list_destinations(std::string_view application_id) {
  return all<destination_record>(unit_.db.run(sql::list_destinations, pg_params().text(application_id)),
                                 sql::read_destination);
}

result<void> pg_notifications::put_subscription(const subscription_record& s) {
  return done(unit_.db.run(sql::put_subscription, sql::bind_subscription(pg_params(), s)));
}

result<std::optional<subscription_record>> pg_notifications::find_subscription(std::string_view application_id,
                                                                               std::string_view type) {
  return one<subscription_record>(unit_.db.run(sql::find_subscription, pg_params().text(application_id).text(type)),
                                  sql::read_subscription);
}

result<bool> pg_notifications::delete_subscription(std::string_view application_id, std::string_view type) {
  auto r = unit_.db.run(sql::delete_subscription, pg_params().text(application_id).text(type));
  if (!r) return {boost::system::in_place_error, r.error()};
  return r->affected() == 1;
}

result<std::vector<subscription_record>> pg_notifications::list_subscriptions(std::string_view application_id) {
  return all<subscription_record>(unit_.db.run(sql::list_subscriptions, pg_params().text(application_id)),
                                  sql::read_subscription);
}

}  // namespace rekey
