// The PostgreSQL repositories (store.hpp), one class per repository and a file each
// (pg_applications.cpp, pg_secrets.cpp, …), over the connection of one unit of work. Internal to
// the backend: pg_unit_of_work owns one of each; a rotation batch's units (pg_rotation_unit.cpp)
// hold some of their writes back instead. Same threading rules as the unit of work.
#pragma once

#include <string>
#include <vector>

#include "storage/postgres/pg_connection.hpp"
#include "storage/store.hpp"

namespace rekey {

// What the repositories of one unit of work share: its connection, whether its writes are
// pipelined (unit_of_work::pipeline_writes), and the events to send other nodes once it commits
// (pg_store.hpp).
struct pg_unit_state {
  explicit pg_unit_state(pg_connection& connection) : db(connection) {}
  pg_connection& db;
  bool pipelining = false;
  std::vector<std::string> events;  // each once

  // A statement whose answer is only "done" (or an error): queued when pipelining, else run now.
  // expect_one_row: touching any other number of rows is errc::internal.
  [[nodiscard]] result<void> write(const char* sql, const pg_params& params, bool expect_one_row = false);
  // Tells the other nodes once this unit has committed.
  [[nodiscard]] result<void> notify(const std::string& event);
};

// Applications.
class pg_applications : public application_repository {
 public:
  explicit pg_applications(pg_unit_state& unit) : unit_(unit) {}
  result<void> insert(const application_record& a) override;
  result<std::optional<application_record>> find(std::string_view id) override;
  result<std::optional<application_record>> find_by_client_id(std::string_view client_id) override;
  result<std::vector<application_record>> list() override;
  result<void> update_usage_plan(const application_record& app) override;
  result<void> update_token_settings(const application_record& app) override;

 protected:
  pg_unit_state& unit_;
};

// Resource servers.
class pg_resource_servers : public resource_server_repository {
 public:
  explicit pg_resource_servers(pg_unit_state& unit) : unit_(unit) {}
  result<void> insert(const resource_server_record& s) override;
  result<std::optional<resource_server_record>> find(std::string_view id) override;
  result<std::vector<resource_server_record>> list() override;
  result<bool> revoke(std::string_view id, time_point at) override;

 protected:
  pg_unit_state& unit_;
};

// Client secrets.
class pg_secrets : public secret_repository {
 public:
  explicit pg_secrets(pg_unit_state& unit) : unit_(unit) {}
  result<void> insert(const secret_record& s) override;
  result<std::vector<secret_record>> list_for(std::string_view application_id) override;
  result<void> update(const secret_record& s) override;
  result<std::vector<secret_record>> list_warning_due(time_point now, int limit) override;
  result<bool> reschedule_warning(std::string_view id, time_point expected, std::optional<time_point> next) override;
  result<std::vector<secret_record>> list_newly_expired(time_point now, int limit) override;
  result<void> mark_expiry_recorded(std::string_view id) override;
  result<void> add_usage(std::string_view id, std::int64_t count, time_point last_used_at) override;
  result<std::int64_t> count_current_expiring(time_point before) override;

 protected:
  pg_unit_state& unit_;
};

// Refresh tokens.
class pg_refresh_tokens : public refresh_token_repository {
 public:
  explicit pg_refresh_tokens(pg_unit_state& unit) : unit_(unit) {}
  result<void> insert(const refresh_token_record& t) override;
  result<std::optional<refresh_token_record>> find(const digest256& hash) override;

 protected:
  pg_unit_state& unit_;
};

// Destinations and subscriptions.
class pg_notifications : public notification_repository {
 public:
  explicit pg_notifications(pg_unit_state& unit) : unit_(unit) {}
  result<void> insert_destination(const destination_record& d) override;
  result<std::optional<destination_record>> find_destination(std::string_view id) override;
  result<std::vector<destination_record>> list_destinations(std::string_view application_id) override;
  result<void> put_subscription(const subscription_record& s) override;
  result<std::optional<subscription_record>> find_subscription(std::string_view application_id,
                                                               std::string_view type) override;
  result<bool> delete_subscription(std::string_view application_id, std::string_view type) override;
  result<std::vector<subscription_record>> list_subscriptions(std::string_view application_id) override;

 protected:
  pg_unit_state& unit_;
};

// The outbox.
class pg_outbox : public outbox_repository {
 public:
  explicit pg_outbox(pg_unit_state& unit) : unit_(unit) {}
  result<void> insert(const outbox_record& o) override;
  result<std::vector<outbox_record>> list_for_application(std::string_view application_id) override;
  result<std::optional<outbox_record>> find_item(std::string_view id) override;
  result<std::vector<outbox_record>> list_by_state(outbox_state state, int limit) override;
  result<std::vector<outbox_record>> claim_due(time_point now, millis lease, int limit) override;
  result<void> update(const outbox_record& o) override;
  result<outbox_backlog> backlog() override;

 protected:
  pg_unit_state& unit_;
};

// Rate buckets.
class pg_rate_limits : public rate_limit_repository {
 public:
  explicit pg_rate_limits(pg_unit_state& unit) : unit_(unit) {}
  result<std::optional<rate_bucket_record>> find(std::string_view application_id, std::string_view operation) override;
  result<void> save(const rate_bucket_record& b) override;

 protected:
  pg_unit_state& unit_;
};

// Signing keys and settings.
class pg_keys : public key_repository {
 public:
  explicit pg_keys(pg_unit_state& unit) : unit_(unit) {}
  result<std::vector<signing_key_record>> list_signing_keys() override;
  result<void> insert_signing_key(const signing_key_record& k) override;
  result<std::vector<jwt_key_record>> list_jwt_keys() override;
  result<void> insert_jwt_key(const jwt_key_record& k) override;
  result<std::optional<std::string>> get_setting(std::string_view name) override;
  result<void> put_setting(std::string_view name, std::string_view value) override;

 protected:
  pg_unit_state& unit_;
};

// Access keys.
class pg_access_keys : public access_key_repository {
 public:
  explicit pg_access_keys(pg_unit_state& unit) : unit_(unit) {}
  result<void> insert(const access_key_record& k) override;
  result<std::optional<access_key_record>> find(std::string_view id) override;
  result<std::vector<access_key_record>> list() override;
  result<bool> remove(std::string_view id) override;

 protected:
  pg_unit_state& unit_;
};

// Queues and messages.
class pg_queues : public queue_repository {
 public:
  explicit pg_queues(pg_unit_state& unit) : unit_(unit) {}
  result<void> insert_queue(const queue_record& q) override;
  result<std::optional<queue_record>> find_queue(std::string_view account, std::string_view name) override;
  result<std::vector<queue_record>> list_queues(std::string_view account, std::string_view prefix) override;
  result<bool> delete_queue(std::string_view account, std::string_view name) override;
  result<void> purge(std::string_view account, std::string_view name) override;
  result<void> update_queue(const queue_record& q) override;
  result<void> insert_message(const message_record& m) override;
  result<std::vector<message_record>> visible_messages(std::string_view account, std::string_view queue, time_point now,
                                                       int max) override;
  result<void> update_message(const message_record& m) override;
  result<void> change_visibility(const message_record& m) override;
  result<std::optional<message_record>> find_by_receipt(std::string_view account, std::string_view queue,
                                                        std::string_view receipt_handle) override;
  result<void> delete_message(std::string_view id) override;
  result<void> move_message(std::string_view id, const queue_address& to, time_point visible_at) override;
  result<counts> count_messages(std::string_view account, std::string_view queue, time_point now) override;
  result<std::optional<time_point>> next_visible_at(std::string_view account, std::string_view queue,
                                                    time_point now) override;
  result<std::int64_t> delete_expired(time_point now) override;

 protected:
  pg_unit_state& unit_;
};

// The audit trail.
class pg_audit : public audit_repository {
 public:
  explicit pg_audit(pg_unit_state& unit) : unit_(unit) {}
  result<void> append(const audit_record& e) override;
  result<audit_head> head(int chain) override;
  result<std::vector<audit_record>> list(std::int64_t after_seq, int limit) override;

 protected:
  pg_unit_state& unit_;
};

}  // namespace rekey
