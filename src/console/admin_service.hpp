// admin_service: what the developer console and the CLI do to applications, destinations,
// subscriptions and refresh tokens (SPEC §7), free of HTTP.
//
// Every method is one transaction; call them on the storage thread. Every change is recorded
// in the audit trail (actor "admin", with the request id given) in the same transaction as the
// change itself, so that no change is committed without its entry. After a commit that changes
// secrets it refreshes the credential cache. Secrets appear in plaintext only in the
// return value of create_application (shown once) and create_refresh_token.
// Errors: invalid_input (bad field), not_found (unknown application or destination),
// service_unavailable, internal. Thread-compatible.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/audit_trail.hpp"
#include "auth/credential_cache.hpp"
#include "auth/secret_hasher.hpp"
#include "core/config.hpp"
#include "core/random.hpp"
#include "queue/access_key_cache.hpp"
#include "storage/store.hpp"

namespace rekey {

struct created_application {
  application_record app;
  secret_record secret;
  std::string client_secret;  // plaintext, shown once
};

struct application_details {
  application_record app;
  std::vector<secret_record> secrets;
  std::vector<destination_record> destinations;
  std::vector<subscription_record> subscriptions;
  std::vector<outbox_record> deliveries;
};

// One page of applications with their details, and how many matched in all.
struct application_page {
  std::vector<application_details> applications;
  std::size_t total = 0;
};

// A page of the audit trail; `next` is the `after_seq` of the next page, absent at its end.
struct audit_page {
  std::vector<audit_record> entries;
  std::optional<std::int64_t> next;
};

struct created_access_key {
  std::string id;
  std::string account;
  std::string secret;  // plaintext, shown once
};

class admin_service {
 public:
  admin_service(store& storage, const clock& clock, random_source& random, const secret_hasher& hasher,
                credential_cache& credentials, const secret_policy_config& policy, const key256& at_rest_key,
                access_key_cache& access_keys, audit_trail& audit);

  [[nodiscard]] result<created_application> create_application(const std::string& request_id, const std::string& name,
                                                               std::optional<double> rotate_rate,
                                                               std::optional<unsigned> rotate_burst,
                                                               token_settings tokens = {});
  [[nodiscard]] result<std::vector<application_record>> list_applications();
  [[nodiscard]] result<application_details> show_application(std::string_view id);
  // Applications whose name, id or client id contains `query` (any case; empty: all), oldest
  // first, `limit` of them from `offset`.
  [[nodiscard]] result<application_page> find_applications(std::string_view query, std::size_t offset,
                                                           std::size_t limit);
  // Sets (or, with nullopt, clears: the service default applies) the application's usage plan.
  [[nodiscard]] result<application_record> update_usage_plan(const std::string& request_id,
                                                             std::string_view application_id,
                                                             std::optional<double> rotate_rate,
                                                             std::optional<unsigned> rotate_burst);
  // queue_reference: an ARN, a queue URL, "<account>/<name>" or a bare name (the default
  // account). The queue is created if it does not exist.
  [[nodiscard]] result<destination_record> create_embedded_destination(const std::string& request_id,
                                                                       std::string_view application_id,
                                                                       std::string_view queue_reference);
  // A webhook destination; returns it with its signing secret (shown once, stored sealed).
  [[nodiscard]] result<std::pair<destination_record, std::string>> create_webhook_destination(
      const std::string& request_id, std::string_view application_id, std::string_view url);
  // An SQS destination (AWS or another rekey); the secret access key is stored sealed.
  [[nodiscard]] result<destination_record> create_sqs_destination(const std::string& request_id,
                                                                  std::string_view application_id,
                                                                  std::string_view queue_url, std::string_view region,
                                                                  std::string_view access_key_id,
                                                                  std::string_view secret_access_key);
  // errc::not_found when there is no such destination.
  [[nodiscard]] result<destination_record> find_destination(std::string_view id);
  // Deliveries in a state, oldest first.
  [[nodiscard]] result<std::vector<outbox_record>> list_deliveries(outbox_state state);
  // Makes a dead (or pending) delivery due now; errc::conflict when it was delivered.
  [[nodiscard]] result<outbox_record> retry_delivery(const std::string& request_id, std::string_view notification_id);
  [[nodiscard]] result<subscription_record> set_subscription(const std::string& request_id,
                                                             std::string_view application_id,
                                                             std::string_view notification_type,
                                                             std::string_view destination_id);
  // Unsubscribes the application from `notification_type`; errc::not_found when it was not
  // subscribed (or the application is unknown), errc::invalid_input for an unknown type.
  [[nodiscard]] result<void> delete_subscription(const std::string& request_id, std::string_view application_id,
                                                 std::string_view notification_type);
  // Returns the plaintext refresh token ("Atzr|…"); only its keyed hash is stored.
  [[nodiscard]] result<std::string> create_refresh_token(const std::string& request_id,
                                                         std::string_view application_id);

  // An access key for the embedded queue, scoped to `account` (12 digits). The secret is
  // returned once and stored sealed.
  [[nodiscard]] result<created_access_key> create_access_key(const std::string& request_id, std::string_view account);

  // Revokes one secret of the application at once (compromise response): it stops
  // authenticating and tokens minted with it are refused. Recorded in the audit trail in the
  // same transaction. errc::not_found for an unknown application or secret; revoking a revoked
  // secret changes nothing.
  [[nodiscard]] result<secret_record> revoke_secret(std::string_view application_id, std::string_view secret_id,
                                                    const std::string& request_id);

  // Audit entries after `after_seq`, oldest first, at most `limit`.
  [[nodiscard]] result<std::vector<audit_record>> list_audit(std::int64_t after_seq, int limit);
  // The same, only the entries of `application_id` and with `action` (each: empty for any). One
  // call reads at most 10,000 entries: a page may then hold fewer than `limit` (even none) and
  // `next` says where to go on.
  [[nodiscard]] result<audit_page> find_audit(std::int64_t after_seq, int limit, std::string_view application_id,
                                              std::string_view action);
  // Appends an entry of the console's own (sign-in, sign-out, a refused sign-in), by `actor`.
  [[nodiscard]] result<void> record_console_event(const std::string& request_id, std::string actor, std::string action,
                                                  std::string detail);
  // Maintenance mode, a stored setting (console/maintenance_mode.hpp follows it).
  [[nodiscard]] result<void> set_maintenance(const std::string& request_id, bool on);
  [[nodiscard]] result<bool> load_maintenance();
  [[nodiscard]] result<audit_verification> verify_audit();
  // The --dev clock's offset, kept so that rekey's time does not run back on a restart; `by`
  // (e.g. "89d") is what the audit entry says it was advanced by.
  [[nodiscard]] result<void> save_dev_clock_offset(const std::string& request_id, millis offset, std::string_view by);
  [[nodiscard]] result<millis> load_dev_clock_offset();
  // Loads every application's secrets into the credential cache (start-up, and after missing
  // other nodes' events).
  [[nodiscard]] result<std::size_t> load_credentials();

 private:
  // Begins a unit of work in which the application exists; errc::not_found otherwise.
  result<std::unique_ptr<unit_of_work>> begin_for(std::string_view application_id);
  // Inserts a destination whose config is made from its new id (secrets are sealed to the id).
  result<destination_record> insert_destination(const std::string& request_id, std::string_view application_id,
                                                std::string kind,
                                                const std::function<std::string(const std::string& id)>& config);

  store& storage_;
  const clock& clock_;
  random_source& random_;
  const secret_hasher& hasher_;
  credential_cache& credentials_;
  secret_policy_config policy_;
  key256 at_rest_key_;
  access_key_cache& access_keys_;
  audit_trail& audit_;
};

}  // namespace rekey
