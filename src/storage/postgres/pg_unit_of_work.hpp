// pg_unit_of_work: one unit of work on PostgreSQL — a transaction on a pooled connection of its
// own, or a savepoint of a general batch (pg_store.cpp) — with one repository of each kind over
// it (pg_repositories.hpp). BEGIN goes with its first statement; pipelined writes with its next
// read or its COMMIT; read_for_rotation's reads in one round trip (docs/storage.md). After the
// COMMIT, in the same round trip, the events for other nodes (NOTIFY, pg_store.hpp). Internal to
// the backend; used by one thread at a time.
#pragma once

#include <functional>
#include <string>

#include "storage/commit_hooks.hpp"
#include "storage/postgres/pg_pool.hpp"
#include "storage/postgres/pg_repositories.hpp"
#include "storage/store.hpp"

namespace rekey {

class pg_unit_of_work final : public unit_of_work {
 public:
  // `lease`: the connection's, or empty in a batch (the batch holds `db`). `batch`: that batch's
  // hooks (the unit is then a savepoint, "SAVEPOINT unit" already sent), or null.
  pg_unit_of_work(pg_pool::lease lease, pg_connection& db, const std::string& node, hook_list* batch);
  ~pg_unit_of_work() override;  // rolls back unless committed

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

  void pipeline_writes() override { unit_.pipelining = true; }
  result<rotation_reads> read_for_rotation(std::string_view application_id, std::string_view operation,
                                           std::string_view notification_type, int audit_chain) override;
  result<void> commit() override;
  void after_commit(std::function<void()> hook) override { hooks_.add(std::move(hook)); }

 private:
  // Sends the events now: their own transaction after a commit, or within the open one (a batch).
  result<void> send_events_now();
  // Queues the events behind a queued COMMIT: they run in their own transaction, only if the
  // commit succeeded, and their failure is not the commit's.
  result<void> queue_events_after_commit();

  pg_pool::lease lease_;
  const std::string& node_;
  pg_unit_state unit_;
  pg_applications applications_{unit_};
  pg_secrets secrets_{unit_};
  pg_refresh_tokens refresh_tokens_{unit_};
  pg_resource_servers resource_servers_{unit_};
  pg_notifications notifications_{unit_};
  pg_outbox outbox_{unit_};
  pg_rate_limits rate_limits_{unit_};
  pg_keys keys_{unit_};
  pg_access_keys access_keys_{unit_};
  pg_queues queues_{unit_};
  pg_audit audit_{unit_};
  commit_hooks hooks_;
  bool committed_ = false;
};

// The events, each with this node's id (pg_store.hpp), and the statement that sends them.
std::vector<std::string> pg_event_payloads(const std::string& node, const std::vector<std::string>& events);
inline constexpr const char* pg_notify_sql = "SELECT pg_notify('rekey', e) FROM unnest($1::text[]) AS e";

}  // namespace rekey
