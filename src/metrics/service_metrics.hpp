// service_metrics: what rekey counts for /metrics (Prometheus text format, prometheus-cpp's
// registry). Every label value comes from a fixed vocabulary known when the metrics are made —
// the routes the router serves, the HTTP methods and statuses rekey answers with, the error
// codes of each surface, the SQS actions it serves — and anything else is counted as "other",
// so no request input can grow a label set. Each series of a labelled family is made the first
// time it is counted and then found by index: counting is an array lookup and an atomic add.
// Thread-safe; counting never blocks on a scrape.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/errc.hpp"

namespace rekey::metrics {

// The wire names each surface gives an errc: its label values for that surface's results.
struct error_names {
  std::function<std::string(errc)> lwa;         // the token endpoint's "error" ("invalid_client")
  std::function<std::string(errc)> error_list;  // the rotate call's SP-API code ("QuotaExceeded")
  std::function<std::string(errc)> sqs;         // the SQS error code ("AWS.SimpleQueueService.NonExistentQueue")
};

// Why an authentication failed: by what was presented, never by whom.
enum class auth_failure {
  client_credentials,
  refresh_token,
  access_token,
  sqs_signature,
  admin_token,
  console_session
};

enum class sqs_protocol { json, query };

// What became of one attempt to deliver a notification.
enum class delivery_result { delivered, retrying, dead };

// What /metrics reads from storage when it is scraped.
struct storage_figures {
  std::int64_t outbox_pending = 0;
  std::optional<time_point> oldest_pending;
  std::int64_t outbox_dead = 0;
  std::vector<std::int64_t> expiring;  // current secrets expiring within each warning threshold, in order
};

class service_metrics {
 public:
  // `warning_thresholds`: the expiry warnings' lead times, the `within` labels of rekey_secrets_expiring.
  service_metrics(std::string_view version, const error_names& names, std::vector<millis> warning_thresholds);
  ~service_metrics();
  service_metrics(const service_metrics&) = delete;
  service_metrics& operator=(const service_metrics&) = delete;

  // The route patterns the listeners serve (the `route` label's values): call once, before serving.
  void serve_routes(const std::vector<std::string>& patterns);

  // One HTTP answer; `route` is the matched pattern, empty when no route matched.
  void request_answered(std::string_view method, std::string_view route, unsigned status,
                        std::chrono::nanoseconds took);
  // A token request: its grant_type as sent (counted as "other" unless one rekey serves) and its
  // outcome (no errc: issued).
  void token_answered(std::string_view grant_type, std::optional<errc> refused);
  void rotation_answered(std::optional<errc> refused);
  void authentication_failed(auth_failure reason);
  void notification_attempted(std::string_view type, std::string_view destination_kind, delivery_result result);
  // An SQS request: its action as sent (counted as "other" unless one rekey serves).
  void sqs_answered(std::string_view action, sqs_protocol protocol, std::optional<errc> refused);
  void storage_batch_ran(std::size_t jobs);

  // The exposition: the counters, the figures read from storage at `now` (null when storage did
  // not answer: the gauges keep the values of the last scrape that read them), the storage
  // queue's depth and the process's own metrics.
  std::string scrape(const storage_figures* figures, std::size_t storage_pending, time_point now);

  const std::vector<millis>& warning_thresholds() const { return thresholds_; }

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::vector<millis> thresholds_;
};

}  // namespace rekey::metrics
