#include "console/admin_service.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "console/application_overview.hpp"
#include "console/platform_admin.hpp"
#include "core/identifiers.hpp"
#include "crypto/base64.hpp"
#include "delivery/destination_secret.hpp"
#include "queue/queue_service.hpp"
#include "rotation/expiry_notification.hpp"
#include "rotation/expiry_warning_schedule.hpp"
#include "rotation/new_secret_notification.hpp"

namespace rekey {
namespace {

constexpr std::string_view dev_clock_setting = "dev_clock_offset_ms";
constexpr std::string_view maintenance_setting = "maintenance";
constexpr int audit_scan_page = 1000;  // entries read at a time while filtering
constexpr int audit_scan_pages = 10;   // at most this many per call: the scan holds a transaction

bool known_notification_type(std::string_view type) {
  return type == new_secret_notification_type || type == expiry_notification_type;
}

}  // namespace

admin_service::admin_service(store& storage, const clock& clock, random_source& random, const secret_hasher& hasher,
                             credential_cache& credentials, const secret_policy_config& policy,
                             const key256& at_rest_key, access_key_cache& access_keys, audit_trail& audit)
    : storage_(storage),
      clock_(clock),
      random_(random),
      hasher_(hasher),
      credentials_(credentials),
      policy_(policy),
      at_rest_key_(at_rest_key),
      access_keys_(access_keys),
      audit_(audit) {}

result<std::unique_ptr<unit_of_work>> admin_service::begin_for(std::string_view application_id) {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto app = (*work)->applications().find(application_id);
  if (!app) return app.error();
  if (!*app) return errc::not_found;
  return work;
}

result<created_application> admin_service::create_application(const std::string& request_id, const std::string& name,
                                                              std::optional<double> rotate_rate,
                                                              std::optional<unsigned> rotate_burst,
                                                              token_settings tokens) {
  if (name.empty() || name.size() > 200) return errc::invalid_input;
  if (auto ok = check_token_settings(tokens); !ok) return ok.error();
  if (rotate_rate && !(*rotate_rate > 0 && *rotate_rate <= 1000)) return errc::invalid_input;
  if (rotate_burst && (*rotate_burst < 1 || *rotate_burst > 1000)) return errc::invalid_input;
  const auto now = clock_.now();
  created_application out;
  out.app = {
      new_application_id(random_), name, new_client_id(random_), rotate_rate, rotate_burst, now, std::move(tokens)};
  out.client_secret = new_client_secret(random_);
  out.secret.id = new_uuid(random_);
  out.secret.application_id = out.app.id;
  out.secret.hash = hasher_.hash(out.client_secret);
  out.secret.fingerprint = secret_hasher::fingerprint(out.secret.hash);
  out.secret.state = secret_state::current;
  out.secret.created_at = now;
  out.secret.expires_at = now + policy_.secret_lifetime;
  out.secret.next_warning_at = first_warning_at(out.secret.expires_at, policy_.expiry_warnings);

  auto work = storage_.begin();
  if (!work) return work.error();
  if (auto r = (*work)->applications().insert(out.app); !r) return r.error();
  if (auto r = (*work)->secrets().insert(out.secret); !r) return r.error();
  std::string detail = "name " + name;
  if (out.app.tokens != token_settings{}) detail += ", tokens: " + to_string(out.app.tokens);
  if (auto r = audit_.record_admin(**work, request_id, "application.created", out.app.id, detail); !r) return r.error();
  (*work)->after_commit([this, app = out.app, secret = out.secret, seen = credentials_.generation(out.app.id)] {
    credentials_.put(app, {secret}, seen);
  });
  if (auto r = (*work)->commit(); !r) return r.error();
  return out;
}

result<std::vector<application_record>> admin_service::list_applications() {
  auto work = storage_.begin();
  if (!work) return work.error();
  return (*work)->applications().list();
}

namespace {

// The application's secrets, destinations, subscriptions and deliveries, read in `work`.
result<application_details> details_of(unit_of_work& work, application_record app) {
  application_details d;
  d.app = std::move(app);
  auto secrets = work.secrets().list_for(d.app.id);
  auto destinations = work.notifications().list_destinations(d.app.id);
  auto subscriptions = work.notifications().list_subscriptions(d.app.id);
  auto deliveries = work.outbox().list_for_application(d.app.id);
  if (!secrets) return secrets.error();
  if (!destinations) return destinations.error();
  if (!subscriptions) return subscriptions.error();
  if (!deliveries) return deliveries.error();
  d.secrets = std::move(*secrets);
  d.destinations = std::move(*destinations);
  d.subscriptions = std::move(*subscriptions);
  d.deliveries = std::move(*deliveries);
  return d;
}

}  // namespace

result<application_details> admin_service::show_application(std::string_view id) {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto app = (*work)->applications().find(id);
  if (!app) return app.error();
  if (!*app) return errc::not_found;
  return details_of(**work, std::move(**app));
}

result<application_page> admin_service::find_applications(std::string_view query, std::size_t offset,
                                                          std::size_t limit) {
  auto work = storage_.begin();  // one transaction for the page: one lock, one snapshot
  if (!work) return work.error();
  auto apps = (*work)->applications().list();
  if (!apps) return apps.error();
  std::vector<application_record> found;
  for (auto& app : *apps) {
    if (matches(app, query)) found.push_back(std::move(app));
  }
  application_page page;
  page.total = found.size();
  for (std::size_t i = offset; i < found.size() && page.applications.size() < limit; ++i) {
    auto details = details_of(**work, std::move(found[i]));
    if (!details) return details.error();
    page.applications.push_back(std::move(*details));
  }
  return page;
}

result<application_record> admin_service::update_usage_plan(const std::string& request_id,
                                                            std::string_view application_id,
                                                            std::optional<double> rotate_rate,
                                                            std::optional<unsigned> rotate_burst) {
  if (rotate_rate && !(*rotate_rate > 0 && *rotate_rate <= 1000)) return errc::invalid_input;
  if (rotate_burst && (*rotate_burst < 1 || *rotate_burst > 1000)) return errc::invalid_input;
  auto work = storage_.begin();
  if (!work) return work.error();
  auto app = (*work)->applications().find(application_id);
  if (!app) return app.error();
  if (!*app) return errc::not_found;
  auto changed = **app;
  changed.rotate_rate = rotate_rate;
  changed.rotate_burst = rotate_burst;
  if (auto r = (*work)->applications().update_usage_plan(changed); !r) return r.error();
  const auto plan_text = [](const application_record& a) {
    return (a.rotate_rate ? std::to_string(*a.rotate_rate) : std::string("default")) + "/s, burst " +
           (a.rotate_burst ? std::to_string(*a.rotate_burst) : std::string("default"));
  };
  if (auto r = audit_.record_admin(**work, request_id, "usage_plan.changed", application_id,
                                   plan_text(**app) + " -> " + plan_text(changed));
      !r) {
    return r.error();
  }
  // A rotation reads the plan with the application, in its transaction; what remembers a plan is
  // the rate-limit mirror, which the caller forgets (and other nodes at this commit's event).
  if (auto r = (*work)->commit(); !r) return r.error();
  return changed;
}

result<destination_record> admin_service::create_embedded_destination(const std::string& request_id,
                                                                      std::string_view application_id,
                                                                      std::string_view queue_reference) {
  const auto queue = parse_queue_reference(queue_reference);
  if (!queue) return errc::invalid_input;
  // Twice at most: another node may create the same queue between our look and our insert; the
  // conflict then ends this transaction, and the second attempt finds the queue.
  for (int attempt = 0;; ++attempt) {
    auto work = begin_for(application_id);
    if (!work) return work.error();
    // The destination owns its queue: create it now if it does not exist yet.
    auto existing = (*work)->queues().find_queue(queue->account, queue->name);
    if (!existing) return existing.error();
    if (!*existing) {
      queue_record record;  // the record's defaults: 30 s visibility, 4 days retention
      record.account = queue->account;
      record.name = queue->name;
      record.created_at = clock_.now();
      if (auto r = (*work)->queues().insert_queue(record); !r) {
        if (r.error() == make_error_code(errc::conflict) && attempt == 0) continue;
        return r.error();
      }
    }
    destination_record d{
        new_uuid(random_), std::string(application_id), "embedded",
        boost::json::serialize(boost::json::object{{"account", queue->account}, {"queue", queue->name}}), clock_.now()};
    if (auto r = (*work)->notifications().insert_destination(d); !r) return r.error();
    if (auto r = audit_.record_admin(**work, request_id, "destination.created", application_id,
                                     "embedded destination " + d.id);
        !r) {
      return r.error();
    }
    if (auto r = (*work)->commit(); !r) return r.error();
    return d;
  }
}

namespace {

bool http_url(std::string_view url) {
  return (url.starts_with("http://") || url.starts_with("https://")) && url.size() > 8 && url.size() <= 2048;
}

}  // namespace

result<destination_record> admin_service::insert_destination(
    const std::string& request_id, std::string_view application_id, std::string kind,
    const std::function<std::string(const std::string& id)>& config) {
  auto work = begin_for(application_id);
  if (!work) return work.error();
  destination_record d;
  d.id = new_uuid(random_);
  d.application_id = std::string(application_id);
  d.kind = std::move(kind);
  d.config_json = config(d.id);
  d.created_at = clock_.now();
  if (auto r = (*work)->notifications().insert_destination(d); !r) return r.error();
  if (auto r = audit_.record_admin(**work, request_id, "destination.created", application_id,
                                   d.kind + " destination " + d.id);
      !r) {
    return r.error();
  }
  if (auto r = (*work)->commit(); !r) return r.error();
  return d;
}

result<std::pair<destination_record, std::string>> admin_service::create_webhook_destination(
    const std::string& request_id, std::string_view application_id, std::string_view url) {
  if (!http_url(url)) return errc::invalid_input;
  const std::string secret = "whsec_" + base64url_encode(random_.bytes<32>());
  auto d = insert_destination(request_id, application_id, "webhook", [&](const std::string& id) {
    return boost::json::serialize(boost::json::object{
        {"url", url}, {"sealedSecret", seal_destination_secret(at_rest_key_, id, secret, random_)}});
  });
  if (!d) return d.error();
  return std::make_pair(std::move(*d), secret);
}

result<destination_record> admin_service::create_sqs_destination(const std::string& request_id,
                                                                 std::string_view application_id,
                                                                 std::string_view queue_url, std::string_view region,
                                                                 std::string_view access_key_id,
                                                                 std::string_view secret_access_key) {
  if (!http_url(queue_url) || region.empty() || access_key_id.empty() || secret_access_key.empty()) {
    return errc::invalid_input;
  }
  return insert_destination(request_id, application_id, "sqs", [&](const std::string& id) {
    return boost::json::serialize(
        boost::json::object{{"queueUrl", queue_url},
                            {"region", region},
                            {"accessKeyId", access_key_id},
                            {"sealedSecret", seal_destination_secret(at_rest_key_, id, secret_access_key, random_)}});
  });
}

result<destination_record> admin_service::find_destination(std::string_view id) {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto found = (*work)->notifications().find_destination(id);
  if (!found) return found.error();
  if (!*found) return errc::not_found;
  return **found;
}

result<std::vector<outbox_record>> admin_service::list_deliveries(outbox_state state) {
  auto work = storage_.begin();
  if (!work) return work.error();
  return (*work)->outbox().list_by_state(state, 1000);
}

result<outbox_record> admin_service::retry_delivery(const std::string& request_id, std::string_view notification_id) {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto item = (*work)->outbox().find_item(notification_id);
  if (!item) return item.error();
  if (!*item) return errc::not_found;
  if ((*item)->state == outbox_state::delivered) return errc::conflict;
  (*item)->state = outbox_state::pending;
  (*item)->next_attempt_at = clock_.now();
  (*item)->last_error.clear();
  if (auto r = (*work)->outbox().update(**item); !r) return r.error();
  if (auto r = audit_.record_admin(**work, request_id, "delivery.retried", (*item)->application_id,
                                   "notification " + std::string(notification_id));
      !r) {
    return r.error();
  }
  if (auto r = (*work)->commit(); !r) return r.error();
  return **item;
}

result<subscription_record> admin_service::set_subscription(const std::string& request_id,
                                                            std::string_view application_id,
                                                            std::string_view notification_type,
                                                            std::string_view destination_id) {
  if (!known_notification_type(notification_type)) return errc::invalid_input;
  auto work = begin_for(application_id);
  if (!work) return work.error();
  auto destination = (*work)->notifications().find_destination(destination_id);
  if (!destination) return destination.error();
  if (!*destination || (*destination)->application_id != application_id) return errc::not_found;
  subscription_record s{new_uuid(random_), std::string(application_id), std::string(notification_type),
                        std::string(destination_id), clock_.now()};
  if (auto r = (*work)->notifications().put_subscription(s); !r) return r.error();
  if (auto r = audit_.record_admin(**work, request_id, "subscription.set", application_id,
                                   s.notification_type + " to destination " + s.destination_id);
      !r) {
    return r.error();
  }
  if (auto r = (*work)->commit(); !r) return r.error();
  return s;
}

result<void> admin_service::delete_subscription(const std::string& request_id, std::string_view application_id,
                                                std::string_view notification_type) {
  if (!known_notification_type(notification_type)) return errc::invalid_input;
  auto work = begin_for(application_id);
  if (!work) return work.error();
  auto removed = (*work)->notifications().delete_subscription(application_id, notification_type);
  if (!removed) return removed.error();
  if (!*removed) return errc::not_found;
  if (auto r = audit_.record_admin(**work, request_id, "subscription.removed", application_id,
                                   std::string(notification_type));
      !r) {
    return r;
  }
  return (*work)->commit();
}

result<std::string> admin_service::create_refresh_token(const std::string& request_id,
                                                        std::string_view application_id) {
  auto work = begin_for(application_id);
  if (!work) return work.error();
  const std::string token = "Atzr|" + base64url_encode(random_.bytes<32>());
  if (auto r = (*work)->refresh_tokens().insert({hasher_.hash(token), std::string(application_id), clock_.now()}); !r) {
    return r.error();
  }
  if (auto r = audit_.record_admin(**work, request_id, "refresh_token.created", application_id, ""); !r)
    return r.error();
  if (auto r = (*work)->commit(); !r) return r.error();
  return token;
}

result<created_access_key> admin_service::create_access_key(const std::string& request_id, std::string_view account) {
  if (account.size() != 12 ||
      !std::all_of(account.begin(), account.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return errc::invalid_input;
  }
  static constexpr char base32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string id = "AKRK";
  for (auto b : random_.bytes<16>()) id.push_back(base32[b % 32]);
  const access_key key{id, std::string(account), base64url_encode(random_.bytes<30>())};
  auto work = storage_.begin();
  if (!work) return work.error();
  if (auto r = (*work)->access_keys().insert(seal_access_key(key, at_rest_key_, random_, clock_.now())); !r) {
    return r.error();
  }
  if (auto r = audit_.record_admin(**work, request_id, "access_key.created", "",
                                   "key " + key.id + " for account " + key.account);
      !r) {
    return r.error();
  }
  (*work)->after_commit([this, key] { access_keys_.put(key); });
  if (auto r = (*work)->commit(); !r) return r.error();
  return created_access_key{key.id, key.account, key.secret};
}

result<secret_record> admin_service::revoke_secret(std::string_view application_id, std::string_view secret_id,
                                                   const std::string& request_id) {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto& w = **work;
  const auto seen = credentials_.generation(application_id);
  auto app = w.applications().find(application_id);
  if (!app) return app.error();
  if (!*app) return errc::not_found;
  auto secrets = w.secrets().list_for(application_id);
  if (!secrets) return secrets.error();
  const auto found = std::find_if(secrets->begin(), secrets->end(), [&](const auto& s) { return s.id == secret_id; });
  if (found == secrets->end()) return errc::not_found;
  if (found->state == secret_state::revoked) return *found;
  const auto was = found->state;
  found->state = secret_state::revoked;
  found->next_warning_at.reset();
  if (auto r = w.secrets().update(*found); !r) return r.error();
  if (auto r = audit_.record(w, {"admin", "secret.revoked", std::string(application_id), request_id, found->fingerprint,
                                 "secret " + found->id + " revoked (was " + std::string(to_string(was)) + ")"});
      !r) {
    return r.error();
  }
  w.after_commit([this, app = **app, all = *secrets, seen] { credentials_.put(app, all, seen); });
  if (auto r = w.commit(); !r) return r.error();
  return *found;
}

result<std::vector<audit_record>> admin_service::list_audit(std::int64_t after_seq, int limit) {
  auto work = storage_.begin();
  if (!work) return work.error();
  return (*work)->audit().list(after_seq, limit);
}

result<audit_page> admin_service::find_audit(std::int64_t after_seq, int limit, std::string_view application_id,
                                             std::string_view action) {
  auto work = storage_.begin();
  if (!work) return work.error();
  audit_page page;
  for (int scanned = 0;; ++scanned) {
    if (scanned == audit_scan_pages) {  // more may match further on: the caller goes on from here
      page.next = after_seq;
      return page;
    }
    auto entries = (*work)->audit().list(after_seq, audit_scan_page);
    if (!entries) return entries.error();
    for (auto& e : *entries) {
      after_seq = e.seq;
      if ((!application_id.empty() && e.application_id != application_id) || (!action.empty() && e.action != action))
        continue;
      page.entries.push_back(std::move(e));
      if (static_cast<int>(page.entries.size()) == limit) {
        page.next = after_seq;
        return page;
      }
    }
    if (static_cast<int>(entries->size()) < audit_scan_page) return page;
  }
}

result<void> admin_service::record_console_event(const std::string& request_id, std::string actor, std::string action,
                                                 std::string detail) {
  auto work = storage_.begin();
  if (!work) return work.error();
  if (auto r = audit_.record(**work, {std::move(actor), std::move(action), "", request_id, "", std::move(detail)}); !r)
    return r;
  return (*work)->commit();
}

result<void> admin_service::set_maintenance(const std::string& request_id, bool on) {
  auto work = storage_.begin();
  if (!work) return work.error();
  if (auto r = (*work)->keys().put_setting(maintenance_setting, on ? "on" : "off"); !r) return r;
  if (auto r = audit_.record_admin(**work, request_id, on ? "maintenance.on" : "maintenance.off", "", ""); !r) return r;
  return (*work)->commit();
}

result<bool> admin_service::load_maintenance() {
  auto work = storage_.begin();
  if (!work) return {boost::system::in_place_error, work.error()};
  auto value = (*work)->keys().get_setting(maintenance_setting);
  if (!value) return {boost::system::in_place_error, value.error()};
  return *value && **value == "on";
}

result<audit_verification> admin_service::verify_audit() { return audit_.verify(storage_); }

result<void> admin_service::save_dev_clock_offset(const std::string& request_id, millis offset, std::string_view by) {
  auto work = storage_.begin();
  if (!work) return work.error();
  if (auto r = (*work)->keys().put_setting(dev_clock_setting, std::to_string(offset.count())); !r) return r;
  if (auto r = audit_.record_admin(**work, request_id, "dev.clock_advanced", "", "by " + std::string(by)); !r) return r;
  return (*work)->commit();
}

result<millis> admin_service::load_dev_clock_offset() {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto value = (*work)->keys().get_setting(dev_clock_setting);
  if (!value) return value.error();
  if (!*value) return millis{0};
  return millis{std::strtoll((*value)->c_str(), nullptr, 10)};
}

result<std::size_t> admin_service::load_credentials() {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto apps = (*work)->applications().list();
  if (!apps) return apps.error();
  for (const auto& app : *apps) {
    const auto seen = credentials_.generation(app.id);
    auto secrets = (*work)->secrets().list_for(app.id);
    if (!secrets) return secrets.error();
    credentials_.put(app, *secrets, seen);
  }
  return apps->size();
}

}  // namespace rekey
