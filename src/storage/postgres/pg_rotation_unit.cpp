#include "storage/postgres/pg_rotation_unit.hpp"

#include "storage/postgres/pg_repositories.hpp"
#include "storage/postgres/pg_rotation_batch.hpp"
#include "storage/postgres/pg_rotation_writes.hpp"

namespace rekey {
namespace {

// The repositories whose writes a rotation holds back: those methods record into `held`, the
// rest are the ordinary repository's.
class held_secrets final : public pg_secrets {
 public:
  held_secrets(pg_unit_state& unit, pg_rotation_writes& held) : pg_secrets(unit), held_(held) {}
  result<void> insert(const secret_record& secret) override {
    held_.insert_secret(secret);
    return {};
  }
  result<void> update(const secret_record& change) override {
    held_.update_secret(change);
    return {};
  }

 private:
  pg_rotation_writes& held_;
};

class held_outbox final : public pg_outbox {
 public:
  held_outbox(pg_unit_state& unit, pg_rotation_writes& held) : pg_outbox(unit), held_(held) {}
  result<void> insert(const outbox_record& item) override {
    held_.insert_outbox(item);
    return {};
  }

 private:
  pg_rotation_writes& held_;
};

class held_rate_limits final : public pg_rate_limits {
 public:
  held_rate_limits(pg_unit_state& unit, pg_rotation_writes& held) : pg_rate_limits(unit), held_(held) {}
  result<void> save(const rate_bucket_record& bucket) override {
    held_.save_bucket(bucket);
    return {};
  }

 private:
  pg_rotation_writes& held_;
};

class held_queues final : public pg_queues {
 public:
  held_queues(pg_unit_state& unit, pg_rotation_writes& held) : pg_queues(unit), held_(held) {}
  result<void> insert_message(const message_record& message) override {
    held_.insert_message(message);
    return {};
  }

 private:
  pg_rotation_writes& held_;
};

class held_audit final : public pg_audit {
 public:
  held_audit(pg_unit_state& unit, pg_rotation_writes& held) : pg_audit(unit), held_(held) {}
  result<void> append(const audit_record& entry) override {
    held_.append_audit(entry);
    return {};
  }

 private:
  pg_rotation_writes& held_;
};

class pg_rotation_unit final : public unit_of_work {
 public:
  pg_rotation_unit(pg_rotation_batch& batch, pg_connection& db, hook_list* hooks)
      : batch_(batch), unit_(db), hooks_(hooks) {}

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

  void pipeline_writes() override { unit_.pipelining = true; }  // for what is not held back
  result<rotation_reads> read_for_rotation(std::string_view application_id, std::string_view operation,
                                           std::string_view notification_type, int audit_chain) override {
    return batch_.reads_for(application_id, operation, notification_type, audit_chain);
  }
  result<void> commit() override {
    if (committed_) return errc::internal;
    committed_ = true;
    batch_.absorb(std::move(held_));
    hooks_.committed();
    return {};
  }
  void after_commit(std::function<void()> hook) override { hooks_.add(std::move(hook)); }

 private:
  pg_rotation_batch& batch_;
  pg_unit_state unit_;
  pg_rotation_writes held_;
  pg_applications applications_{unit_};
  held_secrets secrets_{unit_, held_};
  pg_refresh_tokens refresh_tokens_{unit_};
  pg_resource_servers resource_servers_{unit_};
  pg_notifications notifications_{unit_};
  held_outbox outbox_{unit_, held_};
  held_rate_limits rate_limits_{unit_, held_};
  pg_keys keys_{unit_};
  pg_access_keys access_keys_{unit_};
  held_queues queues_{unit_, held_};
  held_audit audit_{unit_, held_};
  commit_hooks hooks_;
  bool committed_ = false;
};

}  // namespace

std::unique_ptr<unit_of_work> make_pg_rotation_unit(pg_rotation_batch& batch, pg_connection& db, hook_list* hooks) {
  return std::make_unique<pg_rotation_unit>(batch, db, hooks);
}

}  // namespace rekey
