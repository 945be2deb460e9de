// request_telemetry: what the listeners tell of each answer goes to the metrics
// (http_server_requests_seconds) and, with --access-log, to one access-log line: method, route
// pattern, status, duration, request id and peer. Never the path, the query string or a header:
// nothing a client sends but the method reaches the log. Thread-safe.
#pragma once

#include <memory>

#include "http/request_observer.hpp"
#include "metrics/service_metrics.hpp"

namespace spdlog {
class logger;
}

namespace rekey {

class request_telemetry final : public http::request_observer {
 public:
  // access_log: where access lines go; null for none.
  request_telemetry(metrics::service_metrics& metrics, std::shared_ptr<spdlog::logger> access_log)
      : metrics_(metrics), access_log_(std::move(access_log)) {}

  void answered(const http::answered_request& request) override;

 private:
  metrics::service_metrics& metrics_;
  std::shared_ptr<spdlog::logger> access_log_;
};

}  // namespace rekey
