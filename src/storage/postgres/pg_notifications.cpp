#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_notifications::insert_destination(const destination_record& d) {
  return done(unit_.db.run(
      "INSERT INTO destinations(id, application_id, kind, config, created_at) VALUES ($1, $2, $3, $4, $5)",
      pg_params().text(d.id).text(d.application_id).text(d.kind).text(d.config_json).int64(to_epoch_ms(d.created_at))));
}

result<std::optional<destination_record>> pg_notifications::find_destination(std::string_view id) {
  return one<destination_record>(
      unit_.db.run("SELECT id, application_id, kind, config, created_at FROM destinations WHERE id = $1",
                   pg_params().text(id)),
      read_destination);
}

result<std::vector<destination_record>> pg_notifications::list_destinations(std::string_view application_id) {
  return all<destination_record>(unit_.db.run("SELECT id, application_id, kind, config, created_at FROM destinations"
                                              " WHERE application_id = $1 ORDER BY created_at, id",
                                              pg_params().text(application_id)),
                                 read_destination);
}

result<void> pg_notifications::put_subscription(const subscription_record& s) {
  return done(
      unit_.db.run("INSERT INTO subscriptions(id, application_id, notification_type, destination_id, created_at)"
                   " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (application_id, notification_type) DO UPDATE SET"
                   " id = excluded.id, destination_id = excluded.destination_id, created_at = excluded.created_at",
                   pg_params()
                       .text(s.id)
                       .text(s.application_id)
                       .text(s.notification_type)
                       .text(s.destination_id)
                       .int64(to_epoch_ms(s.created_at))));
}

result<std::optional<subscription_record>> pg_notifications::find_subscription(std::string_view application_id,
                                                                               std::string_view type) {
  return one<subscription_record>(
      unit_.db.run("SELECT id, application_id, notification_type, destination_id, created_at FROM subscriptions"
                   " WHERE application_id = $1 AND notification_type = $2",
                   pg_params().text(application_id).text(type)),
      read_subscription);
}

result<std::vector<subscription_record>> pg_notifications::list_subscriptions(std::string_view application_id) {
  return all<subscription_record>(
      unit_.db.run("SELECT id, application_id, notification_type, destination_id, created_at FROM subscriptions"
                   " WHERE application_id = $1 ORDER BY notification_type",
                   pg_params().text(application_id)),
      read_subscription);
}

}  // namespace rekey
