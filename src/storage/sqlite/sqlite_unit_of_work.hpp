// sqlite_unit_of_work: one unit of work on the SQLite store's connection — a transaction of its
// own (BEGIN IMMEDIATE … COMMIT) or, in a batch, a savepoint of the batch's (sqlite_store.hpp) —
// with one repository of each kind over it (sqlite_repositories.hpp). Internal to the backend;
// one storage thread.
#pragma once

#include <functional>

#include "storage/commit_hooks.hpp"
#include "storage/sqlite/sqlite_repositories.hpp"
#include "storage/store.hpp"

namespace rekey {

class sqlite_unit_of_work final : public unit_of_work {
 public:
  // `batch`: the batch's hooks when this unit is a savepoint of it ("SAVEPOINT unit" sent), else
  // null ("BEGIN IMMEDIATE" sent).
  sqlite_unit_of_work(sqlite_connection& db, hook_list* batch) : db_(db), hooks_(batch) {}
  ~sqlite_unit_of_work() override;  // rolls back unless committed

  application_repository& applications() override { return applications_; }
  secret_repository& secrets() override { return secrets_; }
  refresh_token_repository& refresh_tokens() override { return refresh_tokens_; }
  resource_server_repository& resource_servers() override { return resource_servers_; }
  notification_repository& notifications() override { return notifications_; }
  outbox_repository& outbox() override { return outbox_; }
  rate_limit_repository& rate_limits() override { return rate_limits_; }
  key_repository& keys() override { return keys_; }
  access_key_repository& access_keys() override { return access_keys_; }
  queue_repository& queues() override { return queues_; }
  audit_repository& audit() override { return audit_; }

  result<void> commit() override;
  void after_commit(std::function<void()> hook) override { hooks_.add(std::move(hook)); }

 private:
  sqlite_connection& db_;
  sqlite_applications applications_{db_};
  sqlite_secrets secrets_{db_};
  sqlite_refresh_tokens refresh_tokens_{db_};
  sqlite_resource_servers resource_servers_{db_};
  sqlite_notifications notifications_{db_};
  sqlite_outbox outbox_{db_};
  sqlite_rate_limits rate_limits_{db_};
  sqlite_keys keys_{db_};
  sqlite_access_keys access_keys_{db_};
  sqlite_queues queues_{db_};
  sqlite_audit audit_{db_};
  commit_hooks hooks_;
  bool committed_ = false;
};

}  // namespace rekey
