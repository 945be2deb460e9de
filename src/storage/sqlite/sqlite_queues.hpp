// The embedded queue's repositories over an open SQLite transaction: access keys, queues and
// messages. Owned by a sqlite unit of work; same threading rules (one storage thread).
#pragma once

#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/store.hpp"

namespace rekey {

class sqlite_access_keys final : public access_key_repository {
 public:
  explicit sqlite_access_keys(sqlite_connection& db) : db_(db) {}
  result<void> insert(const access_key_record& key) override;
  result<std::optional<access_key_record>> find(std::string_view id) override;
  result<std::vector<access_key_record>> list() override;

 private:
  sqlite_connection& db_;
};

class sqlite_queues final : public queue_repository {
 public:
  explicit sqlite_queues(sqlite_connection& db) : db_(db) {}
  result<void> insert_queue(const queue_record& queue) override;
  result<std::optional<queue_record>> find_queue(std::string_view account, std::string_view name) override;
  result<std::vector<queue_record>> list_queues(std::string_view account, std::string_view name_prefix) override;
  result<bool> delete_queue(std::string_view account, std::string_view name) override;
  result<void> purge(std::string_view account, std::string_view name) override;
  result<void> insert_message(const message_record& message) override;
  result<std::vector<message_record>> visible_messages(std::string_view account, std::string_view queue, time_point now,
                                                       int max) override;
  result<void> update_message(const message_record& message) override;
  result<std::optional<message_record>> find_by_receipt(std::string_view account, std::string_view queue,
                                                        std::string_view receipt_handle) override;
  result<void> delete_message(std::string_view id) override;
  result<counts> count_messages(std::string_view account, std::string_view queue, time_point now) override;
  result<std::int64_t> delete_expired(time_point now) override;

 private:
  sqlite_connection& db_;
};

}  // namespace rekey
