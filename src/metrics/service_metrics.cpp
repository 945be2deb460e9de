#include "metrics/service_metrics.hpp"

#include <fmt/format.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <array>
#include <map>
#include <sstream>
#include <unordered_map>

#include "core/duration.hpp"
#include "core/string_hash.hpp"
#include "metrics/label_table.hpp"
#include "metrics/process_figures.hpp"
#include "metrics/request_histogram.hpp"

namespace rekey::metrics {
namespace {

using prometheus::Counter;
using prometheus::Gauge;
using prometheus::Histogram;

// Jobs per storage batch (group commit).
const Histogram::BucketBoundaries batch_buckets{1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

const std::vector<std::string> methods{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
// Every status rekey answers with; another would count as "other".
constexpr std::array<unsigned, 26> statuses{200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 405, 406,
                                            408, 409, 411, 413, 414, 415, 422, 429, 431, 500, 501, 503, 504};
const std::vector<std::string> grants{"client_credentials", "refresh_token"};
const std::vector<std::string> auth_reasons{"client_credentials", "refresh_token", "access_token",
                                            "sqs_signature",      "admin_token",   "console_session"};
const std::vector<std::string> notification_types{"APPLICATION_OAUTH_CLIENT_NEW_SECRET",
                                                  "APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY"};
const std::vector<std::string> destination_kinds{"embedded", "sqs", "webhook"};
const std::vector<std::string> delivery_results{"delivered", "retrying", "dead"};
const std::vector<std::string> protocols{"json", "query"};
const std::vector<std::string> sqs_actions{"CreateQueue",
                                           "GetQueueUrl",
                                           "ListQueues",
                                           "GetQueueAttributes",
                                           "SetQueueAttributes",
                                           "DeleteQueue",
                                           "PurgeQueue",
                                           "SendMessage",
                                           "SendMessageBatch",
                                           "ReceiveMessage",
                                           "DeleteMessage",
                                           "DeleteMessageBatch",
                                           "ChangeMessageVisibility",
                                           "ChangeMessageVisibilityBatch",
                                           "TagQueue",
                                           "UntagQueue",
                                           "ListQueueTags",
                                           "ListDeadLetterSourceQueues"};

// A result label: `success` first, then each distinct wire name `name` gives an errc; and for
// each errc the index of its name.
struct result_labels {
  std::vector<std::string> values;
  std::array<std::size_t, all_errcs.size() + 1> index_of_errc{};  // by errc value (1…); 0: success

  result_labels(std::string success, const std::function<std::string(errc)>& name) {
    values.push_back(std::move(success));
    for (const auto e : all_errcs) {
      auto wire = name(e);
      auto it = std::find(values.begin(), values.end(), wire);
      if (it == values.end()) it = values.insert(values.end(), std::move(wire));
      index_of_errc[static_cast<std::size_t>(e)] = static_cast<std::size_t>(it - values.begin());
    }
  }
  std::size_t index(std::optional<errc> refused) const {
    if (!refused) return 0;
    const auto at = static_cast<std::size_t>(*refused);
    return at < index_of_errc.size() ? index_of_errc[at] : index_of_errc[static_cast<std::size_t>(errc::internal)];
  }
};

// A label table's series maker for a prometheus-cpp counter family.
std::function<Counter&(const prometheus::Labels&)> counters_of(prometheus::Family<Counter>& family) {
  return [&family](const prometheus::Labels& labels) -> Counter& { return family.Add(labels); };
}

}  // namespace

struct service_metrics::impl {
  prometheus::Registry registry;
  result_labels token_results;
  result_labels rotation_results;
  result_labels sqs_codes;

  request_histogram request_series;  // http_server_requests_seconds, collected by scrape()
  std::unique_ptr<label_table<request_histogram::series, 3>> requests;  // made by serve_routes
  std::unordered_map<std::string, std::size_t, string_hash, std::equal_to<>> route_index;
  std::array<std::uint8_t, 600> status_index{};

  label_table<Counter, 2> tokens;
  label_table<Counter, 1> rotations;
  label_table<Counter, 1> auth_failures;
  label_table<Counter, 3> notifications;
  label_table<Counter, 3> sqs;
  Histogram& batch_size;
  Gauge& storage_pending;
  Gauge& outbox_pending;
  Gauge& outbox_oldest_age;
  Gauge& outbox_dead;
  std::vector<Gauge*> expiring;

  impl(std::string_view version, const error_names& names, const std::vector<millis>& thresholds)
      : token_results("issued", names.lwa),
        rotation_results("rotated", names.error_list),
        sqs_codes("ok", names.sqs),
        tokens({label_vocabulary("grant", grants), label_vocabulary("result", token_results.values)},
               counters_of(counters("rekey_tokens_total", "Token requests answered, by grant type and result."))),
        rotations(
            {label_vocabulary("result", rotation_results.values)},
            counters_of(counters("rekey_rotations_total", "Rotate calls answered, by result (an SP-API error code)."))),
        auth_failures({label_vocabulary("reason", auth_reasons)},
                      counters_of(counters("rekey_authentication_failures_total",
                                           "Authentications refused, by what was presented."))),
        notifications(
            {label_vocabulary("type", notification_types), label_vocabulary("destination_kind", destination_kinds),
             label_vocabulary("result", delivery_results)},
            counters_of(counters("rekey_notifications_total",
                                 "Notification delivery attempts, by type, destination kind and result."))),
        sqs({label_vocabulary("action", sqs_actions), label_vocabulary("protocol", protocols),
             label_vocabulary("code", sqs_codes.values)},
            counters_of(counters("rekey_sqs_requests_total", "SQS requests answered, by action, protocol and code."))),
        batch_size(prometheus::BuildHistogram()
                       .Name("rekey_storage_batch_size")
                       .Help("Storage jobs run together in one batch (one commit).")
                       .Register(registry)
                       .Add({}, batch_buckets)),
        storage_pending(gauge("rekey_storage_pending_jobs", "Storage jobs queued or running.")),
        outbox_pending(gauge("rekey_outbox_pending", "Notifications waiting to be delivered.")),
        outbox_oldest_age(gauge("rekey_outbox_oldest_pending_age_seconds",
                                "Age of the oldest notification waiting to be delivered (0: none).")),
        outbox_dead(gauge("rekey_outbox_dead", "Notifications given up on after their retry budget.")) {
    prometheus::BuildGauge()
        .Name("rekey_build_info")
        .Help("The running build (always 1).")
        .Register(registry)
        .Add({{"version", std::string(version)}})
        .Set(1);
    auto& within = prometheus::BuildGauge()
                       .Name("rekey_secrets_expiring")
                       .Help("Current client secrets expiring within each expiry-warning threshold.")
                       .Register(registry);
    for (const auto t : thresholds) expiring.push_back(&within.Add({{"within", format_duration(t)}}));
    const auto other_status = static_cast<std::uint8_t>(statuses.size());
    status_index.fill(other_status);
    for (std::size_t i = 0; i < statuses.size(); ++i) status_index[statuses[i]] = static_cast<std::uint8_t>(i);
  }

  prometheus::Family<Counter>& counters(const std::string& name, const std::string& help) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
  }
  Gauge& gauge(const std::string& name, const std::string& help) {
    return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
  }
};

service_metrics::service_metrics(std::string_view version, const error_names& names,
                                 std::vector<millis> warning_thresholds)
    : impl_(std::make_unique<impl>(version, names, warning_thresholds)), thresholds_(std::move(warning_thresholds)) {}

service_metrics::~service_metrics() = default;

void service_metrics::serve_routes(const std::vector<std::string>& patterns) {
  std::vector<std::string> routes;
  for (const auto& p : patterns) {
    if (std::find(routes.begin(), routes.end(), p) != routes.end()) continue;
    impl_->route_index.emplace(p, routes.size());
    routes.push_back(p);
  }
  routes.emplace_back("none");  // no route matched
  std::vector<std::string> status_values;
  for (const auto s : statuses) status_values.push_back(std::to_string(s));
  // Two slots whose values fold into one label set ("other") share its series.
  auto made = std::make_shared<std::map<prometheus::Labels, request_histogram::series*>>();
  impl_->requests = std::make_unique<label_table<request_histogram::series, 3>>(
      std::array{label_vocabulary("method", methods), label_vocabulary("route", routes),
                 label_vocabulary("status", status_values)},
      [this, made](const prometheus::Labels& labels) -> request_histogram::series& {
        auto& known = (*made)[labels];
        if (known == nullptr) known = &impl_->request_series.make(labels);
        return *known;
      });
}

void service_metrics::request_answered(std::string_view method, std::string_view route, unsigned status,
                                       std::chrono::nanoseconds took) {
  auto& table = impl_->requests;
  if (!table) return;
  const auto& route_labels = table->label(1);
  std::size_t route_at = route_labels.values.size() - 2;  // "none"
  if (!route.empty()) {
    const auto it = impl_->route_index.find(route);
    route_at = it == impl_->route_index.end() ? route_labels.values.size() - 1 : it->second;
  }
  const std::size_t status_at = status < impl_->status_index.size() ? impl_->status_index[status] : statuses.size();
  table->at({table->label(0).index_of(method), route_at, status_at}).observe(took);
}

void service_metrics::token_answered(std::string_view grant_type, std::optional<errc> refused) {
  impl_->tokens.at({impl_->tokens.label(0).index_of(grant_type), impl_->token_results.index(refused)}).Increment();
}

void service_metrics::rotation_answered(std::optional<errc> refused) {
  impl_->rotations.at({impl_->rotation_results.index(refused)}).Increment();
}

void service_metrics::authentication_failed(auth_failure reason) {
  impl_->auth_failures.at({static_cast<std::size_t>(reason)}).Increment();
}

void service_metrics::notification_attempted(std::string_view type, std::string_view destination_kind,
                                             delivery_result result) {
  auto& t = impl_->notifications;
  t.at({t.label(0).index_of(type), t.label(1).index_of(destination_kind), static_cast<std::size_t>(result)})
      .Increment();
}

void service_metrics::sqs_answered(std::string_view action, sqs_protocol protocol, std::optional<errc> refused) {
  auto& t = impl_->sqs;
  t.at({t.label(0).index_of(action), static_cast<std::size_t>(protocol), impl_->sqs_codes.index(refused)}).Increment();
}

void service_metrics::storage_batch_ran(std::size_t jobs) { impl_->batch_size.Observe(static_cast<double>(jobs)); }

std::string service_metrics::scrape(const storage_figures* figures, std::size_t storage_pending, time_point now) {
  impl_->storage_pending.Set(static_cast<double>(storage_pending));
  if (figures != nullptr) {
    impl_->outbox_pending.Set(static_cast<double>(figures->outbox_pending));
    impl_->outbox_dead.Set(static_cast<double>(figures->outbox_dead));
    const auto age =
        figures->oldest_pending ? std::chrono::duration<double>(now - *figures->oldest_pending).count() : 0.0;
    impl_->outbox_oldest_age.Set(std::max(0.0, age));
    for (std::size_t i = 0; i < impl_->expiring.size() && i < figures->expiring.size(); ++i)
      impl_->expiring[i]->Set(static_cast<double>(figures->expiring[i]));
  }
  auto families = impl_->registry.Collect();
  families.push_back(impl_->request_series.collect("http_server_requests_seconds",
                                                   "HTTP requests answered, by method, route and status."));
  auto process = read_process_figures();
  families.insert(families.end(), std::make_move_iterator(process.begin()), std::make_move_iterator(process.end()));
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return std::move(out).str();
}

}  // namespace rekey::metrics
