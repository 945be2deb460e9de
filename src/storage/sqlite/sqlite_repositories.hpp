// The SQLite repositories (store.hpp), one class per repository and a file each
// (sqlite_applications.cpp, sqlite_secrets.cpp, … — the same names as PostgreSQL's), over the
// connection of one open unit of work. Internal to the backend: sqlite_unit_of_work owns one of
// each. Same threading rules as the store (one storage thread).
#pragma once

#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/store.hpp"

namespace rekey {

// Applications.
class sqlite_applications final : public application_repository {
 public:
  explicit sqlite_applications(sqlite_connection& db) : db_(db) {}
  result<void> insert(const application_record& a) override;
  result<std::optional<application_record>> find(std::string_view id) override;
  result<std::optional<application_record>> find_by_client_id(std::string_view client_id) override;
  result<std::vector<application_record>> list() override;
  result<void> update_usage_plan(const application_record& app) override;
  result<void> update_token_settings(const application_record& app) override;

 private:
  sqlite_connection& db_;
};

// Resource servers.
class sqlite_resource_servers final : public resource_server_repository {
 public:
  explicit sqlite_resource_servers(sqlite_connection& db) : db_(db) {}
  result<void> insert(const resource_server_record& s) override;
  result<std::optional<resource_server_record>> find(std::string_view id) override;
  result<std::vector<resource_server_record>> list() override;
  result<bool> revoke(std::string_view id, time_point at) override;

 private:
  sqlite_connection& db_;
};

// Client secrets.
class sqlite_secrets final : public secret_repository {
 public:
  explicit sqlite_secrets(sqlite_connection& db) : db_(db) {}
  result<void> insert(const secret_record& s) override;
  result<std::vector<secret_record>> list_for(std::string_view application_id) override;
  result<void> update(const secret_record& s) override;
  result<std::vector<secret_record>> list_warning_due(time_point now, int limit) override;
  result<bool> reschedule_warning(std::string_view id, time_point expected, std::optional<time_point> next) override;
  result<std::vector<secret_record>> list_newly_expired(time_point now, int limit) override;
  result<void> mark_expiry_recorded(std::string_view id) override;
  result<void> add_usage(std::string_view id, std::int64_t count, time_point last_used_at) override;
  result<std::int64_t> count_current_expiring(time_point before) override;

 private:
  sqlite_connection& db_;
};

// Refresh tokens.
class sqlite_refresh_tokens final : public refresh_token_repository {
 public:
  explicit sqlite_refresh_tokens(sqlite_connection& db) : db_(db) {}
  result<void> insert(const refresh_token_record& t) override;
  result<std::optional<refresh_token_record>> find(const digest256& hash) override;

 private:
  sqlite_connection& db_;
};

// Destinations and subscriptions.
class sqlite_notifications final : public notification_repository {
 public:
  explicit sqlite_notifications(sqlite_connection& db) : db_(db) {}
  result<void> insert_destination(const destination_record& d) override;
  result<std::optional<destination_record>> find_destination(std::string_view id) override;
  result<std::vector<destination_record>> list_destinations(std::string_view application_id) override;
  result<void> put_subscription(const subscription_record& s) override;
  result<std::optional<subscription_record>> find_subscription(std::string_view application_id,
                                                               std::string_view type) override;
  result<bool> delete_subscription(std::string_view application_id, std::string_view type) override;
  result<std::vector<subscription_record>> list_subscriptions(std::string_view application_id) override;

 private:
  sqlite_connection& db_;
};

// The outbox.
class sqlite_outbox final : public outbox_repository {
 public:
  explicit sqlite_outbox(sqlite_connection& db) : db_(db) {}
  result<void> insert(const outbox_record& o) override;
  result<std::vector<outbox_record>> list_for_application(std::string_view application_id) override;
  result<std::optional<outbox_record>> find_item(std::string_view id) override;
  result<std::vector<outbox_record>> list_by_state(outbox_state state, int limit) override;
  result<std::vector<outbox_record>> claim_due(time_point now, millis lease, int limit) override;
  result<void> update(const outbox_record& o) override;
  result<outbox_backlog> backlog() override;

 private:
  sqlite_connection& db_;
};

// Rate buckets.
class sqlite_rate_limits final : public rate_limit_repository {
 public:
  explicit sqlite_rate_limits(sqlite_connection& db) : db_(db) {}
  result<std::optional<rate_bucket_record>> find(std::string_view application_id, std::string_view operation) override;
  result<void> save(const rate_bucket_record& b) override;

 private:
  sqlite_connection& db_;
};

// Signing keys and settings.
class sqlite_keys final : public key_repository {
 public:
  explicit sqlite_keys(sqlite_connection& db) : db_(db) {}
  result<std::vector<signing_key_record>> list_signing_keys() override;
  result<void> insert_signing_key(const signing_key_record& k) override;
  result<std::vector<jwt_key_record>> list_jwt_keys() override;
  result<void> insert_jwt_key(const jwt_key_record& k) override;
  result<std::optional<std::string>> get_setting(std::string_view name) override;
  result<void> put_setting(std::string_view name, std::string_view value) override;

 private:
  sqlite_connection& db_;
};

// Access keys.
class sqlite_access_keys final : public access_key_repository {
 public:
  explicit sqlite_access_keys(sqlite_connection& db) : db_(db) {}
  result<void> insert(const access_key_record& k) override;
  result<std::optional<access_key_record>> find(std::string_view id) override;
  result<std::vector<access_key_record>> list() override;
  result<bool> remove(std::string_view id) override;

 private:
  sqlite_connection& db_;
};

// Queues and messages.
class sqlite_queues final : public queue_repository {
 public:
  explicit sqlite_queues(sqlite_connection& db) : db_(db) {}
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

 private:
  sqlite_connection& db_;
};

// The audit trail.
class sqlite_audit final : public audit_repository {
 public:
  explicit sqlite_audit(sqlite_connection& db) : db_(db) {}
  result<void> append(const audit_record& e) override;
  result<audit_head> head(int chain) override;
  result<std::vector<audit_record>> list(std::int64_t after_seq, int limit) override;

 private:
  sqlite_connection& db_;
};

}  // namespace rekey
